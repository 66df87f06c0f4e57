import { type BodyContext, cassaPath, casse, linePath, lines, riepiloghi, riepilogoPath, vatEntries } from './context.js'
import { romeDay } from './dates.js'
import { isZero } from './decimal.js'

/*
 * AliquotaIVA zero means "no VAT charged", and Natura says why; a non-zero rate means a taxable operation, which has
 * no Natura. TD16 (internal reverse charge integration) is the one exception for lines and summary: it carries both
 * the nature of the original operation and the rate the cessionario applies.
 */
export function checkNatura(ctx: BodyContext): void {
  const td16 = ctx.tipoDocumento === 'TD16'

  lines(ctx.body).forEach((linea, index) => {
    const path = linePath(ctx, index)
    if (isZero(linea.AliquotaIVA) && linea.Natura === undefined) {
      ctx.add('00400', `${path}/Natura`, `line ${linea.NumeroLinea} has AliquotaIVA ${linea.AliquotaIVA} but no Natura`)
    }
    if (!isZero(linea.AliquotaIVA) && linea.Natura !== undefined && !td16) {
      ctx.add(
        '00401',
        `${path}/Natura`,
        `line ${linea.NumeroLinea} has Natura ${linea.Natura} with AliquotaIVA ${linea.AliquotaIVA}: Natura goes only with rate zero (or TD16)`,
      )
    }
  })

  casse(ctx.body).forEach((cassa, index) => {
    const path = cassaPath(ctx, index)
    if (isZero(cassa.AliquotaIVA) && cassa.Natura === undefined) {
      ctx.add('00413', `${path}/Natura`, `DatiCassaPrevidenziale ${cassa.TipoCassa} has AliquotaIVA ${cassa.AliquotaIVA} but no Natura`)
    }
    if (!isZero(cassa.AliquotaIVA) && cassa.Natura !== undefined) {
      ctx.add(
        '00414',
        `${path}/Natura`,
        `DatiCassaPrevidenziale ${cassa.TipoCassa} has Natura ${cassa.Natura} with AliquotaIVA ${cassa.AliquotaIVA}: Natura goes only with rate zero`,
      )
    }
  })

  riepiloghi(ctx.body).forEach((riepilogo, index) => {
    const path = riepilogoPath(ctx, index)
    if (isZero(riepilogo.AliquotaIVA) && riepilogo.Natura === undefined) {
      ctx.add('00429', `${path}/Natura`, `DatiRiepilogo with AliquotaIVA ${riepilogo.AliquotaIVA} has no Natura`)
    }
    if (!isZero(riepilogo.AliquotaIVA) && riepilogo.Natura !== undefined && !td16) {
      ctx.add(
        '00430',
        `${path}/Natura`,
        `DatiRiepilogo has Natura ${riepilogo.Natura} with AliquotaIVA ${riepilogo.AliquotaIVA}: Natura goes only with rate zero (or TD16)`,
      )
    }
    // Split payment (the cessionario PA pays the VAT to the State) contradicts reverse charge (the cessionario owes it).
    if (riepilogo.Natura?.startsWith('N6') && riepilogo.EsigibilitaIVA === 'S') {
      ctx.add(
        '00420',
        `${path}/EsigibilitaIVA`,
        `DatiRiepilogo Natura ${riepilogo.Natura} (reverse charge) is not compatible with EsigibilitaIVA S (split payment)`,
      )
    }
  })

  checkGenericNatura(ctx)
}

const generic = new Set(['N2', 'N3', 'N6'])
// From this day SDI refuses the parent codes (spec 1.6.1); files received earlier were still accepted.
const genericRefusedFrom = '2021-01-01'

/** 00445: the parent codes N2, N3, N6 were replaced by their sub-codes (N2.1, N3.1…, N6.1…). */
function checkGenericNatura(ctx: BodyContext): void {
  const receivedAt = ctx.options.receivedAt
  if (receivedAt && romeDay(receivedAt) < genericRefusedFrom) return
  for (const entry of vatEntries(ctx)) {
    if (entry.natura !== undefined && generic.has(entry.natura)) {
      ctx.add(
        '00445',
        `${entry.path}/Natura`,
        `${entry.label} has the generic Natura ${entry.natura}: use one of its sub-codes (${entry.natura}.1, ${entry.natura}.2, …)`,
      )
    }
  }
}
