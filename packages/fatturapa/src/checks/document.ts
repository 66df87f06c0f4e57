import { type BodyContext, cassaPath, casse, documentPath, linePath, lines } from './context.js'

/** 2.1.1 DatiGeneraliDocumento: the number, and the withholding block that lines and funds may require. */
export function checkDocument(ctx: BodyContext): void {
  const document = ctx.body.DatiGenerali.DatiGeneraliDocumento

  if (!/[0-9]/.test(document.Numero)) {
    ctx.add('00425', `${ctx.path}/${documentPath}/Numero`, `Numero ${document.Numero} contains no digit: at least one is required`)
  }

  const hasRitenuta = (document.DatiRitenuta?.length ?? 0) > 0
  if (hasRitenuta) return
  lines(ctx.body).forEach((linea, index) => {
    if (linea.Ritenuta === 'SI') {
      ctx.add('00411', `${linePath(ctx, index)}/Ritenuta`, `line ${linea.NumeroLinea} has Ritenuta SI but the document has no DatiRitenuta`)
    }
  })
  casse(ctx.body).forEach((cassa, index) => {
    if (cassa.Ritenuta === 'SI') {
      ctx.add(
        '00415',
        `${cassaPath(ctx, index)}/Ritenuta`,
        `DatiCassaPrevidenziale ${cassa.TipoCassa} has Ritenuta SI but the document has no DatiRitenuta`,
      )
    }
  })
}
