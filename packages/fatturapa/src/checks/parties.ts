import { type BodyContext, documentPath, type FileContext, type Header, headerPath } from './context.js'
import { isZero } from './decimal.js'

const cessionarioPath = `${headerPath}/CessionarioCommittente/DatiAnagrafici`

/** 1.2 / 1.4: who the parties are, independently of the document type. */
export function checkParties(ctx: FileContext): void {
  const cedente = ctx.header.CedentePrestatore.DatiAnagrafici
  const cessionario = ctx.header.CessionarioCommittente.DatiAnagrafici

  if (!cessionario.IdFiscaleIVA && !cessionario.CodiceFiscale) {
    ctx.add('00417', cessionarioPath, 'CessionarioCommittente has neither IdFiscaleIVA nor CodiceFiscale: at least one is required')
  }

  const cessionarioPaese = cessionario.IdFiscaleIVA?.IdPaese
  if (cedente.IdFiscaleIVA.IdPaese !== 'IT' && cessionarioPaese !== undefined && cessionarioPaese !== 'IT') {
    ctx.add(
      '00476',
      `${cessionarioPath}/IdFiscaleIVA/IdPaese`,
      `cedente IdPaese ${cedente.IdFiscaleIVA.IdPaese} and cessionario IdPaese ${cessionarioPaese} are both not IT: one party must be Italian`,
    )
  }
}

const mustDiffer = new Set(['TD01', 'TD02', 'TD03', 'TD06', 'TD16', 'TD17', 'TD18', 'TD19', 'TD20', 'TD24', 'TD25', 'TD28'])
const mustMatch = new Set(['TD21', 'TD27'])
const foreignCedente = new Set(['TD17', 'TD18', 'TD19', 'TD28'])
const needsCessionarioVat = new Set(['TD16', 'TD17', 'TD18', 'TD19', 'TD20', 'TD22', 'TD23', 'TD28'])

/** 00471–00475: document types that constrain who the parties can be. */
export function checkDocumentTypeParties(ctx: BodyContext): void {
  const tipo = ctx.tipoDocumento
  const tipoPath = `${ctx.path}/${documentPath}/TipoDocumento`
  const cedente = ctx.header.CedentePrestatore.DatiAnagrafici
  const cessionario = ctx.header.CessionarioCommittente.DatiAnagrafici

  const same = sameParty(ctx.header)
  if (mustDiffer.has(tipo) && same) {
    ctx.add('00471', tipoPath, `TipoDocumento ${tipo} does not allow the cedente to be the cessionario, but both are ${same}`)
  }
  if (mustMatch.has(tipo) && !same) {
    ctx.add('00472', tipoPath, `TipoDocumento ${tipo} requires the cedente to be the cessionario, but ${describeParties(ctx.header)}`)
  }

  const paese = cedente.IdFiscaleIVA.IdPaese
  if (foreignCedente.has(tipo) && paese === 'IT') {
    ctx.add('00473', tipoPath, `TipoDocumento ${tipo} does not allow an Italian cedente (IdPaese IT)`)
  } else if (tipo === 'TD28' && paese !== 'SM') {
    ctx.add('00473', tipoPath, `TipoDocumento TD28 requires a cedente from San Marino (IdPaese SM), found ${paese}`)
  }

  if (tipo === 'TD21') {
    ctx.body.DatiBeniServizi.DettaglioLinee.forEach((linea, index) => {
      if (isZero(linea.AliquotaIVA)) {
        ctx.add(
          '00474',
          `${ctx.path}/DatiBeniServizi/DettaglioLinee[${index + 1}]/AliquotaIVA`,
          `TipoDocumento TD21 (autofattura per splafonamento) does not allow lines at AliquotaIVA ${linea.AliquotaIVA}`,
        )
      }
    })
  }

  if (needsCessionarioVat.has(tipo) && !cessionario.IdFiscaleIVA) {
    ctx.add('00475', tipoPath, `TipoDocumento ${tipo} requires the IdFiscaleIVA of the cessionario, which is missing`)
  }
}

/**
 * The identifier the two parties share, or undefined when they are different subjects. Same IdFiscaleIVA, same
 * CodiceFiscale, or an Italian partita IVA equal to the other party's (numeric) codice fiscale: companies usually
 * have CF = P.IVA, and a cessionario may be given by CodiceFiscale only.
 */
export function sameParty(header: Header): string | undefined {
  const cedente = header.CedentePrestatore.DatiAnagrafici
  const cessionario = header.CessionarioCommittente.DatiAnagrafici
  const cedenteVat = cedente.IdFiscaleIVA
  const cessionarioVat = cessionario.IdFiscaleIVA
  if (cessionarioVat && cedenteVat.IdPaese === cessionarioVat.IdPaese && sameCode(cedenteVat.IdCodice, cessionarioVat.IdCodice)) {
    return `IdFiscaleIVA ${cedenteVat.IdPaese}${cedenteVat.IdCodice}`
  }
  if (cedente.CodiceFiscale && cessionario.CodiceFiscale && sameCode(cedente.CodiceFiscale, cessionario.CodiceFiscale)) {
    return `CodiceFiscale ${cedente.CodiceFiscale}`
  }
  if (cedenteVat.IdPaese === 'IT' && cessionario.CodiceFiscale && sameCode(cedenteVat.IdCodice, cessionario.CodiceFiscale)) {
    return `partita IVA / codice fiscale ${cedenteVat.IdCodice}`
  }
  if (cessionarioVat?.IdPaese === 'IT' && cedente.CodiceFiscale && sameCode(cessionarioVat.IdCodice, cedente.CodiceFiscale)) {
    return `partita IVA / codice fiscale ${cessionarioVat.IdCodice}`
  }
  return undefined
}

function sameCode(a: string, b: string): boolean {
  return a.trim().toUpperCase() === b.trim().toUpperCase()
}

function describeParties(header: Header): string {
  const describe = (data: { IdFiscaleIVA?: { IdPaese: string; IdCodice: string }; CodiceFiscale?: string }) =>
    [
      data.IdFiscaleIVA ? `IdFiscaleIVA ${data.IdFiscaleIVA.IdPaese}${data.IdFiscaleIVA.IdCodice}` : undefined,
      data.CodiceFiscale ? `CodiceFiscale ${data.CodiceFiscale}` : undefined,
    ]
      .filter(Boolean)
      .join(', ') || 'no identifier'
  return `the cedente has ${describe(header.CedentePrestatore.DatiAnagrafici)} and the cessionario ${describe(header.CessionarioCommittente.DatiAnagrafici)}`
}
