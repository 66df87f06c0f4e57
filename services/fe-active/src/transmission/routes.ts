import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { parseSdiMessage } from '@fatturapa-hub/fatturapa'
import { SdiInboundMessage } from '@fatturapa-hub/sdi-channel'
import { AppError, authenticatedUser, Permissions, problemResponses, requirePermission } from '@fatturapa-hub/shared'
import Type from 'typebox'
import { findStudioInvoice } from '../invoices/find-invoice.js'
import { InvoiceIdParamsSchema, InvoiceViewSchema, toInvoiceView } from '../invoices/schemas.js'
import { commandInvoice } from '../invoices/transitions.js'
import { markDueForTransmission, requestTransmission } from './schedule.js'
import { SdiMessageApplication, SdiTransmission } from './transmission.entity.js'

export const TransmissionErrorCodes = {
  SdiMessageNotFound: 'SDI_MESSAGE_NOT_FOUND',
} as const

const RetransmissionBodySchema = Type.Object(
  {
    confirmNotReceived: Type.Optional(
      Type.Boolean({
        description:
          'After an ambiguous attempt (timeout, no answer): the operator confirms SDI did not receive the file (e.g. no RC/NS in the area riservata). Without it, such a retry answers 409.',
      }),
    ),
  },
  { additionalProperties: false, examples: [{ confirmNotReceived: true }] },
)

const TransmissionSchema = Type.Object({
  attempt: Type.Integer({ minimum: 1 }),
  fileName: Type.String(),
  status: Type.Union([Type.Literal('sending'), Type.Literal('sent'), Type.Literal('refused'), Type.Literal('ambiguous')]),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  identificativoSdI: Type.Union([Type.String(), Type.Null()]),
  dataOraRicezione: Type.Union([Type.String(), Type.Null()]),
  errorCode: Type.Union([Type.String(), Type.Null()]),
  errorMessage: Type.Union([Type.String(), Type.Null()]),
  fileSha256: Type.String(),
})

const TransmissionListSchema = Type.Object(
  { items: Type.Array(TransmissionSchema) },
  {
    examples: [
      {
        items: [
          {
            attempt: 1,
            fileName: 'IT01234567890_0000A.xml',
            status: 'refused',
            startedAt: '2026-12-01T09:12:00.105Z',
            finishedAt: '2026-12-01T09:12:01.870Z',
            identificativoSdI: null,
            dataOraRicezione: null,
            errorCode: 'EI02',
            errorMessage: 'Servizio non disponibile',
            fileSha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
          },
          {
            attempt: 2,
            fileName: 'IT01234567890_0000A.xml',
            status: 'sent',
            startedAt: '2026-12-01T09:15:27.003Z',
            finishedAt: '2026-12-01T09:15:28.412Z',
            identificativoSdI: '9876543210',
            dataOraRicezione: '2026-12-01T10:15:30.000+01:00',
            errorCode: null,
            errorMessage: null,
            fileSha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
          },
        ],
      },
    ],
  },
)

const SdiMessageSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  operation: Type.String({ description: 'TrasmissioneFatture operation SDI called, e.g. TrasmissioneFatture.RicevutaConsegna.' }),
  messageType: Type.Union([Type.String(), Type.Null()], { description: 'RC, NS, MC, NE, DT, AT.' }),
  fileName: Type.String(),
  identificativoSdI: Type.String(),
  receivedAt: Type.String({ format: 'date-time' }),
  decision: Type.String({ description: 'What the message did to the invoice: applied, ignored, anomaly, duplicate.' }),
  detail: Type.Union([Type.String(), Type.Null()]),
  parsed: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: 'The message as read.' }),
})

const SdiMessageListSchema = Type.Object(
  { items: Type.Array(SdiMessageSchema) },
  {
    examples: [
      {
        items: [
          {
            id: 'c4a8e2f1-5b3d-4e6f-a7b8-9c0d1e2f3a4b',
            operation: 'TrasmissioneFatture.RicevutaConsegna',
            messageType: 'RC',
            fileName: 'IT01234567890_0000A_RC_001.xml',
            identificativoSdI: '9876543210',
            receivedAt: '2026-12-01T09:20:13.951Z',
            decision: 'applied',
            detail: 'RC: INVIATA → CONSEGNATA',
            parsed: {
              vocabulary: 'B2B',
              type: 'RicevutaConsegna',
              IdentificativoSdI: '9876543210',
              NomeFile: 'IT01234567890_0000A.xml',
              Hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
              DataOraRicezione: '2026-12-01T10:15:30.000+01:00',
              DataOraConsegna: '2026-12-01T10:20:12.000+01:00',
              Destinatario: { Codice: 'ABC1234', Descrizione: 'DITTA BETA' },
              MessageId: '6284517390',
            },
          },
        ],
      },
    ],
  },
)

const MessageParamsSchema = Type.Object({
  id: Type.String({ format: 'uuid', description: 'Invoice id.' }),
  messageId: Type.String({ format: 'uuid', description: 'SDI message id (from the list).' }),
})

/** The transmissions of an invoice, the SDI messages about it, and the operator's retry. */
export const transmissionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const canSend = requirePermission(Permissions.FeActiveSend)
  const canRead = requirePermission(Permissions.FeActiveRead)

  const findInvoice = (studioId: string, id: string) => findStudioInvoice(app.orm.em, studioId, id)

  app.post(
    '/invoices/:id/retransmission',
    {
      preHandler: canSend,
      schema: {
        tags: ['invoices'],
        summary: 'Transmit again an invoice in ERRORE IN INVIO',
        description:
          'ERRORE IN INVIO → DA INVIARE, and the worker transmits at once (202). After an ambiguous attempt (no answer from SDI) the file may be at SDI: without `confirmNotReceived` this answers 409 INVOICE_STATE_CONFLICT (reason RETRY_NEEDS_RECONCILIATION); the worker itself re-sends under the same name after TRANSMISSION_RECONCILE_WAIT_MS without news. Other states: 409.',
        operationId: 'fe-active.retransmitInvoice',
        params: InvoiceIdParamsSchema,
        body: RetransmissionBodySchema,
        response: { 202: InvoiceViewSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const user = authenticatedUser(request)
      const invoice = await app.orm.em.fork().transactional(async (em) => {
        const found = await findStudioInvoice(em, user.studio, request.params.id)
        const at = new Date()
        commandInvoice(
          em,
          found,
          { kind: 'retry', reconciled: request.body.confirmNotReceived === true },
          { at, details: { by: user.username ?? user.sub, confirmNotReceived: request.body.confirmNotReceived === true } },
        )
        markDueForTransmission(found, at)
        await em.flush()
        return found
      })
      await requestTransmission(app.jobs, invoice, request.log, String(request.id))
      return reply.code(202).send(toInvoiceView(invoice))
    },
  )

  app.post(
    '/invoices/:id/archive',
    {
      preHandler: canSend,
      schema: {
        tags: ['invoices'],
        summary: 'Archive an invoice (ARCHIVIATA)',
        description:
          'Closes an invoice whose SDI outcome is settled (CONSEGNATA, NON CONSEGNATA, NON RECAPITABILE, ACCETTATA, RIFIUTATA, DECORSI TERMINI, SCARTATA; every body of a lot settled). The bodies keep their SDI outcome, against which late messages are still judged. Other states: 409 INVOICE_STATE_CONFLICT.',
        operationId: 'fe-active.archiveInvoice',
        params: InvoiceIdParamsSchema,
        response: { 200: InvoiceViewSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const user = authenticatedUser(request)
      const invoice = await app.orm.em.fork().transactional(async (em) => {
        const found = await findStudioInvoice(em, user.studio, request.params.id)
        commandInvoice(em, found, { kind: 'archive' }, { at: new Date(), details: { by: user.username ?? user.sub } })
        await em.flush()
        return found
      })
      return toInvoiceView(invoice)
    },
  )

  app.get(
    '/invoices/:id/transmissions',
    {
      preHandler: canRead,
      schema: {
        tags: ['invoices'],
        summary: 'Transmissions of an invoice to SDI',
        description: 'Every SdIRiceviFile call made for the invoice, first first: file name, outcome, IdentificativoSdI, errors.',
        operationId: 'fe-active.listInvoiceTransmissions',
        params: InvoiceIdParamsSchema,
        response: { 200: TransmissionListSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const invoice = await findInvoice(authenticatedUser(request).studio, request.params.id)
      const rows = await app.orm.em.find(SdiTransmission, { invoiceId: invoice.id }, { orderBy: { attempt: 'asc' } })
      return {
        items: rows.map((row) => ({
          attempt: row.attempt,
          fileName: row.fileName,
          status: row.status,
          startedAt: row.startedAt.toISOString(),
          finishedAt: row.finishedAt?.toISOString() ?? null,
          identificativoSdI: row.identificativoSdI,
          dataOraRicezione: row.dataOraRicezione,
          errorCode: row.errorCode,
          errorMessage: row.errorMessage,
          fileSha256: row.fileSha256,
        })),
      }
    },
  )

  app.get(
    '/invoices/:id/sdi-messages',
    {
      preHandler: canRead,
      schema: {
        tags: ['invoices'],
        summary: 'SDI messages about an invoice',
        description:
          'Every notification SDI sent about the invoice (RC, NS, MC, NE, DT, AT), in arrival order, read (`parsed`) and with what it did to the invoice. The raw file: GET /invoices/{id}/sdi-messages/{messageId}/file.',
        operationId: 'fe-active.listInvoiceSdiMessages',
        params: InvoiceIdParamsSchema,
        response: { 200: SdiMessageListSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const invoice = await findInvoice(authenticatedUser(request).studio, request.params.id)
      const applications = await app.orm.em.find(SdiMessageApplication, { invoiceId: invoice.id })
      const byId = new Map(applications.map((application) => [application.messageId, application]))
      const messages = await app.orm.em.find(
        SdiInboundMessage,
        { id: { $in: [...byId.keys()] } },
        { populate: ['file'], orderBy: { receivedAt: 'asc', id: 'asc' } },
      )
      return {
        items: messages.map((message) => {
          const application = byId.get(message.id) as SdiMessageApplication
          return {
            id: message.id,
            operation: message.operation,
            messageType: message.messageType,
            fileName: message.fileName,
            identificativoSdI: message.identificativoSdI,
            receivedAt: message.receivedAt.toISOString(),
            decision: application.decision,
            detail: application.detail,
            parsed: readMessage(message.file),
          }
        }),
      }
    },
  )

  app.get(
    '/invoices/:id/sdi-messages/:messageId/file',
    {
      preHandler: canRead,
      schema: {
        tags: ['invoices'],
        summary: 'Download an SDI message as received',
        description: 'The XML file of the notification, byte for byte as SDI sent it (signed by SDI).',
        operationId: 'fe-active.getInvoiceSdiMessageFile',
        params: MessageParamsSchema,
        produces: ['application/xml'],
        response: {
          200: Type.Unsafe<Buffer>({ description: 'The SDI message file (application/xml).' }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const invoice = await findInvoice(authenticatedUser(request).studio, request.params.id)
      const application = await app.orm.em.findOne(SdiMessageApplication, { messageId: request.params.messageId, invoiceId: invoice.id })
      const message =
        application === null ? null : await app.orm.em.findOne(SdiInboundMessage, { id: application.messageId }, { populate: ['file'] })
      if (message === null) {
        throw new AppError(TransmissionErrorCodes.SdiMessageNotFound, 404, `No SDI message ${request.params.messageId} for this invoice`)
      }
      return reply
        .type('application/xml')
        .header('content-disposition', `attachment; filename="${message.fileName.replace(/[^A-Za-z0-9_.-]/g, '_')}"`)
        .send(Buffer.from(message.file))
    },
  )
}

function readMessage(file: Buffer): Record<string, unknown> | null {
  try {
    return { ...parseSdiMessage(file) }
  } catch {
    return null
  }
}
