import { Decimal } from 'decimal.js'
import { type BodyContext, casse, type Linea, linePath, lines, riepiloghi, riepilogoPath } from './context.js'
import { amount, cents, dec, rateKey, roundCents, sum, within } from './decimal.js'

// The official tolerances of Appendice 1, inclusive: "è ammessa la tolleranza di ±1 centesimo / ±1 euro".
const oneCent = new Decimal('0.01')
const oneEuro = new Decimal('1')

/** 00421: Imposta = AliquotaIVA × ImponibileImporto / 100, rounded half up to cents, ± 0.01. */
export function checkImposta(ctx: BodyContext): void {
  riepiloghi(ctx.body).forEach((riepilogo, index) => {
    const expected = roundCents(dec(riepilogo.AliquotaIVA).times(dec(riepilogo.ImponibileImporto)).dividedBy(100))
    const imposta = dec(riepilogo.Imposta)
    if (!within(imposta, expected, oneCent)) {
      ctx.add(
        '00421',
        `${riepilogoPath(ctx, index)}/Imposta`,
        `Imposta ${riepilogo.Imposta} differs from ${riepilogo.AliquotaIVA}% of ${riepilogo.ImponibileImporto} = ${cents(expected)} by more than 0.01`,
      )
    }
  })
}

/**
 * 00422: per distinct rate, Σ ImponibileImporto = Σ PrezzoTotale + Σ ImportoContributoCassa + Σ Arrotondamento
 * (of the summary blocks), ± 1.00. Several summary blocks can share a rate (different Natura or EsigibilitaIVA), so
 * the comparison is between group totals. Rates without a summary block are 00419/00443, not 00422.
 */
export function checkImponibile(ctx: BodyContext): void {
  const groups = new Map<string, { index: number; rate: string; riepilogo: string[]; arrotondamento: (string | undefined)[] }>()
  riepiloghi(ctx.body).forEach((riepilogo, index) => {
    const key = rateKey(riepilogo.AliquotaIVA)
    const group = groups.get(key) ?? { index, rate: riepilogo.AliquotaIVA, riepilogo: [], arrotondamento: [] }
    group.riepilogo.push(riepilogo.ImponibileImporto)
    group.arrotondamento.push(riepilogo.Arrotondamento)
    groups.set(key, group)
  })

  for (const [key, group] of groups) {
    const imponibile = sum(group.riepilogo)
    const prezzi = sum(
      lines(ctx.body)
        .filter((linea) => rateKey(linea.AliquotaIVA) === key)
        .map((linea) => linea.PrezzoTotale),
    )
    const contributi = sum(
      casse(ctx.body)
        .filter((cassa) => rateKey(cassa.AliquotaIVA) === key)
        .map((cassa) => cassa.ImportoContributoCassa),
    )
    const arrotondamenti = sum(group.arrotondamento)
    const expected = prezzi.plus(contributi).plus(arrotondamenti)
    if (!within(imponibile, expected, oneEuro)) {
      ctx.add(
        '00422',
        `${riepilogoPath(ctx, group.index)}/ImponibileImporto`,
        `ImponibileImporto ${amount(imponibile)} for AliquotaIVA ${group.rate} differs from Σ PrezzoTotale ${amount(prezzi)} + Σ ImportoContributoCassa ${amount(contributi)} + Σ Arrotondamento ${amount(arrotondamenti)} = ${amount(expected)} by more than 1.00`,
      )
    }
  }
}

/** 00423: PrezzoTotale = (PrezzoUnitario ± ScontoMaggiorazione) × Quantita, ± 0.01. */
export function checkPrezzoTotale(ctx: BodyContext): void {
  lines(ctx.body).forEach((linea, index) => {
    const totale = dec(linea.PrezzoTotale)
    const candidates = expectedTotals(linea)
    const matches = candidates.some((expected) => within(totale, expected, oneCent) || within(totale, roundCents(expected), oneCent))
    if (matches) return
    const [expected = new Decimal(0)] = candidates
    const sconti = linea.ScontoMaggiorazione?.length ? ' ± ScontoMaggiorazione' : ''
    ctx.add(
      '00423',
      `${linePath(ctx, index)}/PrezzoTotale`,
      `line ${linea.NumeroLinea} PrezzoTotale ${linea.PrezzoTotale} differs from (PrezzoUnitario ${linea.PrezzoUnitario}${sconti}) × Quantita ${linea.Quantita ?? '1'} = ${cents(roundCents(expected))} by more than 0.01`,
    )
  })
}

/*
 * When a discount gives both Percentuale and Importo, the specification does not say which one wins, and software
 * in the field does both. We accept the line if either reading matches, so that we never refuse what SDI may
 * accept. Discounts apply in order, each to the price left by the previous one (cascading discounts), and an
 * Importo is per unit, as the formula applies it before multiplying by Quantita.
 */
function expectedTotals(linea: Linea): Decimal[] {
  const quantita = linea.Quantita === undefined ? new Decimal(1) : dec(linea.Quantita)
  const sconti = linea.ScontoMaggiorazione ?? []
  const readings = sconti.some((sconto) => sconto.Percentuale !== undefined && sconto.Importo !== undefined)
    ? (['percentuale', 'importo'] as const)
    : (['percentuale'] as const)
  return readings.map((prefer) => {
    let prezzo = dec(linea.PrezzoUnitario)
    for (const sconto of sconti) {
      const usePercentuale = sconto.Percentuale !== undefined && (prefer === 'percentuale' || sconto.Importo === undefined)
      const amount = usePercentuale ? prezzo.times(dec(sconto.Percentuale)).dividedBy(100) : dec(sconto.Importo).abs()
      prezzo = sconto.Tipo === 'SC' ? prezzo.minus(amount) : prezzo.plus(amount)
    }
    return prezzo.times(quantita)
  })
}
