import Type, { type Static } from 'typebox'

const Code = Type.String({
  pattern: '^[A-Z0-9]{6,7}$',
  description: 'Codice destinatario: 6 characters (PA office) or 7 (private channel).',
})
const SdiErrorCode = Type.String({ pattern: '^[0-9]{5}$' })

export const ChannelTlsSchema = Type.Object(
  {
    cert: Type.Optional(Type.String({ description: 'PEM client certificate the simulator presents.' })),
    key: Type.Optional(Type.String({ description: 'PEM private key of that certificate.' })),
    passphrase: Type.Optional(Type.String()),
    ca: Type.Optional(Type.String({ description: 'PEM CA(s) trusted for the channel endpoints.' })),
    rejectUnauthorized: Type.Optional(Type.Boolean()),
    servername: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)

export const ChannelInputSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
    trasmissioneUrl: Type.Optional(Type.String({ format: 'uri', description: 'TrasmissioneFatture endpoint (receipts).' })),
    ricezioneUrl: Type.Optional(Type.String({ format: 'uri', description: 'RicezioneFatture endpoint (invoices and DT).' })),
    transmitters: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Z]{2}[A-Za-z0-9]{2,28}$' }), {
        description: 'File name prefixes (IT01234567890) whose receipts go to this channel.',
      }),
    ),
    codes: Type.Optional(Type.Array(Code, { description: 'Recipient codes delivered to this channel.' })),
    tls: Type.Optional(ChannelTlsSchema),
    mtom: Type.Optional(Type.Boolean({ description: 'Send requests to this channel as MTOM/XOP.' })),
    enabled: Type.Optional(Type.Boolean({ description: 'A disabled channel gets EI03 from SdIRiceviFile.' })),
  },
  { additionalProperties: false },
)
export type ChannelInputBody = Static<typeof ChannelInputSchema>

export const ChannelSchema = Type.Object({
  id: Type.String(),
  trasmissioneUrl: Type.Optional(Type.String()),
  ricezioneUrl: Type.Optional(Type.String()),
  transmitters: Type.Array(Type.String()),
  mtom: Type.Optional(Type.Boolean()),
  tls: Type.Optional(Type.Object({ configured: Type.Boolean() })),
  enabled: Type.Boolean(),
})

export const ScenarioSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('accept'),
      delayMs: Type.Optional(Type.Integer({ minimum: 0 })),
      descrizione: Type.Optional(Type.String({ maxLength: 255 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('refuse'),
      delayMs: Type.Optional(Type.Integer({ minimum: 0 })),
      descrizione: Type.Optional(Type.String({ maxLength: 255 })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('noAnswer') }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('discard'),
      errors: Type.Array(
        Type.Object({ codice: SdiErrorCode, descrizione: Type.Optional(Type.String({ maxLength: 900 })) }, { additionalProperties: false }),
        { minItems: 1, maxItems: 200 },
      ),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('down') }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('slow'), ms: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
])

export const RecipientParamsSchema = Type.Object({ code: Code })
export const RecipientInputSchema = Type.Object(
  {
    channelId: Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), Type.Null()], { description: 'null: a virtual recipient inside the simulator.' }),
    ),
    scenario: Type.Optional(ScenarioSchema),
  },
  { additionalProperties: false },
)
export const RecipientSchema = Type.Object({ code: Type.String(), channelId: Type.Optional(Type.String()), scenario: ScenarioSchema })

export const FaultInputSchema = Type.Object(
  {
    target: Type.Union([
      Type.Literal('SdIRiceviFile'),
      Type.Literal('SdIRiceviNotifica'),
      Type.Literal('TrasmissioneFatture'),
      Type.Literal('RicezioneFatture'),
    ]),
    kind: Type.Union([
      Type.Literal('timeout'),
      Type.Literal('http5xx'),
      Type.Literal('unavailable'),
      Type.Literal('duplicate'),
      Type.Literal('outOfOrder'),
    ]),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1 })),
    channelId: Type.Optional(Type.String({ minLength: 1 })),
    delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
    status: Type.Optional(Type.Integer({ minimum: 500, maximum: 599 })),
  },
  { additionalProperties: false },
)
export const FaultSchema = Type.Object({
  id: Type.Integer(),
  target: Type.String(),
  kind: Type.String(),
  remaining: Type.Integer(),
  channelId: Type.Optional(Type.String()),
  delayMs: Type.Optional(Type.Integer()),
  status: Type.Optional(Type.Integer()),
})

export const ClockSchema = Type.Object({
  now: Type.String({ format: 'date-time' }),
  start: Type.String({ format: 'date-time' }),
  offsetMs: Type.Integer(),
  pending: Type.Array(Type.Object({ id: Type.Integer(), at: Type.String(), label: Type.String() })),
})
export const AdvanceSchema = Type.Object(
  { ms: Type.Integer({ minimum: 0, maximum: 366 * 24 * 3_600_000 }) },
  { additionalProperties: false },
)

const SdiErrorSchema = Type.Object({ codice: Type.String(), descrizione: Type.String(), suggerimento: Type.String() })
export const FileSummarySchema = Type.Object({
  identificativoSdI: Type.String(),
  nomeFile: Type.String(),
  transmitterId: Type.Optional(Type.String()),
  channelId: Type.Optional(Type.String()),
  dataOraRicezione: Type.String(),
  hash: Type.String(),
  size: Type.Integer(),
  vocabulary: Type.String(),
  format: Type.Optional(Type.String()),
  codiceDestinatario: Type.Optional(Type.String()),
  pecDestinatario: Type.Optional(Type.String()),
  archive: Type.Optional(Type.Object({ identificativoSdI: Type.String(), nomeFile: Type.String() })),
  state: Type.String(),
  errors: Type.Array(SdiErrorSchema),
  route: Type.Optional(Type.String()),
  deliveredAt: Type.Optional(Type.String()),
  deliveryAttempts: Type.Integer(),
  esito: Type.Optional(Type.String()),
})

export const NotificationQuerySchema = Type.Object(
  {
    identificativoSdI: Type.Optional(Type.String()),
    type: Type.Optional(Type.String()),
    code: Type.Optional(Type.String()),
    direction: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)
export const NotificationSchema = Type.Object({
  seq: Type.Integer(),
  identificativoSdI: Type.String(),
  type: Type.String(),
  code: Type.String(),
  vocabulary: Type.String(),
  fileName: Type.String(),
  direction: Type.String(),
  createdAt: Type.String(),
  xml: Type.String(),
})

export const DeliverySchema = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  identificativoSdI: Type.String(),
  operation: Type.String(),
  fileName: Type.String(),
  channelId: Type.Optional(Type.String()),
  target: Type.Optional(Type.String()),
  attempts: Type.Array(Type.Object({ at: Type.String(), ok: Type.Boolean(), error: Type.Optional(Type.String()) })),
  status: Type.String(),
})

export const TransmitInputSchema = Type.Object(
  {
    nomeFile: Type.String({ pattern: '^[a-zA-Z0-9_.]{9,50}$' }),
    file: Type.String({ contentEncoding: 'base64', description: 'The file (XML, .xml.p7m or ZIP), base64.' }),
    channelId: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
)
export const TransmitResultSchema = Type.Object({
  IdentificativoSdI: Type.String(),
  DataOraRicezione: Type.String(),
  Errore: Type.Optional(Type.String()),
})

export const ErrorBodySchema = Type.Object({ code: Type.String(), message: Type.String() })
export const IdParamsSchema = Type.Object({ id: Type.String() })
