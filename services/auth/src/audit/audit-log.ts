import type { FilterQuery } from '@mikro-orm/core'
import type { EntityManager } from '@mikro-orm/knex'
import { AuditEvent } from './audit-event.entity.js'
import type { AuditEventListQuery, AuditEventView } from './schemas.js'

/**
 * One page of a studio's events, newest first. Events without a studio (platform events, failed sign-ins of
 * unknown users) belong to no studio and are never listed.
 */
export async function findStudioAuditEvents(
  em: EntityManager,
  studioId: string,
  query: AuditEventListQuery,
): Promise<{ events: AuditEventView[]; nextCursor: string | null }> {
  const where: FilterQuery<AuditEvent> = { studioId }
  if (query.from !== undefined || query.to !== undefined)
    where.occurredAt = {
      ...(query.from === undefined ? {} : { $gte: new Date(query.from) }),
      ...(query.to === undefined ? {} : { $lt: new Date(query.to) }),
    }
  if (query.action !== undefined) where.action = query.action
  if (query.outcome !== undefined) where.outcome = query.outcome
  if (query.actorUserId !== undefined) where.actorUserId = query.actorUserId
  if (query.resourceType !== undefined) where.resourceType = query.resourceType
  if (query.resourceId !== undefined) where.resourceId = query.resourceId
  if (query.service !== undefined) where.service = query.service
  if (query.before !== undefined) where.seq = { $lt: query.before }
  const rows = await em.find(AuditEvent, where, { orderBy: { seq: 'desc' }, limit: query.limit + 1 })
  const page = rows.slice(0, query.limit)
  const last = page[page.length - 1]
  return { events: page.map(toAuditEventView), nextCursor: rows.length > query.limit && last ? String(last.seq) : null }
}

export function toAuditEventView(event: AuditEvent): AuditEventView {
  return {
    seq: String(event.seq),
    eventId: event.eventId,
    occurredAt: event.occurredAt.toISOString(),
    recordedAt: event.recordedAt.toISOString(),
    service: event.service,
    action: event.action,
    outcome: event.outcome,
    actor: {
      kind: event.actorKind as AuditEventView['actor']['kind'],
      userId: event.actorUserId ?? null,
      username: event.actorUsername ?? null,
    },
    resource: event.resourceType ? { type: event.resourceType, id: event.resourceId ?? null } : null,
    ip: event.ip ?? null,
    requestId: event.requestId ?? null,
    details: parseDetails(event.details),
    hash: event.hash,
  }
}

function parseDetails(details: string | null | undefined): Record<string, unknown> | null {
  if (!details) return null
  try {
    const parsed: unknown = JSON.parse(details)
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed }
  } catch {
    // A row altered by hand may hold anything; the verification reports it, the listing still answers.
    return { unparsable: details }
  }
}
