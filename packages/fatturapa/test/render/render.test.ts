// Real: pdfkit output read back with poppler's pdftotext; the official samples as input.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { parseInvoice } from '../../src/model/index.js'
import { renderInvoiceHtml, renderInvoicePdf } from '../../src/render/index.js'
import { reference, referenceFiles } from '../support/reference.js'

const samples = referenceFiles('fatturapa/samples').filter((file) => /_FP[AR]\d+\.xml$/.test(file))
const pdfText = (pdf: Buffer) => {
  const file = join(mkdtempSync(join(tmpdir(), 'fph-pdf-')), 'invoice.pdf')
  writeFileSync(file, pdf)
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })
}

describe('rendering', () => {
  const invoice = parseInvoice(readFileSync(reference('fatturapa', 'samples', 'IT01234567890_FPR02.xml')))
  const body = invoice.FatturaElettronicaBody[0]
  const document = body?.DatiGenerali.DatiGeneraliDocumento
  const supplier = invoice.FatturaElettronicaHeader.CedentePrestatore.DatiAnagrafici.Anagrafica.Denominazione as string
  const customer = invoice.FatturaElettronicaHeader.CessionarioCommittente.DatiAnagrafici.Anagrafica

  it('writes an HTML page with number, date, parties, lines, VAT summary and payments', () => {
    const html = renderInvoiceHtml(invoice)
    expect(html).toMatch(/^<!DOCTYPE html>/)
    expect(html).toContain(`n. ${document?.Numero} del `)
    expect(html).toContain(supplier.replaceAll("'", '&#39;'))
    expect(html).toContain('Riepilogo IVA')
    expect(html).toContain('Dettaglio linee')
    expect(html).not.toMatch(/<script/i)
  })

  it('escapes text so invoice content cannot inject markup', () => {
    const hostile = structuredClone(invoice)
    const line = hostile.FatturaElettronicaBody[0]?.DatiBeniServizi.DettaglioLinee[0]
    if (!line) throw new Error('sample without lines')
    line.Descrizione = '<img src=x onerror=alert(1)> & co'
    const html = renderInvoiceHtml(hostile)
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; co')
    expect(html).not.toContain('<img')
  })

  it.each(samples.map((file) => [basename(file), file]))(
    'makes a PDF of %s whose text has number, date, supplier, customer and total',
    async (_name, file) => {
      const sample = parseInvoice(readFileSync(file))
      const text = (await pdfText(await renderInvoicePdf(sample))).replace(/\s+/g, ' ')
      const header = sample.FatturaElettronicaHeader
      const anagrafica = header.CessionarioCommittente.DatiAnagrafici.Anagrafica
      expect(text).toContain(
        header.CedentePrestatore.DatiAnagrafici.Anagrafica.Denominazione ??
          header.CedentePrestatore.DatiAnagrafici.Anagrafica.Cognome ??
          '',
      )
      expect(text).toContain((anagrafica.Denominazione ?? anagrafica.Cognome) as string)
      for (const each of sample.FatturaElettronicaBody) {
        const data = each.DatiGenerali.DatiGeneraliDocumento
        expect(text).toContain(`n. ${data.Numero} del ${data.Data.slice(8, 10)}/${data.Data.slice(5, 7)}/${data.Data.slice(0, 4)}`)
        expect(text).toContain('Totale documento')
      }
    },
  )

  it('shows the document total in Italian format', async () => {
    const text = pdfText(await renderInvoicePdf(invoice)).replace(/\s+/g, ' ')
    expect(customer.Denominazione ?? customer.Cognome).toBeDefined()
    const total = document?.ImportoTotaleDocumento
    if (total) expect(text).toContain(`Totale documento: ${total.replace('.', ',')}`)
    else expect(text).toMatch(/Totale documento: [\d.]+,\d{2} EUR/)
  })
})
