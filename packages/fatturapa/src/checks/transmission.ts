import { type FileContext, headerPath } from './context.js'

const transmissionPath = `${headerPath}/DatiTrasmissione`

/** 1.1 DatiTrasmissione: the routing fields must agree with each other and with the cessionario. */
export function checkTransmission(ctx: FileContext): void {
  const dati = ctx.header.DatiTrasmissione
  const formato = dati.FormatoTrasmissione
  const codice = dati.CodiceDestinatario

  if (formato !== ctx.invoice.versione) {
    ctx.add(
      '00428',
      `${transmissionPath}/FormatoTrasmissione`,
      `FormatoTrasmissione ${formato} differs from the root attribute versione ${ctx.invoice.versione}`,
    )
  }

  // 6 characters is an IPA office code (PA), 7 an SDI channel or 0000000 (B2B).
  if ((formato === 'FPA12' && codice.length === 7) || (formato === 'FPR12' && codice.length === 6)) {
    const expected = formato === 'FPA12' ? 6 : 7
    ctx.add(
      '00427',
      `${transmissionPath}/CodiceDestinatario`,
      `CodiceDestinatario ${codice} has ${codice.length} characters, ${formato} requires ${expected}`,
    )
  }

  if (codice === 'XXXXXXX') {
    const id = ctx.header.CessionarioCommittente.DatiAnagrafici.IdFiscaleIVA
    if (!id || id.IdPaese === 'IT') {
      const found = id ? `IdPaese ${id.IdPaese}` : 'no IdFiscaleIVA'
      ctx.add(
        '00313',
        `${transmissionPath}/CodiceDestinatario`,
        `CodiceDestinatario XXXXXXX is reserved for non-resident cessionari, but the cessionario has ${found}`,
      )
    }
  }

  // The whole pec.fatturapa.it domain belongs to SDI's own mailboxes (sdi01…sdiNN): delivering there would loop.
  const pec = dati.PECDestinatario
  if (pec && /@pec\.fatturapa\.it$/i.test(pec.trim())) {
    ctx.add('00330', `${transmissionPath}/PECDestinatario`, `PECDestinatario ${pec} is a mailbox of SDI itself, not of the recipient`)
  }
}
