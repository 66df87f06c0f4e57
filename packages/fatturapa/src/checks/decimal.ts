import { Decimal } from 'decimal.js'

/*
 * Amounts and rates arrive as the XML lexical strings of the model; every comparison goes through decimal.js so
 * that 0.1 + 0.2 style binary errors can never decide whether SDI would reject a file.
 */

export function dec(value: string | undefined): Decimal {
  return new Decimal(value ?? 0)
}

export function sum(values: readonly (string | undefined)[]): Decimal {
  return values.reduce((total, value) => total.plus(dec(value)), new Decimal(0))
}

/** Rounds to cents, half up, as Appendice 1 prescribes for Imposta (00421). */
export function roundCents(value: Decimal): Decimal {
  return value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP)
}

/** True when |a − b| ≤ tolerance: the official tolerances are inclusive ("±1 centesimo", "±1 euro"). */
export function within(a: Decimal, b: Decimal, tolerance: Decimal.Value): boolean {
  return a.minus(b).abs().lte(tolerance)
}

/** Canonical form of a rate, so that "22.00" and "22.0" fall in the same VAT group. */
export function rateKey(rate: string): string {
  return dec(rate).toFixed(2)
}

export function isZero(value: string): boolean {
  return dec(value).isZero()
}

export function cents(value: Decimal): string {
  return value.toFixed(2)
}

/** An amount as it would be written in the file: at least two decimals, more only when they carry digits. */
export function amount(value: Decimal): string {
  return value.decimalPlaces() > 2 ? value.toString() : value.toFixed(2)
}
