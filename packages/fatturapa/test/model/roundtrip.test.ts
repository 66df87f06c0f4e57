import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { buildInvoiceXml, type FatturaElettronica, parseInvoice, readInvoice } from '../../src/model/index.js'
import { referenceFiles } from '../support/reference.js'
import { canonicalInvoice, xsdErrors } from './canonical.js'

const samples = referenceFiles('fatturapa/samples').filter((file) => /_FP[AR]\d+\.xml$/.test(file))

describe('official samples round trip', () => {
  it('finds the seven FPA/FPR samples', () => {
    expect(samples.map((file) => basename(file))).toHaveLength(7)
  })

  it.each(samples.map((file) => [basename(file), file]))('%s: parse → build keeps the canonical form and validates', (_, file) => {
    const original = readFileSync(file)
    const { invoice, issues } = readInvoice(original)
    expect(issues).toEqual([])
    const rebuilt = buildInvoiceXml(invoice)
    expect(canonicalInvoice(rebuilt)).toBe(canonicalInvoice(original.toString('utf8')))
    expect(xsdErrors(rebuilt)).toEqual([])
    expect(parseInvoice(rebuilt)).toEqual(invoice)
  })
})

describe('lots and attachments', () => {
  it('round-trips a lot of three bodies, one of them with an attachment', () => {
    const single = parseInvoice(readFileSync(samples.find((f) => f.endsWith('FPR01.xml')) as string))
    const template = single.FatturaElettronicaBody[0] as FatturaElettronica['FatturaElettronicaBody'][number]
    const lot: FatturaElettronica = {
      ...single,
      SistemaEmittente: 'hub-1.0',
      FatturaElettronicaBody: [1, 2, 3].map((n) => {
        const body = structuredClone(template)
        body.DatiGenerali.DatiGeneraliDocumento.Numero = `LOT-${n}`
        return body
      }),
    }
    const pdf = Buffer.from('%PDF-1.4\n% tiny test document & <markup>\n').toString('base64')
    ;(lot.FatturaElettronicaBody[2] as FatturaElettronica['FatturaElettronicaBody'][number]).Allegati = [
      { NomeAttachment: 'fattura-3.pdf', FormatoAttachment: 'PDF', DescrizioneAttachment: 'Copia di cortesia', Attachment: pdf },
    ]
    const xml = buildInvoiceXml(lot)
    expect(xsdErrors(xml)).toEqual([])
    const back = parseInvoice(xml)
    expect(back).toEqual(lot)
    expect(back.FatturaElettronicaBody.map((b) => b.DatiGenerali.DatiGeneraliDocumento.Numero)).toEqual(['LOT-1', 'LOT-2', 'LOT-3'])
    expect(Buffer.from(back.FatturaElettronicaBody[2]?.Allegati?.[0]?.Attachment ?? '', 'base64').toString()).toContain('& <markup>')
    expect(canonicalInvoice(buildInvoiceXml(back))).toBe(canonicalInvoice(xml))
  })
})
