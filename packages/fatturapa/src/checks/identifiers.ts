import { isValidCodiceFiscale, isValidPartitaIva } from '@fatturapa-hub/shared/identifiers'
import type { FatturaElettronica } from '../model/index.js'
import type { SdiIssue } from '../validation/issues.js'
import { headerPath } from './context.js'
import { collector } from './issues.js'

interface IdFiscale {
  IdPaese: string
  IdCodice: string
}

/**
 * Check digits of the Italian fiscal identifiers in the header (FPH3xx codes, see codes.ts). SDI verifies these
 * against the Anagrafe Tributaria (00300–00306); offline we can only tell that a code cannot exist, which catches
 * typos before the file is sent. Identifiers issued abroad (IdPaese ≠ IT) follow other rules and are left alone.
 */
export function runIdentifierChecks(invoice: FatturaElettronica): SdiIssue[] {
  const { issues, add } = collector()
  const header = invoice.FatturaElettronicaHeader

  const partitaIva = (code: string, path: string, id: IdFiscale | undefined, who: string) => {
    if (id?.IdPaese === 'IT' && !isValidPartitaIva(id.IdCodice)) {
      add(code, `${path}/IdCodice`, `${who} partita IVA ${id.IdCodice} is not valid: wrong length, characters or check digit`)
    }
  }
  const codiceFiscale = (code: string, path: string, value: string | undefined, who: string) => {
    if (value !== undefined && !isValidCodiceFiscale(value)) {
      add(code, path, `${who} codice fiscale ${value} is not valid: wrong shape, birth date or check character`)
    }
  }

  // For an Italian transmitter IdTrasmittente holds the codice fiscale (spec §2.1.1), 16 characters for a person.
  const trasmittente = header.DatiTrasmissione.IdTrasmittente
  if (trasmittente.IdPaese === 'IT') {
    codiceFiscale('FPH300', `${headerPath}/DatiTrasmissione/IdTrasmittente/IdCodice`, trasmittente.IdCodice, 'IdTrasmittente')
  }

  const cedentePath = `${headerPath}/CedentePrestatore/DatiAnagrafici`
  const cedente = header.CedentePrestatore.DatiAnagrafici
  partitaIva('FPH301', `${cedentePath}/IdFiscaleIVA`, cedente.IdFiscaleIVA, 'CedentePrestatore')
  codiceFiscale('FPH302', `${cedentePath}/CodiceFiscale`, cedente.CodiceFiscale, 'CedentePrestatore')

  const rappresentantePath = `${headerPath}/RappresentanteFiscale/DatiAnagrafici`
  const rappresentante = header.RappresentanteFiscale?.DatiAnagrafici
  partitaIva('FPH303', `${rappresentantePath}/IdFiscaleIVA`, rappresentante?.IdFiscaleIVA, 'RappresentanteFiscale')
  codiceFiscale('FPH304', `${rappresentantePath}/CodiceFiscale`, rappresentante?.CodiceFiscale, 'RappresentanteFiscale')

  const cessionarioPath = `${headerPath}/CessionarioCommittente`
  const cessionario = header.CessionarioCommittente
  partitaIva('FPH305', `${cessionarioPath}/DatiAnagrafici/IdFiscaleIVA`, cessionario.DatiAnagrafici.IdFiscaleIVA, 'CessionarioCommittente')
  codiceFiscale(
    'FPH306',
    `${cessionarioPath}/DatiAnagrafici/CodiceFiscale`,
    cessionario.DatiAnagrafici.CodiceFiscale,
    'CessionarioCommittente',
  )
  partitaIva(
    'FPH303',
    `${cessionarioPath}/RappresentanteFiscale/IdFiscaleIVA`,
    cessionario.RappresentanteFiscale?.IdFiscaleIVA,
    'RappresentanteFiscale of the cessionario',
  )

  const terzoPath = `${headerPath}/TerzoIntermediarioOSoggettoEmittente/DatiAnagrafici`
  const terzo = header.TerzoIntermediarioOSoggettoEmittente?.DatiAnagrafici
  partitaIva('FPH307', `${terzoPath}/IdFiscaleIVA`, terzo?.IdFiscaleIVA, 'TerzoIntermediarioOSoggettoEmittente')
  codiceFiscale('FPH307', `${terzoPath}/CodiceFiscale`, terzo?.CodiceFiscale, 'TerzoIntermediarioOSoggettoEmittente')

  return issues
}
