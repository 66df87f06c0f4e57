import { type BodyContext, documentPath, linePath, lines } from './context.js'

interface Sconto {
  Tipo: string
  Percentuale?: string
  Importo?: string
}

/** 00437 / 00438: a discount or surcharge must say how much, as a percentage, an amount or both. */
export function checkSconti(ctx: BodyContext): void {
  const document = ctx.body.DatiGenerali.DatiGeneraliDocumento
  reportEmpty(document.ScontoMaggiorazione, (index, sconto) =>
    ctx.add(
      '00437',
      `${ctx.path}/${documentPath}/ScontoMaggiorazione[${index + 1}]`,
      `document ScontoMaggiorazione ${sconto.Tipo} has neither Percentuale nor Importo`,
    ),
  )
  lines(ctx.body).forEach((linea, lineIndex) => {
    reportEmpty(linea.ScontoMaggiorazione, (index, sconto) =>
      ctx.add(
        '00438',
        `${linePath(ctx, lineIndex)}/ScontoMaggiorazione[${index + 1}]`,
        `line ${linea.NumeroLinea} ScontoMaggiorazione ${sconto.Tipo} has neither Percentuale nor Importo`,
      ),
    )
  })
}

function reportEmpty(sconti: readonly Sconto[] | undefined, report: (index: number, sconto: Sconto) => void): void {
  sconti?.forEach((sconto, index) => {
    if (sconto.Percentuale === undefined && sconto.Importo === undefined) report(index, sconto)
  })
}
