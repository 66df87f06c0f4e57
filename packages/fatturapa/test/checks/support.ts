import { readFileSync } from 'node:fs'
import { type FatturaElettronica, parseInvoice } from '../../src/model/index.js'
import type { SdiIssue } from '../../src/validation/issues.js'
import { reference } from '../support/reference.js'

export type Invoice = FatturaElettronica
export type Body = Invoice['FatturaElettronicaBody'][number]
export type Linea = Body['DatiBeniServizi']['DettaglioLinee'][number]
export type Riepilogo = Body['DatiBeniServizi']['DatiRiepilogo'][number]
export type Cassa = NonNullable<Body['DatiGenerali']['DatiGeneraliDocumento']['DatiCassaPrevidenziale']>[number]

const parsed = new Map<string, Invoice>()

/** A fresh, freely mutable copy of an official sample, e.g. sample('FPR02'). */
export function sample(name: string): Invoice {
  let invoice = parsed.get(name)
  if (!invoice) {
    invoice = parseInvoice(readFileSync(reference('fatturapa', 'samples', `IT01234567890_${name}.xml`)))
    parsed.set(name, invoice)
  }
  return structuredClone(invoice)
}

/** FPR02 changed by `change`: the usual starting point (TD01, two lines at 22%, cessionario by CodiceFiscale). */
export function fpr02(change: (invoice: Invoice) => void = () => {}): Invoice {
  const invoice = sample('FPR02')
  change(invoice)
  return invoice
}

export function body(invoice: Invoice, index = 0): Body {
  const found = invoice.FatturaElettronicaBody[index]
  if (!found) throw new Error(`no body ${index}`)
  return found
}

export function line(invoice: Invoice, index = 0, bodyIndex = 0): Linea {
  const found = body(invoice, bodyIndex).DatiBeniServizi.DettaglioLinee[index]
  if (!found) throw new Error(`no line ${index}`)
  return found
}

export function riepilogo(invoice: Invoice, index = 0, bodyIndex = 0): Riepilogo {
  const found = body(invoice, bodyIndex).DatiBeniServizi.DatiRiepilogo[index]
  if (!found) throw new Error(`no riepilogo ${index}`)
  return found
}

export function documento(invoice: Invoice, bodyIndex = 0) {
  return body(invoice, bodyIndex).DatiGenerali.DatiGeneraliDocumento
}

export const cedente = (invoice: Invoice) => invoice.FatturaElettronicaHeader.CedentePrestatore.DatiAnagrafici
export const cessionario = (invoice: Invoice) => invoice.FatturaElettronicaHeader.CessionarioCommittente.DatiAnagrafici
export const trasmissione = (invoice: Invoice) => invoice.FatturaElettronicaHeader.DatiTrasmissione

export function setTipo(invoice: Invoice, tipo: string): void {
  documento(invoice).TipoDocumento = tipo as Body['DatiGenerali']['DatiGeneraliDocumento']['TipoDocumento']
}

/** Gives the cessionario its own Italian VAT number (different from the cedente's). */
export function cessionarioWithVat(invoice: Invoice, paese = 'IT', codice = '09876543210'): void {
  cessionario(invoice).IdFiscaleIVA = { IdPaese: paese, IdCodice: codice }
}

/** Makes the cessionario the same subject as the cedente (self-invoice). */
export function selfInvoice(invoice: Invoice): void {
  cessionario(invoice).IdFiscaleIVA = { ...cedente(invoice).IdFiscaleIVA }
}

/**
 * Moves FPR02's first line (5.00) to AliquotaIVA 0.00 with the given Natura, and keeps the summary coherent: the
 * 22% block drops to 20.00 / 4.40 and a 0% block with `riepilogoNatura` holds the 5.00.
 */
export function zeroRateFirstLine(invoice: Invoice, natura: string | undefined, riepilogoNatura: string | undefined = natura): void {
  const first = line(invoice)
  first.AliquotaIVA = '0.00'
  setOptional(first, 'Natura', natura)
  const iva = riepilogo(invoice)
  iva.ImponibileImporto = '20.00'
  iva.Imposta = '4.40'
  const zero: Riepilogo = { AliquotaIVA: '0.00', ImponibileImporto: '5.00', Imposta: '0.00' }
  setOptional(zero, 'Natura', riepilogoNatura)
  body(invoice).DatiBeniServizi.DatiRiepilogo.push(zero)
}

export function addCassa(invoice: Invoice, cassa: Partial<Cassa> = {}): Cassa {
  const full = { TipoCassa: 'TC22', AlCassa: '4.00', ImportoContributoCassa: '1.00', AliquotaIVA: '22.00', ...cassa } as Cassa
  const document = documento(invoice)
  document.DatiCassaPrevidenziale = [...(document.DatiCassaPrevidenziale ?? []), full]
  return full
}

export const ritenuta = { TipoRitenuta: 'RT02', ImportoRitenuta: '1.00', AliquotaRitenuta: '20.00', CausalePagamento: 'A' } as const

/** Sets or deletes an optional property, as the model never holds `undefined` values. */
export function setOptional<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | string | undefined): void {
  if (value === undefined) delete target[key]
  else target[key] = value as T[K]
}

export const codes = (issues: SdiIssue[]) => issues.map((issue) => issue.code)
