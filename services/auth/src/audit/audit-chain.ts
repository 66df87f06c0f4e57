import { createHash } from 'node:crypto'
import type { AuditEvent } from './audit-event.entity.js'

export const genesisHash = '0'.repeat(64)

/** JSON with sorted keys at every level, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined && item !== null)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
}

type ChainedFields = Omit<AuditEvent, 'seq' | 'recordedAt' | 'prevHash' | 'hash'>

/**
 * What the chain commits to: every stored field of the event, as stored (times as ISO strings, details as
 * their JSON text), so the writer and a later verifier hash exactly the same bytes.
 */
export function chainedContent(event: ChainedFields): Record<string, unknown> {
  return {
    eventId: event.eventId,
    occurredAt: new Date(event.occurredAt).toISOString(),
    service: event.service,
    action: event.action,
    outcome: event.outcome,
    studioId: event.studioId,
    actorKind: event.actorKind,
    actorUserId: event.actorUserId,
    actorUsername: event.actorUsername,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    ip: event.ip,
    requestId: event.requestId,
    details: event.details,
  }
}

/** Each record commits to its predecessor: changing or deleting any row breaks every later hash. */
export function chainHash(prevHash: string, event: ChainedFields): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalJson(chainedContent(event)))
    .digest('hex')
}
