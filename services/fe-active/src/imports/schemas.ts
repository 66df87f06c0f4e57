import Type, { type Static } from 'typebox'
import { InvoiceViewSchema } from '../invoices/schemas.js'

// A 5 MB invoice is about 6.7 MB in base64: the platform body limit (7 MB) is the real bound.
const Base64Schema = (description: string) => Type.String({ minLength: 1, maxLength: 7_340_032, description })

export const ImportInvoiceBodySchema = Type.Object(
  {
    file: Base64Schema('The invoice file exactly as it was transmitted to SDI (.xml or .xml.p7m, DER or Base64 CAdES), base64-encoded.'),
    fileName: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 60,
        description:
          'The file name SDI received (IT01234567890_00001.xml.p7m). Optional with notifications (their NomeFile is taken, and must agree); required without.',
        examples: ['IT01234567890_00001.xml'],
      }),
    ),
    identificativoSdI: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 36,
        description: 'SDI’s id of the transmission. Optional with notifications (they carry it, and must agree); required without.',
      }),
    ),
    dataOraRicezione: Type.Optional(
      Type.String({ format: 'date-time', description: 'When SDI received the file (T0), when no notification states it.' }),
    ),
    notifications: Type.Optional(
      Type.Array(
        Type.Object(
          {
            fileName: Type.String({
              minLength: 1,
              maxLength: 255,
              description: 'The SDI message file name, e.g. IT01234567890_00001_RC_001.xml.',
            }),
            file: Base64Schema('The SDI message XML (RC, NS, MC, NE, DT, AT) as received, signed or not, base64-encoded.'),
          },
          { additionalProperties: false },
        ),
        { maxItems: 20 },
      ),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        file: 'PD94bWwgdmVyc2lvbj0iMS4wIiBlbmNvZGluZz0iVVRGLTgiPz48cDpGYXR0dXJhRWxldHRyb25pY2EgdmVyc2lvbmU9IkZQUjEyIiDigKY+4oCmPC9wOkZhdHR1cmFFbGV0dHJvbmljYT4=',
        notifications: [
          {
            fileName: 'IT01234567890_0000A_RC_001.xml',
            file: 'PD94bWwgdmVyc2lvbj0iMS4wIiBlbmNvZGluZz0iVVRGLTgiPz48bnM6UmljZXZ1dGFDb25zZWduYSDigKY+4oCmPC9uczpSaWNldnV0YUNvbnNlZ25hPg==',
          },
        ],
      },
    ],
  },
)
export type ImportInvoiceBody = Static<typeof ImportInvoiceBodySchema>

const IssueSchema = Type.Object({ code: Type.String(), message: Type.String(), path: Type.Optional(Type.String()) })

export const ImportResultSchema = Type.Object(
  {
    origin: Type.Literal('import'),
    invoice: InvoiceViewSchema,
    notifications: Type.Array(
      Type.Object({
        id: Type.String({ format: 'uuid', description: 'SDI message id (GET /invoices/{id}/sdi-messages/{messageId}/file).' }),
        fileName: Type.String(),
        operation: Type.String({ description: '`import.` + the TrasmissioneFatture operation that carries the message.' }),
        messageType: Type.Union([Type.String(), Type.Null()]),
        decision: Type.String({ description: 'What the state machine did with it: applied, ignored, duplicate.' }),
        detail: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
    issues: Type.Array(IssueSchema, {
      description:
        'What SDI’s checks find in the file today (e.g. 00100 for a certificate expired since): informative, the import went through.',
    }),
    warnings: Type.Array(IssueSchema),
  },
  {
    examples: [
      {
        origin: 'import',
        invoice: {
          id: '3f2c9d1e-7a4b-4c6d-8e9f-0a1b2c3d4e5f',
          clientId: '6d1f4a0e-2b7c-4c8e-9d3a-1f2e3d4c5b6a',
          cedentePartitaIva: '01234567890',
          format: 'FPR12',
          flow: 'B2B',
          state: 'CONSEGNATA',
          stateLabel: 'CONSEGNATA',
          bodiesCount: 1,
          numero: '123',
          data: '2026-12-01',
          bodies: [{ position: 1, number: '123', year: 2026, state: 'CONSEGNATA' }],
          destinatario: {
            denominazione: 'DITTA BETA',
            codiceFiscale: '09876543210',
            partitaIva: '09876543210',
            codiceDestinatario: 'ABC1234',
            pecDestinatario: null,
          },
          importoTotale: '1220.00',
          file: { contentKind: 'xml', sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', signedByService: false },
          sdi: {
            fileName: 'IT01234567890_0000A.xml',
            identificativoSdI: '9876543210',
            transmittedAt: '2026-12-01T09:15:30.000Z',
            receivedAt: '2026-12-01T10:15:30.000+01:00',
            deliveredAt: '2026-12-01T10:20:12.000+01:00',
            transmissionAttempts: 0,
            nextAttemptAt: null,
            transportError: null,
            rejection: null,
          },
          idempotencyKey: null,
          createdAt: '2026-12-05T11:02:44.190Z',
          updatedAt: '2026-12-05T11:02:44.190Z',
          version: 3,
        },
        notifications: [
          {
            id: 'c4a8e2f1-5b3d-4e6f-a7b8-9c0d1e2f3a4b',
            fileName: 'IT01234567890_0000A_RC_001.xml',
            operation: 'import.RicevutaConsegna',
            messageType: 'RC',
            decision: 'applied',
            detail: 'RC: INVIATA → CONSEGNATA',
          },
        ],
        issues: [],
        warnings: [],
      },
    ],
  },
)
export type ImportResult = Static<typeof ImportResultSchema>
