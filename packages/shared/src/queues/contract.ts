import Type, { type Static, type TObject, type TProperties } from 'typebox'

/**
 * Queue names are persistent identifiers: jobs waiting in Redis are found by them. Renaming one
 * strands its queued jobs, so a rename needs a drain-and-switch migration plan.
 */
export const Queues = {
  Audit: 'platform.audit',
  /** Snapshots of the studios' clients (soggetti), published by auth, replicated by the services that need them. */
  Clients: 'platform.clients',
  /** fe-active internal: signing and transmission of outgoing invoices to SDI. */
  FeActiveTransmission: 'fe-active.transmission',
  /** fe-active internal: SDI notifications stored by the TrasmissioneFatture endpoint, applied to their invoices. */
  FeActiveSdiMessages: 'fe-active.sdi-messages',
  /** fe-active internal: webhook deliveries to the ERPs. */
  FeActiveWebhooks: 'fe-active.webhooks',
  /** E-mails to the users of a class of a studio (auth owns users and sends them). */
  StudioNotifications: 'platform.studio-notifications',
  /** Outgoing-invoice facts for conservazione (one queue per consumer: BullMQ queues are point to point). */
  ConservazioneActiveInvoices: 'conservazione.active-invoices',
  /** Outgoing-invoice facts for liquidazioni. */
  LiquidazioniActiveInvoices: 'liquidazioni.active-invoices',
} as const
export type QueueName = (typeof Queues)[keyof typeof Queues]

const Id = (description: string) => Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._-]+$', description })

/** Every payload carries its version and, when it was caused by an HTTP call, the request id for log correlation. */
function payload<V extends number, P extends TProperties>(version: V, properties: P) {
  return Type.Object(
    { v: Type.Literal(version), requestId: Type.Optional(Type.String({ maxLength: 128 })), ...properties },
    { additionalProperties: false },
  )
}

export const AuditRecordV1Schema = payload(1, {
  eventId: Id('Unique id of the event; the job id derives from it, so publishing twice records once.'),
  occurredAt: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$' }),
  service: Type.String({ minLength: 1, maxLength: 50 }),
  action: Type.String({ minLength: 1, maxLength: 100, description: 'What was done, e.g. invoice.submit.' }),
  outcome: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
  studioId: Type.Optional(Type.String({ maxLength: 100 })),
  actor: Type.Object(
    {
      kind: Type.Union([Type.Literal('user'), Type.Literal('integration'), Type.Literal('system'), Type.Literal('anonymous')]),
      userId: Type.Optional(Type.String({ maxLength: 100 })),
      username: Type.Optional(Type.String({ maxLength: 200 })),
    },
    { additionalProperties: false },
  ),
  resource: Type.Optional(
    Type.Object(
      // The id is absent for operations on a resource type as a whole (a list, a creation before the id exists).
      { type: Type.String({ maxLength: 100 }), id: Type.Optional(Type.String({ maxLength: 200 })) },
      { additionalProperties: false },
    ),
  ),
  ip: Type.Optional(Type.String({ maxLength: 64 })),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
})
export type AuditRecordV1 = Static<typeof AuditRecordV1Schema>

const dateTimePattern = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$'
const DateTime = (description?: string) => Type.String({ pattern: dateTimePattern, ...(description ? { description } : {}) })
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])

/**
 * The full state of one client of a studio after a committed change (or a backfill), published by auth.
 * Consumers keep the snapshot with the highest `version` and ignore older or equal ones, so duplicates and
 * out-of-order deliveries are harmless. Clients are never deleted, only changed.
 */
export const ClientChangedV1Schema = payload(1, {
  clientId: Id('Id of the client in auth (a UUID).'),
  studioId: Id('Id of the studio in auth (a UUID).'),
  codiceSoggetto: Type.String({ minLength: 1, maxLength: 20 }),
  denominazione: Type.String({ minLength: 1, maxLength: 200 }),
  partitaIva: Nullable(Type.String({ maxLength: 11 })),
  codiceFiscale: Nullable(Type.String({ maxLength: 16 })),
  codiceDestinatario: Nullable(Type.String({ maxLength: 7 })),
  pec: Nullable(Type.String({ maxLength: 320 })),
  feAttivaEnabledAt: Nullable(DateTime()),
  fePassivaEnabledAt: Nullable(DateTime()),
  version: Type.Integer({ minimum: 1, description: 'The client row version in auth: increases with every change.' }),
  updatedAt: DateTime(),
  changedAt: DateTime('When auth recorded the event: the commit of the change, or the backfill.'),
  backfill: Type.Optional(
    Id(
      'Set on the snapshots of a backfill: part of the job id, so a backfill is delivered even when a job of the same version is still in Redis.',
    ),
  ),
})
export type ClientChangedV1 = Static<typeof ClientChangedV1Schema>

const Uuid = (description: string) =>
  Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', description })

/** Sign (server-side CAdES) an outgoing invoice in DA FIRMARE. */
export const InvoiceSignV1Schema = payload(1, {
  invoiceId: Uuid('The invoice in fe-active.'),
  fileSha256: Type.Optional(
    Type.String({
      pattern: '^[0-9a-f]{64}$',
      description: 'SHA-256 of the file to sign: a corrected file (SCARTATA → DA FIRMARE) is a new job, not the first file’s.',
    }),
  ),
})
export type InvoiceSignV1 = Static<typeof InvoiceSignV1Schema>

/**
 * Transmit an outgoing invoice to SDI. `attempt` counts the transmissions tried for the invoice (1 for the first):
 * a retry after backoff is a new job, while the same attempt added twice runs once.
 */
export const InvoiceTransmitV1Schema = payload(1, {
  invoiceId: Uuid('The invoice in fe-active.'),
  attempt: Type.Integer({ minimum: 1, maximum: 1000 }),
})
export type InvoiceTransmitV1 = Static<typeof InvoiceTransmitV1Schema>

/** Apply one stored SDI message (sdi_inbound_message) to the invoice it is about. */
export const SdiMessageApplyV1Schema = payload(1, { messageId: Uuid('The row of sdi_inbound_message.') })
export type SdiMessageApplyV1 = Static<typeof SdiMessageApplyV1Schema>

/** One attempt to deliver a webhook; a manual redelivery is a new attempt of the same delivery. */
export const WebhookDeliverV1Schema = payload(1, {
  deliveryId: Uuid('The row of webhook_delivery.'),
  attempt: Type.Integer({ minimum: 1, maximum: 1000 }),
})
export type WebhookDeliverV1 = Static<typeof WebhookDeliverV1Schema>

/** An e-mail to every enabled user of a class of a studio (e.g. the class notified of rejected invoices). */
export const StudioNotificationV1Schema = payload(1, {
  notificationId: Id('Unique id of the notification: the job id derives from it, so it is mailed once.'),
  studioId: Uuid('The studio in auth.'),
  userClass: Type.String({
    pattern: '^[a-z0-9-]{1,50}$',
    description: 'Code of the user class (auth userClasses) whose enabled users of the studio receive the e-mail.',
  }),
  subject: Type.String({ minLength: 1, maxLength: 250 }),
  text: Type.String({ minLength: 1, maxLength: 20000 }),
  /** What the notification is about, for the audit and for links. */
  resource: Type.Optional(
    Type.Object({ type: Type.String({ maxLength: 100 }), id: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
  ),
})
export type StudioNotificationV1 = Static<typeof StudioNotificationV1Schema>

/**
 * A fact about an outgoing invoice: `transmitted` (SDI took the file: IdentificativoSdI known) or `final-state`
 * (the file reached an SDI outcome that no later message changes). The file itself is read from fe-active.
 */
export const ActiveInvoiceEventV1Schema = payload(1, {
  eventId: Id('Unique id of the event (the invoice_event row).'),
  kind: Type.Union([Type.Literal('transmitted'), Type.Literal('final-state')]),
  invoiceId: Uuid('The invoice in fe-active.'),
  studioId: Uuid('The studio in auth.'),
  clientId: Uuid('The client (soggetto) in auth.'),
  state: Type.String({ maxLength: 30, description: 'The invoice state after the event (portal spelling with underscores).' }),
  format: Type.Union([Type.Literal('FPA12'), Type.Literal('FPR12'), Type.Literal('FSM10')]),
  fileName: Nullable(Type.String({ maxLength: 60 })),
  identificativoSdI: Nullable(Type.String({ maxLength: 36 })),
  numero: Type.String({ maxLength: 20 }),
  dataDocumento: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  importoTotale: Nullable(Type.String({ maxLength: 32, description: 'Decimal string.' })),
  occurredAt: DateTime(),
})
export type ActiveInvoiceEventV1 = Static<typeof ActiveInvoiceEventV1Schema>

export interface JobDefinition<Q extends QueueName, S extends TObject> {
  queue: Q
  schema: S
  /** Deterministic id: the same logical job added twice is stored once. No ':' and not all digits. */
  jobId: (data: Static<S>) => string
  attempts: number
  backoffMs: number
}

function job<Q extends QueueName, S extends TObject>(definition: JobDefinition<Q, S>) {
  return definition
}

/** The catalogue of every job the platform runs: its queue, payload schema and retry policy. */
export const Jobs = {
  'audit.record': job({
    queue: Queues.Audit,
    schema: AuditRecordV1Schema,
    jobId: (data) => `audit-${data.eventId}`,
    attempts: 10,
    backoffMs: 1000,
  }),
  'client.changed': job({
    queue: Queues.Clients,
    schema: ClientChangedV1Schema,
    jobId: (data) => `client-${data.clientId}-v${data.version}${data.backfill === undefined ? '' : `-${data.backfill}`}`,
    attempts: 10,
    backoffMs: 1000,
  }),
  'invoice.sign': job({
    queue: Queues.FeActiveTransmission,
    schema: InvoiceSignV1Schema,
    jobId: (data) => `sign-${data.invoiceId}${data.fileSha256 === undefined ? '' : `-${data.fileSha256.slice(0, 16)}`}`,
    attempts: 10,
    backoffMs: 1000,
  }),
  'invoice.transmit': job({
    queue: Queues.FeActiveTransmission,
    schema: InvoiceTransmitV1Schema,
    jobId: (data) => `transmit-${data.invoiceId}-${data.attempt}`,
    // Transport failures are handled by the handler (ERRORE IN INVIO, then a new attempt); these retries cover
    // failures of our own (database, crash) around the call.
    attempts: 20,
    backoffMs: 1000,
  }),
  'sdi.message.apply': job({
    queue: Queues.FeActiveSdiMessages,
    schema: SdiMessageApplyV1Schema,
    jobId: (data) => `sdi-message-${data.messageId}`,
    attempts: 20,
    backoffMs: 500,
  }),
  'webhook.deliver': job({
    queue: Queues.FeActiveWebhooks,
    schema: WebhookDeliverV1Schema,
    jobId: (data) => `webhook-${data.deliveryId}-${data.attempt}`,
    attempts: 3,
    backoffMs: 1000,
  }),
  'studio.notification': job({
    queue: Queues.StudioNotifications,
    schema: StudioNotificationV1Schema,
    jobId: (data) => `notification-${data.notificationId}`,
    attempts: 10,
    backoffMs: 5000,
  }),
  'conservazione.active-invoice': job({
    queue: Queues.ConservazioneActiveInvoices,
    schema: ActiveInvoiceEventV1Schema,
    jobId: (data) => `active-invoice-${data.eventId}`,
    attempts: 10,
    backoffMs: 1000,
  }),
  'liquidazioni.active-invoice': job({
    queue: Queues.LiquidazioniActiveInvoices,
    schema: ActiveInvoiceEventV1Schema,
    jobId: (data) => `active-invoice-${data.eventId}`,
    attempts: 10,
    backoffMs: 1000,
  }),
} as const

export type JobName = keyof typeof Jobs
export type JobData<N extends JobName> = Static<(typeof Jobs)[N]['schema']>
export type JobsOfQueue<Q extends QueueName> = { [N in JobName]: (typeof Jobs)[N]['queue'] extends Q ? N : never }[JobName]
