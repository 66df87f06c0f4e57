import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { authenticatedUser, Permissions, problemResponses, requirePermission } from '@fatturapa-hub/shared'
import { toInvoiceView } from '../invoices/schemas.js'
import { type ImportOutcome, importInvoice } from './import-invoice.js'
import { ImportInvoiceBodySchema, type ImportResult, ImportResultSchema } from './schemas.js'

const description = [
  'Stores, for preservation, an invoice transmitted to SDI by someone else (another intermediary, the AdE portal) with the SDI notifications it received, as if fe-active had transmitted it: created, INVIATA with the IdentificativoSdI, then every notification through the state machine (RC → CONSEGNATA, NS → SCARTATA, NE EC01 → ACCETTATA…). Each step is an invoice event (webhooks, changes feed, domain events for conservazione), the notifications are listed by GET /invoices/{id}/sdi-messages, and later SDI messages with the same IdentificativoSdI are applied to it. The invoice is never transmitted.',
  'Body: `file` (base64 of the .xml or .xml.p7m as sent), `notifications` (base64 SDI message files with their names); without notifications `identificativoSdI` and `fileName` are required (422 IMPORT_SDI_IDS_REQUIRED).',
  'SDI’s checks of today are reported in `issues` but do not refuse a file SDI took. Refused: a file that is no FatturaPA (422 IMPORT_FILE_UNREADABLE), an unreadable notification (422 IMPORT_NOTIFICATION_UNREADABLE), a bad file name (422 IMPORT_FILE_NAME_INVALID), notifications that contradict the file or each other — NomeFile, Hash, IdentificativoSdI, DataOraRicezione, outcomes such as NS and RC together (422 IMPORT_NOTIFICATIONS_INCONSISTENT), a cedente that is not a client of the studio enabled for FE Attiva (422 CLIENT_UNKNOWN / CLIENT_NOT_ENABLED_FOR_FE_ATTIVA, 403 CEDENTE_MISMATCH), a number the studio already has (409 IMPORT_DUPLICATE_INVOICE, 00404), an IdentificativoSdI already on the platform (409 IMPORT_IDENTIFICATIVO_SDI_IN_USE).',
  'The same file imported again by the studio answers the first import (200, Idempotent-Replay: true).',
].join('\n\n')

function toResult(outcome: ImportOutcome): ImportResult {
  return {
    origin: 'import',
    invoice: toInvoiceView(outcome.invoice),
    notifications: outcome.notifications,
    issues: outcome.issues,
    warnings: outcome.warnings,
  }
}

/** Import of invoices transmitted elsewhere. */
export const importsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const canSend = requirePermission(Permissions.FeActiveSend)

  app.post(
    '/invoices/imports',
    {
      preHandler: canSend,
      schema: {
        tags: ['invoices'],
        summary: 'Import an invoice transmitted elsewhere, with its SDI notifications',
        description,
        operationId: 'fe-active.importInvoice',
        body: ImportInvoiceBodySchema,
        response: { 200: ImportResultSchema, 201: ImportResultSchema, ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const outcome = await importInvoice(app.orm.em, authenticatedUser(request), request.body, String(request.id))
      if (outcome.kind === 'replay') reply.header('idempotent-replay', 'true').code(200)
      else reply.code(201)
      return toResult(outcome)
    },
  )
}
