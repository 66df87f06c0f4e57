import Type, { type Static } from 'typebox'
import type { Invoice, InvoiceEvent } from './invoice.entity.js'
import { type InvoiceState, invoiceStateLabels, invoiceStates } from './state/index.js'

const exampleId = '3f2c9d1e-7a4b-4c6d-8e9f-0a1b2c3d4e5f'

export const InvoiceIdParamsSchema = Type.Object({ id: Type.String({ format: 'uuid', description: 'Invoice id.' }) })

export const SubmitHeadersSchema = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'Makes the submission safe to retry: the same key with the same body answers the invoice already created (200, Idempotent-Replay: true); with another body 409 IDEMPOTENCY_KEY_REUSED. Keys are per studio.',
      examples: ['erp-2026-000123'],
    }),
  ),
})

export const InvoiceFileBodySchema = Type.Unsafe<unknown>({
  description:
    'The invoice: FatturaPA XML (application/xml, FPA12 / FPR12 / FSM10, a lot may have several bodies), an already signed CAdES .xml.p7m (application/pkcs7-mime or application/octet-stream, DER or Base64), or the JSON model of @fatturapa-hub/fatturapa (application/json).',
  examples: ['<?xml version="1.0" encoding="UTF-8"?><p:FatturaElettronica versione="FPR12" …>…</p:FatturaElettronica>'],
})

const StateSchema = Type.Unsafe<InvoiceState>({
  type: 'string',
  enum: [...invoiceStates],
  description: 'State of the file (portal labels: DA FIRMARE, DA INVIARE, …).',
})

export const InvoiceViewSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    clientId: Type.String({ format: 'uuid', description: 'The client (soggetto) in auth that issues the invoice.' }),
    cedentePartitaIva: Type.String(),
    format: Type.Union([Type.Literal('FPA12'), Type.Literal('FPR12'), Type.Literal('FSM10')]),
    flow: Type.Union([Type.Literal('PA'), Type.Literal('B2B')]),
    state: StateSchema,
    stateLabel: Type.String(),
    bodiesCount: Type.Integer({ minimum: 1 }),
    numero: Type.String({ description: 'Numero of the first body.' }),
    data: Type.String({ description: 'Data (YYYY-MM-DD) of the first body.' }),
    bodies: Type.Array(Type.Object({ position: Type.Integer(), number: Type.String(), year: Type.Integer(), state: StateSchema })),
    destinatario: Type.Object({
      denominazione: Type.Union([Type.String(), Type.Null()]),
      codiceFiscale: Type.Union([Type.String(), Type.Null()]),
      partitaIva: Type.Union([Type.String(), Type.Null()]),
      codiceDestinatario: Type.Union([Type.String(), Type.Null()]),
      pecDestinatario: Type.Union([Type.String(), Type.Null()]),
    }),
    importoTotale: Type.Union([Type.String(), Type.Null()], {
      description: 'Σ ImportoTotaleDocumento as a decimal string; null when a body does not state it.',
    }),
    file: Type.Object({
      contentKind: Type.Union([Type.Literal('xml'), Type.Literal('p7m')]),
      sha256: Type.String(),
      signedByService: Type.Boolean({ description: 'fe-active signed the file (CAdES) before transmitting it.' }),
    }),
    sdi: Type.Object(
      {
        fileName: Type.Union([Type.String(), Type.Null()], { description: 'Name of the file of the current transmission.' }),
        identificativoSdI: Type.Union([Type.String(), Type.Null()]),
        transmittedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
        receivedAt: Type.Union([Type.String(), Type.Null()], { description: 'T0: SDI’s DataOraRicezione.' }),
        deliveredAt: Type.Union([Type.String(), Type.Null()], { description: 'T1: the earliest DataOraConsegna of an RC.' }),
        transmissionAttempts: Type.Integer({ minimum: 0 }),
        nextAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
          description: 'ERRORE IN INVIO: when the worker tries again (automatic retry, or the end of the reconciliation wait).',
        }),
        transportError: Type.Union([
          Type.Object({ kind: Type.String(), message: Type.Optional(Type.String()), ambiguous: Type.Boolean() }),
          Type.Null(),
        ]),
        rejection: Type.Union(
          [
            Type.Array(
              Type.Object({
                code: Type.String(),
                description: Type.String(),
                suggestion: Type.Optional(Type.String()),
                suggestionSource: Type.Optional(Type.Union([Type.Literal('sdi'), Type.Literal('fe-active')])),
              }),
            ),
            Type.Null(),
          ],
          { description: 'SCARTATA: the errors of the NS with their suggestions.' },
        ),
      },
      { description: 'The transmission to SDI and its outcome so far.' },
    ),
    idempotencyKey: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    version: Type.Integer(),
  },
  {
    examples: [
      {
        id: exampleId,
        clientId: '6d1f4a0e-2b7c-4c8e-9d3a-1f2e3d4c5b6a',
        cedentePartitaIva: '01234567890',
        format: 'FPR12',
        flow: 'B2B',
        state: 'DA_INVIARE',
        stateLabel: 'DA INVIARE',
        bodiesCount: 1,
        numero: '123',
        data: '2026-12-01',
        bodies: [{ position: 1, number: '123', year: 2026, state: 'DA_INVIARE' }],
        destinatario: {
          denominazione: 'DITTA BETA',
          codiceFiscale: '09876543210',
          partitaIva: null,
          codiceDestinatario: 'ABC1234',
          pecDestinatario: null,
        },
        importoTotale: '122.00',
        file: { contentKind: 'xml', sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', signedByService: false },
        sdi: {
          fileName: null,
          identificativoSdI: null,
          transmittedAt: null,
          receivedAt: null,
          deliveredAt: null,
          transmissionAttempts: 0,
          nextAttemptAt: null,
          transportError: null,
          rejection: null,
        },
        idempotencyKey: 'erp-2026-000123',
        createdAt: '2026-12-01T10:00:00.000Z',
        updatedAt: '2026-12-01T10:00:00.000Z',
        version: 1,
      },
    ],
  },
)
export type InvoiceView = Static<typeof InvoiceViewSchema>

const IssueSchema = Type.Object({
  code: Type.String({ description: 'SDI error code (00xxx), FPH warning code, or a refusal of this service (CLIENT_UNKNOWN …).' }),
  message: Type.String(),
  path: Type.Optional(Type.String()),
  line: Type.Optional(Type.Integer()),
  column: Type.Optional(Type.Integer()),
})

export const ValidationReportSchema = Type.Object(
  {
    valid: Type.Boolean(),
    format: Type.Optional(Type.Union([Type.Literal('FPA12'), Type.Literal('FPR12'), Type.Literal('FSM10')])),
    issues: Type.Array(IssueSchema),
    warnings: Type.Array(IssueSchema),
  },
  {
    examples: [
      {
        valid: false,
        format: 'FPR12',
        issues: [
          {
            code: '00404',
            message: 'Invoice 123 of 2026 by IT01234567890 was already transmitted',
            path: '/FatturaElettronicaBody[1]/DatiGenerali/DatiGeneraliDocumento/Numero',
          },
        ],
        warnings: [],
      },
    ],
  },
)

export const InvoiceHistorySchema = Type.Object(
  {
    items: Type.Array(
      Type.Object({
        at: Type.String({ format: 'date-time' }),
        kind: Type.String({ description: 'created, …' }),
        fromState: Type.Union([StateSchema, Type.Null()]),
        toState: StateSchema,
        details: Type.Record(Type.String(), Type.Unknown()),
      }),
    ),
  },
  {
    examples: [
      {
        items: [
          {
            at: '2026-12-01T09:10:00.000Z',
            kind: 'created',
            fromState: null,
            toState: 'DA_INVIARE',
            details: {
              contentKind: 'xml',
              format: 'FPR12',
              bodies: 1,
              fileSha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
              idempotencyKey: 'erp-2026-000123',
            },
          },
          {
            at: '2026-12-01T09:15:28.412Z',
            kind: 'command.submit',
            fromState: 'DA_INVIARE',
            toState: 'INVIATA',
            details: {
              decision: 'applied',
              reason: 'command',
              detail: 'submit (row 4): DA INVIARE → INVIATA',
              stateChanged: true,
              transmitted: true,
              identificativoSdI: '9876543210',
              fileName: 'IT01234567890_0000A.xml',
              attempt: 1,
            },
          },
          {
            at: '2026-12-01T09:20:14.087Z',
            kind: 'notification.RC',
            fromState: 'INVIATA',
            toState: 'CONSEGNATA',
            details: {
              decision: 'applied',
              reason: 'advanced',
              detail: 'RC: INVIATA → CONSEGNATA',
              stateChanged: true,
              effects: [{ kind: 'final-outcome', state: 'CONSEGNATA' }],
              messageId: 'c4a8e2f1-5b3d-4e6f-a7b8-9c0d1e2f3a4b',
              messageType: 'RicevutaConsegna',
              identificativoSdI: '9876543210',
              fileName: 'IT01234567890_0000A.xml',
            },
          },
        ],
      },
    ],
  },
)

export const InvoiceFileResponseSchema = Type.Unsafe<Buffer>({
  description: 'The file as received: application/xml, or application/pkcs7-mime for a signed .p7m.',
})

export function toInvoiceView(invoice: Invoice): InvoiceView {
  return {
    id: invoice.id,
    clientId: invoice.clientId,
    cedentePartitaIva: invoice.cedentePartitaIva,
    format: invoice.format,
    flow: invoice.flow,
    state: invoice.state,
    stateLabel: invoiceStateLabels[invoice.state],
    bodiesCount: invoice.bodiesCount,
    numero: invoice.numero,
    data: invoice.dataDocumento,
    bodies: invoice.stateSnapshot.bodies.map((body) => ({
      position: body.position,
      number: body.number,
      year: body.year,
      state: body.state,
    })),
    destinatario: {
      denominazione: invoice.destinatarioDenominazione,
      codiceFiscale: invoice.destinatarioCodiceFiscale,
      partitaIva: invoice.destinatarioPartitaIva,
      codiceDestinatario: invoice.codiceDestinatario,
      pecDestinatario: invoice.pecDestinatario,
    },
    importoTotale: invoice.importoTotale,
    file: { contentKind: invoice.contentKind, sha256: invoice.fileSha256, signedByService: invoice.signedAt !== null },
    sdi: sdiView(invoice),
    idempotencyKey: invoice.idempotencyKey,
    createdAt: invoice.createdAt.toISOString(),
    updatedAt: invoice.updatedAt.toISOString(),
    version: invoice.version,
  }
}

export function toHistoryItem(event: InvoiceEvent) {
  return { at: event.at.toISOString(), kind: event.kind, fromState: event.fromState, toState: event.toState, details: event.details }
}

function sdiView(invoice: Invoice): InvoiceView['sdi'] {
  const { transmission, transportError, rejection } = invoice.stateSnapshot
  return {
    fileName: invoice.fileName,
    identificativoSdI: invoice.identificativoSdI,
    transmittedAt: invoice.transmittedAt?.toISOString() ?? null,
    receivedAt: transmission?.receivedAt ?? null,
    deliveredAt: transmission?.deliveredAt ?? null,
    transmissionAttempts: invoice.transmissionAttempts,
    nextAttemptAt: invoice.nextActionAt?.toISOString() ?? null,
    transportError: transportError
      ? {
          kind: transportError.kind,
          ambiguous: transportError.ambiguous,
          ...(transportError.message ? { message: transportError.message } : {}),
        }
      : null,
    rejection: rejection ? rejection.errors.map((error) => ({ ...error })) : null,
  }
}
