import Type, { type Static, type TObject, type TProperties } from 'typebox'

/**
 * Queue names are persistent identifiers: jobs waiting in Redis are found by them. Renaming one
 * strands its queued jobs, so a rename needs a drain-and-switch migration plan.
 */
export const Queues = {
  Audit: 'platform.audit',
  /** Snapshots of the studios' clients (soggetti), published by auth, replicated by the services that need them. */
  Clients: 'platform.clients',
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
} as const

export type JobName = keyof typeof Jobs
export type JobData<N extends JobName> = Static<(typeof Jobs)[N]['schema']>
export type JobsOfQueue<Q extends QueueName> = { [N in JobName]: (typeof Jobs)[N]['queue'] extends Q ? N : never }[JobName]
