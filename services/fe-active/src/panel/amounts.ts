import { Decimal } from 'decimal.js'

/** A decimal amount as the API and the XML write it: optional sign, digits, at most 8 decimals. */
export const decimalAmountPattern = '^-?[0-9]{1,13}(\\.[0-9]{1,8})?$'

/**
 * Integer cents of a decimal amount string (`'1234.56'` → `'123456'`), rounded half away from zero when it has
 * more than two decimals; decimal arithmetic only, never binary floating point. A string, as MikroORM maps bigint.
 */
export function importoCents(amount: string | null): string | null {
  if (amount === null) return null
  return new Decimal(amount).times(100).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed(0)
}

/** Bounds of an amount range in cents: the smallest whole cent ≥ `min`, the largest ≤ `max`. */
export function centsBound(amount: string, side: 'min' | 'max'): string {
  return new Decimal(amount)
    .times(100)
    .toDecimalPlaces(0, side === 'min' ? Decimal.ROUND_CEIL : Decimal.ROUND_FLOOR)
    .toFixed(0)
}
