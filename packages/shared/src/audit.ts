import { randomUUID } from 'node:crypto'
import type { AuditRecordV1 } from './queues/contract.js'
import type { JobProducer } from './queues/producer.js'

export {
  type AuditActor,
  type AuditDetails,
  type AuditHookOptions,
  type AuditSubject,
  auditHook,
  auditRecordOf,
  setAuditSubject,
} from './http/audit-hook.js'

export type AuditEventInput = Omit<AuditRecordV1, 'v' | 'eventId' | 'occurredAt'> & { eventId?: string; occurredAt?: Date }

/** Publishes an audit event for auth to store in its append-only, hash-chained log. */
export async function publishAudit(producer: JobProducer, event: AuditEventInput): Promise<string> {
  const { eventId = randomUUID(), occurredAt = new Date(), ...rest } = event
  await producer.enqueue('audit.record', { v: 1, eventId, occurredAt: occurredAt.toISOString(), ...rest })
  return eventId
}
