import type { FatturaElettronica } from '../model/index.js'
import type { SdiIssue } from './issues.js'

/**
 * The identity SDI uses to detect a duplicate invoice (00404, Appendice 1): issuer, year of the date (the
 * full date when Art73 = SI), number, and whether it is a credit note (TD04 may reuse a number). For the
 * self-invoicing types the identity is the cessionario's, because the cessionario issues them.
 */
export interface InvoiceIdentity {
  issuer: string
  period: string
  numero: string
  creditNote: boolean
}

/** Implemented by the services over their own invoice tables (files that got NS are not counted). */
export interface DuplicateStore {
  exists(identity: InvoiceIdentity): Promise<boolean>
}

const issuedByCessionario = new Set(['TD16', 'TD17', 'TD18', 'TD19', 'TD20', 'TD22', 'TD23', 'TD28'])

export function invoiceIdentities(invoice: FatturaElettronica): InvoiceIdentity[] {
  const header = invoice.FatturaElettronicaHeader
  const cedente = header.CedentePrestatore.DatiAnagrafici.IdFiscaleIVA
  const cessionario = header.CessionarioCommittente.DatiAnagrafici
  const cessionarioId = cessionario.IdFiscaleIVA
    ? `${cessionario.IdFiscaleIVA.IdPaese}${cessionario.IdFiscaleIVA.IdCodice}`
    : (cessionario.CodiceFiscale ?? '')
  return invoice.FatturaElettronicaBody.map((body) => {
    const document = body.DatiGenerali.DatiGeneraliDocumento
    return {
      issuer: issuedByCessionario.has(document.TipoDocumento) ? cessionarioId : `${cedente.IdPaese}${cedente.IdCodice}`,
      period: document.Art73 === 'SI' ? document.Data : document.Data.slice(0, 4),
      numero: document.Numero,
      creditNote: document.TipoDocumento === 'TD04',
    }
  })
}

function sameIdentity(a: InvoiceIdentity, b: InvoiceIdentity): boolean {
  return a.issuer === b.issuer && a.period === b.period && a.numero === b.numero && a.creditNote === b.creditNote
}

/** 00409: the same invoice twice in one lot; 00404: an invoice the store already holds. */
export async function duplicateIssues(invoice: FatturaElettronica, store?: DuplicateStore): Promise<SdiIssue[]> {
  const identities = invoiceIdentities(invoice)
  const issues: SdiIssue[] = []
  identities.forEach((identity, index) => {
    const first = identities.findIndex((other) => sameIdentity(other, identity))
    if (first < index) {
      issues.push({
        code: '00409',
        message: `Invoice ${identity.numero} of ${identity.period} appears twice in the lot (bodies ${first + 1} and ${index + 1})`,
        path: `/FatturaElettronicaBody[${index + 1}]/DatiGenerali/DatiGeneraliDocumento/Numero`,
      })
    }
  })
  if (store) {
    for (const [index, identity] of identities.entries()) {
      if (await store.exists(identity)) {
        issues.push({
          code: '00404',
          message: `Invoice ${identity.numero} of ${identity.period} by ${identity.issuer} was already transmitted`,
          path: `/FatturaElettronicaBody[${index + 1}]/DatiGenerali/DatiGeneraliDocumento/Numero`,
        })
      }
    }
  }
  return issues
}
