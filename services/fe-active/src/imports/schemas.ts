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
  { additionalProperties: false },
)
export type ImportInvoiceBody = Static<typeof ImportInvoiceBodySchema>

const IssueSchema = Type.Object({ code: Type.String(), message: Type.String(), path: Type.Optional(Type.String()) })

export const ImportResultSchema = Type.Object({
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
})
export type ImportResult = Static<typeof ImportResultSchema>
