import PDFDocument from 'pdfkit'
import type { FatturaElettronica } from '../model/index.js'
import { type InvoiceView, invoiceView, type TableView } from './view.js'

const margin = 40
const fontSize = 9

/** An A4 PDF made in-process with the standard PDF fonts (no browser, no font files to ship). */
export function renderInvoicePdf(invoice: FatturaElettronica): Promise<Buffer> {
  return renderViewPdf(invoiceView(invoice))
}

export function renderViewPdf(view: InvoiceView): Promise<Buffer> {
  const pdf = new PDFDocument({ size: 'A4', margin, info: { Title: view.documents[0]?.title ?? view.heading, Producer: 'fatturapa-hub' } })
  const chunks: Buffer[] = []
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk))
    pdf.on('end', () => resolve(Buffer.concat(chunks)))
    pdf.on('error', reject)
  })
  const width = pdf.page.width - margin * 2

  pdf.font('Helvetica-Bold').fontSize(14).text(view.heading)
  pdf.moveDown(0.3)
  pairs(pdf, view.transmission)
  pdf.moveDown(0.5)
  for (const party of view.parties) {
    pdf.font('Helvetica-Bold').fontSize(8).fillColor('#555555').text(party.role.toUpperCase())
    pdf.fillColor('#000000').font('Helvetica-Bold').fontSize(11).text(party.name)
    pdf.font('Helvetica').fontSize(fontSize).text(party.details.join('\n'))
    pdf.moveDown(0.5)
  }
  for (const document of view.documents) {
    pdf.moveDown(0.5)
    pdf.font('Helvetica-Bold').fontSize(12).text(document.title)
    pdf
      .moveTo(margin, pdf.y)
      .lineTo(margin + width, pdf.y)
      .stroke()
    pdf.moveDown(0.3)
    pairs(pdf, document.facts)
    if (document.causale.length > 0)
      pdf
        .font('Helvetica')
        .fontSize(fontSize)
        .text(`Causale: ${document.causale.join(' ')}`)
    table(pdf, 'Dettaglio linee', document.lines, width)
    table(pdf, 'Riepilogo IVA', document.summary, width)
    pdf.moveDown(0.3)
    pairs(pdf, document.totals, true)
    table(pdf, 'Pagamento', document.payments, width)
    table(pdf, 'Allegati', document.attachments, width)
  }
  pdf.end()
  return done
}

function pairs(pdf: PDFKit.PDFDocument, entries: Array<[string, string]>, bold = false) {
  for (const [label, value] of entries) {
    pdf.font('Helvetica').fontSize(fontSize).text(`${label}: `, { continued: true })
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').text(value)
  }
}

function table(pdf: PDFKit.PDFDocument, caption: string, view: TableView, width: number) {
  if (view.rows.length === 0) return
  pdf.moveDown(0.5)
  pdf.font('Helvetica-Bold').fontSize(10).text(caption, margin)
  // Text columns share what the numeric ones leave; descriptions get the widest.
  const numericWidth = 62
  const textColumns = view.columns.length - view.numeric.length
  const textWidth = (width - numericWidth * view.numeric.length) / textColumns
  const widths = view.columns.map((_, index) => (view.numeric.includes(index) ? numericWidth : textWidth))
  const row = (cells: string[], font: string) => {
    pdf.font(font).fontSize(fontSize - 1)
    const heights = cells.map((text, index) => pdf.heightOfString(text || ' ', { width: (widths[index] as number) - 4 }))
    const height = Math.max(...heights) + 4
    if (pdf.y + height > pdf.page.height - margin) pdf.addPage()
    const top = pdf.y
    let x = margin
    cells.forEach((text, index) => {
      const cellWidth = widths[index] as number
      pdf.text(text, x + 2, top + 2, { width: cellWidth - 4, align: view.numeric.includes(index) ? 'right' : 'left' })
      x += cellWidth
    })
    pdf.y = top + height
    pdf
      .moveTo(margin, pdf.y)
      .lineTo(margin + width, pdf.y)
      .lineWidth(0.3)
      .strokeColor('#bbbbbb')
      .stroke()
      .strokeColor('#000000')
      .lineWidth(1)
  }
  row(view.columns, 'Helvetica-Bold')
  for (const cells of view.rows) row(cells, 'Helvetica')
  pdf.x = margin
}
