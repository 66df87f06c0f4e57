import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { authenticatedUser, Permissions, problemResponses, requirePermission } from '@fatturapa-hub/shared'
import { correctInvoice } from './correction.js'
import { findStudioInvoice } from './find-invoice.js'
import { InvoiceEvent } from './invoice.entity.js'
import {
  InvoiceFileBodySchema,
  InvoiceFileResponseSchema,
  InvoiceHistorySchema,
  InvoiceIdParamsSchema,
  InvoiceViewSchema,
  SubmitHeadersSchema,
  toHistoryItem,
  toInvoiceView,
  ValidationReportSchema,
} from './schemas.js'
import { checkSubmission, receiveFile, startProcessing, submitInvoice } from './submission.js'

const fileTypes = ['application/xml', 'text/xml', 'application/pkcs7-mime', 'application/octet-stream']
const consumes = ['application/xml', 'application/pkcs7-mime', 'application/octet-stream', 'application/json']

/** Outgoing invoices sent by the ERP (fe-active, first slice: received and checked; signing and transmission later). */
export const invoicesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const canSend = requirePermission(Permissions.FeActiveSend)
  const canRead = requirePermission(Permissions.FeActiveRead)

  // The file is kept byte for byte: XML and .p7m arrive as raw buffers (JSON keeps Fastify's parser).
  app.addContentTypeParser(fileTypes, { parseAs: 'buffer' }, (_request, body, done) => done(null, body))

  const findInvoice = (studioId: string, id: string) => findStudioInvoice(app.orm.em, studioId, id)

  app.post(
    '/invoices',
    {
      preHandler: canSend,
      schema: {
        tags: ['invoices'],
        summary: 'Submit an outgoing invoice',
        description:
          'Checks the file as SDI would (signature, schema, content: 422 INVOICE_INVALID with the SDI codes in `sdiCodes` and `errors`), then that the CedentePrestatore is a client of the studio enabled for FE Attiva (422 CLIENT_UNKNOWN, 422 CLIENT_NOT_ENABLED_FOR_FE_ATTIVA; integration users only for their own partita IVA, 403 CEDENTE_MISMATCH) and that no invoice of the studio has the same number (422 INVOICE_INVALID with 00404). Stores the file and answers 201 in state DA_FIRMARE (FPA12 not yet signed) or DA_INVIARE. Nothing is signed or transmitted yet. 415 for another content type.',
        operationId: 'fe-active.submitInvoice',
        consumes,
        headers: SubmitHeadersSchema,
        body: InvoiceFileBodySchema,
        response: { 200: InvoiceViewSchema, 201: InvoiceViewSchema, ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const user = authenticatedUser(request)
      const outcome = await submitInvoice(app.orm.em, user, request.body, request.headers['idempotency-key'])
      if (outcome.kind === 'replay') reply.header('idempotent-replay', 'true').code(200)
      else {
        reply.code(201)
        await startProcessing(app.jobs, outcome.invoice, request.log, String(request.id))
      }
      return toInvoiceView(outcome.invoice)
    },
  )

  app.post(
    '/invoices/:id/correction',
    {
      preHandler: canSend,
      schema: {
        tags: ['invoices'],
        summary: 'Send the corrected file of an invoice SDI discarded (SCARTATA)',
        description:
          'Row 8 of the state machine: the corrected file (XML, .p7m or JSON, as for POST /invoices) replaces the discarded one and the invoice goes back to DA_FIRMARE or DA_INVIARE, to be transmitted under a new progressivo; the discarded transmission stays in the history. AdE asks for the corrected file within 5 days of the NS, with the same number and date. The file passes every check of a submission (422 INVOICE_INVALID with the SDI codes; the discarded file does not count as 00404). 422 CORRECTION_CEDENTE_CHANGED or CORRECTION_FLOW_CHANGED for another cedente or a PA/B2B change (submit a new invoice then); 409 INVOICE_STATE_CONFLICT unless the invoice is SCARTATA (also for a correction sent twice); 404 INVOICE_NOT_FOUND.',
        operationId: 'fe-active.correctInvoice',
        consumes,
        params: InvoiceIdParamsSchema,
        body: InvoiceFileBodySchema,
        response: { 200: InvoiceViewSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request) => {
      const invoice = await correctInvoice(app.orm.em, authenticatedUser(request), request.params.id, request.body)
      await startProcessing(app.jobs, invoice, request.log, String(request.id))
      return toInvoiceView(invoice)
    },
  )

  app.post(
    '/invoices/validation',
    {
      preHandler: canSend,
      schema: {
        tags: ['invoices'],
        summary: 'Dry run: the SDI codes the file would get',
        description:
          'Same input and checks as POST /invoices (SDI pipeline, client and FE Attiva, duplicates 00404), nothing stored and nothing sent. Refusals of this service appear as issues with their code (CLIENT_UNKNOWN, CLIENT_NOT_ENABLED_FOR_FE_ATTIVA, CEDENTE_MISMATCH). A JSON body that does not match the model answers 422 INVOICE_INVALID; 415 for another content type.',
        operationId: 'fe-active.validateInvoice',
        consumes,
        body: InvoiceFileBodySchema,
        response: { 200: ValidationReportSchema, ...problemResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request) => {
      const check = await checkSubmission(app.orm.em, authenticatedUser(request), receiveFile(request.body))
      return {
        valid: check.valid,
        ...(check.format ? { format: check.format } : {}),
        issues: check.issues,
        warnings: check.warnings,
      }
    },
  )

  app.get(
    '/invoices/:id',
    {
      preHandler: canRead,
      schema: {
        tags: ['invoices'],
        summary: 'Read an invoice',
        description: 'One invoice of the caller’s studio; another studio’s id answers 404 INVOICE_NOT_FOUND.',
        operationId: 'fe-active.getInvoice',
        params: InvoiceIdParamsSchema,
        response: { 200: InvoiceViewSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => toInvoiceView(await findInvoice(authenticatedUser(request).studio, request.params.id)),
  )

  app.get(
    '/invoices/:id/history',
    {
      preHandler: canRead,
      schema: {
        tags: ['invoices'],
        summary: 'State history of an invoice',
        description: 'Every event of the invoice, oldest first, with the state before and after.',
        operationId: 'fe-active.getInvoiceHistory',
        params: InvoiceIdParamsSchema,
        response: { 200: InvoiceHistorySchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const invoice = await findInvoice(authenticatedUser(request).studio, request.params.id)
      const events = await app.orm.em.find(InvoiceEvent, { invoiceId: invoice.id }, { orderBy: { at: 'asc', id: 'asc' } })
      return { items: events.map(toHistoryItem) }
    },
  )

  app.get(
    '/invoices/:id/file',
    {
      preHandler: canRead,
      schema: {
        tags: ['invoices'],
        summary: 'Download the original file',
        description:
          'The file as submitted (the XML built from the model for JSON submissions): application/xml, or application/pkcs7-mime for a signed .p7m.',
        operationId: 'fe-active.getInvoiceFile',
        params: InvoiceIdParamsSchema,
        produces: ['application/xml', 'application/pkcs7-mime'],
        response: { 200: InvoiceFileResponseSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const invoice = await findInvoice(authenticatedUser(request).studio, request.params.id)
      await app.orm.em.populate(invoice, ['file'])
      const p7m = invoice.contentKind === 'p7m'
      return reply
        .type(p7m ? 'application/pkcs7-mime' : 'application/xml')
        .header('content-disposition', `attachment; filename="${invoice.id}.xml${p7m ? '.p7m' : ''}"`)
        .header('x-content-sha256', invoice.fileSha256)
        .send(Buffer.from(invoice.file))
    },
  )
}
