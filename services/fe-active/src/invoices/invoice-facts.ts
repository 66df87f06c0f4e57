import {
  type FatturaElettronica,
  type InvoiceIdentity,
  invoiceIdentities,
  parseUntrustedXml,
  readValidatedInvoice,
} from '@fatturapa-hub/fatturapa'
import { Decimal } from 'decimal.js'
import type { InvoiceFormat } from './invoice.entity.js'

export interface BodyFacts {
  numero: string
  /** YYYY-MM-DD */
  data: string
  importoTotale: string | null
}

/** What fe-active keeps in columns about a valid invoice file, read from its XML. */
export interface InvoiceFacts {
  format: InvoiceFormat
  cedente: { idPaese: string; idCodice: string }
  /** DatiTrasmissione/IdTrasmittente (IdPaese + IdCodice): the prefix of the file name sent to SDI. */
  trasmittente: string
  bodies: BodyFacts[]
  destinatario: {
    denominazione: string | null
    codiceFiscale: string | null
    partitaIva: string | null
    codiceDestinatario: string | null
    pecDestinatario: string | null
  }
  importoTotale: string | null
  /** SDI identities of the bodies (00404); FPA12/FPR12 only. */
  identities: InvoiceIdentity[]
  /** The model, for the ordinary formats. */
  model?: FatturaElettronica
}

/** Reads the facts of an XML that passed the SDI format stage (`validateInvoice` valid or content-only issues). */
export function invoiceFacts(xml: Uint8Array, format: InvoiceFormat): InvoiceFacts {
  return format === 'FSM10' ? simplifiedFacts(xml) : ordinaryFacts(readValidatedInvoice(xml), format)
}

function ordinaryFacts(model: FatturaElettronica, format: InvoiceFormat): InvoiceFacts {
  const header = model.FatturaElettronicaHeader
  const cessionario = header.CessionarioCommittente.DatiAnagrafici
  const anagrafica = cessionario.Anagrafica as { Denominazione?: string; Nome?: string; Cognome?: string }
  const bodies = model.FatturaElettronicaBody.map((body) => {
    const document = body.DatiGenerali.DatiGeneraliDocumento
    return { numero: document.Numero, data: document.Data, importoTotale: document.ImportoTotaleDocumento ?? null }
  })
  const cedente = header.CedentePrestatore.DatiAnagrafici.IdFiscaleIVA
  return {
    format,
    cedente: { idPaese: cedente.IdPaese, idCodice: cedente.IdCodice },
    trasmittente: `${header.DatiTrasmissione.IdTrasmittente.IdPaese}${header.DatiTrasmissione.IdTrasmittente.IdCodice}`,
    bodies,
    destinatario: {
      denominazione: anagrafica.Denominazione ?? joinName(anagrafica.Nome, anagrafica.Cognome),
      codiceFiscale: cessionario.CodiceFiscale ?? null,
      partitaIva: cessionario.IdFiscaleIVA ? `${cessionario.IdFiscaleIVA.IdPaese}${cessionario.IdFiscaleIVA.IdCodice}` : null,
      codiceDestinatario: header.DatiTrasmissione.CodiceDestinatario ?? null,
      pecDestinatario: header.DatiTrasmissione.PECDestinatario ?? null,
    },
    importoTotale: sumAmounts(bodies.map((body) => body.importoTotale)),
    identities: invoiceIdentities(model),
    model,
  }
}

const local = (...names: string[]) => names.map((name) => `/*[local-name()='${name}']`).join('')

function simplifiedFacts(xml: Uint8Array): InvoiceFacts {
  const document = parseUntrustedXml(xml)
  try {
    const text = (path: string): string | null => {
      const node = document.get(path)
      const value = node?.content.trim()
      return value ? value : null
    }
    const root = `/*[local-name()='FatturaElettronicaSemplificata']`
    const header = `${root}${local('FatturaElettronicaHeader')}`
    const cessionario = `${header}${local('CessionarioCommittente')}`
    const bodies: BodyFacts[] = []
    for (let position = 1; ; position++) {
      const generali = `${root}/*[local-name()='FatturaElettronicaBody'][${position}]${local('DatiGenerali', 'DatiGeneraliDocumento')}`
      const numero = text(`${generali}${local('Numero')}`)
      if (numero === null) break
      bodies.push({ numero, data: text(`${generali}${local('Data')}`) ?? '', importoTotale: null })
    }
    const iva = (path: string) => {
      const paese = text(`${path}${local('IdPaese')}`)
      const codice = text(`${path}${local('IdCodice')}`)
      return paese && codice ? { idPaese: paese, idCodice: codice } : null
    }
    const cessionarioIva = iva(`${cessionario}${local('IdentificativiFiscali', 'IdFiscaleIVA')}`)
    const altri = `${cessionario}${local('AltriDatiIdentificativi')}`
    return {
      format: 'FSM10',
      cedente: iva(`${header}${local('CedentePrestatore', 'IdFiscaleIVA')}`) ?? { idPaese: '', idCodice: '' },
      trasmittente: Object.values(iva(`${header}${local('DatiTrasmissione', 'IdTrasmittente')}`) ?? {}).join(''),
      bodies,
      destinatario: {
        denominazione:
          text(`${altri}${local('Denominazione')}`) ?? joinName(text(`${altri}${local('Nome')}`), text(`${altri}${local('Cognome')}`)),
        codiceFiscale: text(`${cessionario}${local('IdentificativiFiscali', 'CodiceFiscale')}`),
        partitaIva: cessionarioIva ? `${cessionarioIva.idPaese}${cessionarioIva.idCodice}` : null,
        codiceDestinatario: text(`${header}${local('DatiTrasmissione', 'CodiceDestinatario')}`),
        pecDestinatario: text(`${header}${local('DatiTrasmissione', 'PECDestinatario')}`),
      },
      importoTotale: null,
      identities: [],
    }
  } finally {
    document.dispose()
  }
}

function joinName(nome: string | null | undefined, cognome: string | null | undefined): string | null {
  const name = [nome, cognome].filter(Boolean).join(' ')
  return name === '' ? null : name
}

/** Exact sum of decimal strings (no binary floating point); null when one is missing. */
export function sumAmounts(amounts: readonly (string | null)[]): string | null {
  if (amounts.some((amount) => amount === null)) return null
  const values = amounts as string[]
  // Two decimals at least, as the amounts of the invoice; more when a body has more.
  const scale = Math.max(2, ...values.map((value) => value.split('.')[1]?.length ?? 0))
  return values.reduce((total, value) => total.plus(value), new Decimal(0)).toFixed(scale)
}
