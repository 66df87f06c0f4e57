import Type, { type Static } from 'typebox'

const seqPattern = '^[1-9][0-9]{0,18}$'
const SeqOf = (description: string) => Type.String({ pattern: seqPattern, description })
const Seq = SeqOf('Position of the event in the global chain.')
const DateTime = Type.String({ format: 'date-time' })
const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description === undefined ? {} : { description }) })

export const AuditOutcomeSchema = Type.Union([Type.Literal('success'), Type.Literal('failure')])

export const AuditEventListQuerySchema = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Events that occurred at or after this time.' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Events that occurred before this time (exclusive).' })),
    action: Type.Optional(Text(100, 'Exact action, e.g. auth.listAuditEvents.')),
    outcome: Type.Optional(AuditOutcomeSchema),
    actorUserId: Type.Optional(Text(100, 'Id of the user who acted.')),
    resourceType: Type.Optional(Text(100, 'e.g. clients, users, invoices.')),
    resourceId: Type.Optional(Text(200)),
    service: Type.Optional(Text(50, 'Service that recorded the event, e.g. fe-active.')),
    before: Type.Optional(SeqOf('Cursor: the `nextCursor` of the previous page; events with a lower seq.')),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  {
    additionalProperties: false,
    examples: [{ from: '2026-11-01T00:00:00Z', outcome: 'failure', limit: 50 }],
  },
)
export type AuditEventListQuery = Static<typeof AuditEventListQuerySchema>

const eventExample = {
  seq: '1042',
  eventId: '6f1c2b7e-4a0d-4d8e-9d6b-3c2f1a0e9b71.fe-active.9a1f2c3d4e5f6a7b',
  occurredAt: '2026-11-23T09:15:00.000Z',
  recordedAt: '2026-11-23T09:15:00.120Z',
  service: 'fe-active',
  action: 'fe-active.submitInvoice',
  outcome: 'success',
  actor: { kind: 'user', userId: '3f0c8a4e-6d1b-4c8e-9a51-2f7d0b9e4c11', username: 'ADM@wt00000' },
  resource: { type: 'invoices', id: '8b7e3c2a-1f4d-4b6a-9c0e-5d2a7f1e3b90' },
  ip: '203.0.113.7',
  requestId: '6f1c2b7e-4a0d-4d8e-9d6b-3c2f1a0e9b71',
  details: { method: 'POST', route: '/invoices/:id/submission', statusCode: 202 },
  hash: 'd2c1f0e9b8a7968574635241302f1e0dd2c1f0e9b8a7968574635241302f1e0d',
}

export const AuditEventSchema = Type.Object(
  {
    seq: Seq,
    eventId: Type.String(),
    occurredAt: DateTime,
    recordedAt: DateTime,
    service: Type.String(),
    action: Type.String({ description: 'operationId of the route, or what the service named the operation.' }),
    outcome: AuditOutcomeSchema,
    actor: Type.Object({
      kind: Type.Union([Type.Literal('user'), Type.Literal('integration'), Type.Literal('system'), Type.Literal('anonymous')]),
      userId: Type.Union([Type.String(), Type.Null()]),
      username: Type.Union([Type.String(), Type.Null()]),
    }),
    resource: Type.Union([Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
    ip: Type.Union([Type.String(), Type.Null()]),
    requestId: Type.Union([Type.String(), Type.Null()]),
    details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
      description: 'Method, route pattern and status of the request, and what the service added; never bodies nor secrets.',
    }),
    hash: Type.String({ description: 'SHA-256 of the previous hash and this event: the link of the chain.' }),
  },
  { examples: [eventExample] },
)
export type AuditEventView = Static<typeof AuditEventSchema>

export const AuditEventListSchema = Type.Object(
  {
    events: Type.Array(AuditEventSchema),
    nextCursor: Type.Union([Seq, Type.Null()], { description: 'Pass as `before` for the next (older) page; null on the last page.' }),
  },
  { examples: [{ events: [eventExample], nextCursor: '1042' }] },
)

export const AuditVerificationQuerySchema = Type.Object(
  {
    fromSeq: Type.Optional(SeqOf('Check from this seq on, linking to the row before it: the `lastSeq` of an earlier check plus one.')),
  },
  { additionalProperties: false, examples: [{ fromSeq: '1001' }] },
)

export const AuditVerificationSchema = Type.Object(
  {
    ok: Type.Boolean(),
    checked: Type.Integer({ minimum: 0, description: 'Events whose hash and link were checked.' }),
    lastSeq: Type.Optional(SeqOf('Seq of the last event checked, when the chain is intact.')),
    firstFailure: Type.Optional(
      Type.Object({
        seq: Seq,
        kind: Type.Union([Type.Literal('content-altered'), Type.Literal('link-broken')], {
          description: 'content-altered: the row was modified after it was written; link-broken: a row before it was deleted or inserted.',
        }),
      }),
    ),
  },
  {
    examples: [
      { ok: true, checked: 1042, lastSeq: '1042' },
      { ok: false, checked: 17, firstFailure: { seq: '18', kind: 'content-altered' } },
    ],
  },
)
