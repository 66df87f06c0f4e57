import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { type FatturaElettronica, parseInvoice, renderInvoiceHtml, renderInvoicePdf, unwrapP7m } from '@fatturapa-hub/fatturapa'
import { AppError, authenticatedUser, Permissions, problemResponses, requirePermission } from '@fatturapa-hub/shared'
import Type from 'typebox'
import type { Config } from '../config.js'
import { findStudioInvoice } from '../invoices/find-invoice.js'
import type { Invoice } from '../invoices/invoice.entity.js'
import { InvoiceIdParamsSchema } from '../invoices/schemas.js'
import { PanelSearchQuerySchema, PanelSearchResultSchema, panelFilters, searchPanel } from './search.js'

export const PanelErrorCodes = { InvoiceNotRenderable: 'INVOICE_NOT_RENDERABLE' } as const

const HtmlSchema = Type.Unsafe<string>({ type: 'string', description: 'A self-contained HTML page (no scripts, no external resources).' })
const PdfSchema = Type.Unsafe<Buffer>({ description: 'The invoice as a PDF document.' })

/** `fattura_2026_123-A.pdf`: the year and number of the first body, with only safe characters. */
function renderingFileName(invoice: Invoice, extension: 'html' | 'pdf'): string {
  const numero = invoice.numero.replace(/[^A-Za-z0-9-]+/g, '-')
  return `fattura_${invoice.cedentePartitaIva}_${invoice.dataDocumento.slice(0, 4)}_${numero}.${extension}`
}

/** The operators' Pannello Fattura Elettronica Attiva: the search, and the invoice as HTML and PDF. */
export const panelRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app) => {
  const canRead = requirePermission(Permissions.FeActiveRead)

  const findInvoice = (studioId: string, id: string) => findStudioInvoice(app.orm.em, studioId, id, { populate: ['file'] })

  /** The invoice model of the stored file: the signed content of a .p7m, the XML otherwise. */
  const invoiceModel = (invoice: Invoice): FatturaElettronica => {
    if (invoice.format === 'FSM10') {
      throw new AppError(PanelErrorCodes.InvoiceNotRenderable, 422, 'Simplified invoices (FSM10) have no HTML or PDF rendering yet')
    }
    const bytes = new Uint8Array(invoice.file)
    return parseInvoice(invoice.contentKind === 'p7m' ? unwrapP7m(bytes).content : bytes, { mode: 'lenient' })
  }

  app.get(
    '/invoices',
    {
      preHandler: canRead,
      schema: {
        tags: ['panel'],
        summary: 'Search the outgoing invoices (Pannello Fattura Elettronica Attiva)',
        description:
          'The filters of "Ricerca Fatture Elettroniche Attive", combined with AND, in the caller’s studio: IdentificativoSdI, recipient name (contains, ignoring case), recipient codice fiscale or partita IVA, invoice year and number, Italian sending days, cedente/prestatore (partita IVA or client name), states and preservation states (multi-select), amount range. Newest sending first by default, 20 per page. `total` is exact up to 10,000 invoices (or up to the end of the requested page, when further); beyond that the count stops, `totalIsLowerBound` is true and `total` says how many at least match (VISUALIZZATE 20 SU più di 10.000).',
        operationId: 'fe-active.searchInvoices',
        querystring: PanelSearchQuerySchema,
        response: { 200: PanelSearchResultSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const filters = panelFilters(request.query)
      return searchPanel(app.orm.em.getConnection().getKnex(), authenticatedUser(request).studio, filters)
    },
  )

  app.get(
    '/invoices/:id/html',
    {
      preHandler: canRead,
      schema: {
        tags: ['panel'],
        summary: 'The invoice as an HTML page',
        description:
          'Every body of the file (a .p7m is opened first), as a self-contained page; 404 INVOICE_NOT_FOUND for another studio’s id, 422 INVOICE_NOT_RENDERABLE for simplified invoices.',
        operationId: 'fe-active.getInvoiceHtml',
        params: InvoiceIdParamsSchema,
        produces: ['text/html'],
        response: { 200: HtmlSchema, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const invoice = await findInvoice(authenticatedUser(request).studio, request.params.id)
      const html = renderInvoiceHtml(invoiceModel(invoice))
      return reply
        .type('text/html; charset=utf-8')
        .header('content-disposition', `inline; filename="${renderingFileName(invoice, 'html')}"`)
        .send(html)
    },
  )

  app.get(
    '/invoices/:id/pdf',
    {
      preHandler: canRead,
      schema: {
        tags: ['panel'],
        summary: 'The invoice as a PDF document',
        description:
          'Every body of the file (a .p7m is opened first); 404 INVOICE_NOT_FOUND for another studio’s id, 422 INVOICE_NOT_RENDERABLE for simplified invoices.',
        operationId: 'fe-active.getInvoicePdf',
        params: InvoiceIdParamsSchema,
        produces: ['application/pdf'],
        response: { 200: PdfSchema, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const invoice = await findInvoice(authenticatedUser(request).studio, request.params.id)
      const pdf = await renderInvoicePdf(invoiceModel(invoice))
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${renderingFileName(invoice, 'pdf')}"`)
        .send(pdf)
    },
  )
}
