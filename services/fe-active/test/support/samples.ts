// The official FatturaPA samples, read from the reference folder when a test asks for one, with the fields that make
// an invoice new (Numero) or route it (CodiceDestinatario, cedente) changed in memory.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export const referenceFolder = '/work/shared/reference/fatturapa'

export const sampleBytes = (name: string): Buffer => readFileSync(join(referenceFolder, 'samples', name))
export const p7mBytes = (name: string): Buffer => readFileSync(join(referenceFolder, 'p7m', name))

let counter = 0
/** A Numero no other invoice of this run has. */
export const uniqueNumero = (prefix = 'T'): string => `${prefix}${Date.now() % 100000}${++counter}`

/**
 * An official sample with its <Numero>s changed in document order (first body first): the first to `numeri[0]`, or a
 * unique one when absent; the next ones only where `numeri` gives one.
 */
export function sampleInvoice(name = 'IT01234567890_FPA01.xml', ...numeri: string[]): Buffer {
  let index = 0
  const text = sampleBytes(name)
    .toString('utf8')
    .replace(/<Numero>[^<]*<\/Numero>/g, (original) => {
      const numero = index === 0 ? (numeri[0] ?? uniqueNumero()) : numeri[index]
      index++
      return numero === undefined ? original : `<Numero>${numero}</Numero>`
    })
  if (index === 0) throw new Error(`${name} has no Numero`)
  return Buffer.from(text, 'utf8')
}

export interface RoutedSampleChanges {
  numero: string
  codiceDestinatario: string
  /** The IdCodice of the CedentePrestatore; the sample's when absent. */
  cedentePartitaIva?: string
}

/** An official sample with its recipient code, optionally its cedente, and the Numero of its first body changed. */
export function routedSample(name: string, changes: RoutedSampleChanges): Buffer {
  let xml = sampleBytes(name).toString('utf8')
  xml = xml.replace(/<CodiceDestinatario>[^<]*</, `<CodiceDestinatario>${changes.codiceDestinatario}<`)
  if (changes.cedentePartitaIva !== undefined) {
    const cedente = xml.indexOf('<CedentePrestatore>')
    xml = xml.slice(0, cedente) + xml.slice(cedente).replace(/<IdCodice>[^<]*</, `<IdCodice>${changes.cedentePartitaIva}<`)
  }
  const body = xml.indexOf('<DatiGeneraliDocumento>')
  xml = xml.slice(0, body) + xml.slice(body).replace(/<Numero>[^<]*</, `<Numero>${changes.numero}<`)
  return Buffer.from(xml, 'utf8')
}
