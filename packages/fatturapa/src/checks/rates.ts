import { Decimal } from 'decimal.js'
import { type BodyContext, vatEntries } from './context.js'
import { dec } from './decimal.js'

/*
 * 00424: rates are percentages (10.00), not fractions (0.10). The schema already limits a rate to 0.00–100.00, so the
 * only telltale sign left is a non-zero rate below 1: no Italian VAT rate (4, 5, 10, 22) nor any foreign rate an
 * invoice could carry is that small, while every fraction of a real rate is.
 */
const one = new Decimal(1)

export function checkRates(ctx: BodyContext): void {
  for (const entry of vatEntries(ctx)) {
    const value = dec(entry.aliquota)
    if (value.gt(0) && value.lt(one)) {
      const percent = value.times(100).toFixed(2)
      ctx.add(
        '00424',
        `${entry.path}/AliquotaIVA`,
        `${entry.label} AliquotaIVA ${entry.aliquota} is a fraction, not a percentage (${percent} was probably meant)`,
      )
    }
  }
}
