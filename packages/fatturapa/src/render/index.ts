export { renderInvoiceHtml, renderViewHtml } from './html.js'
export { renderInvoicePdf, renderViewPdf } from './pdf.js'
export { type InvoiceView, invoiceView } from './view.js'
