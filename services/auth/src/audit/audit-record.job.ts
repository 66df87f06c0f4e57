import { type JobHandler, usesPostgres } from '@fatturapa-hub/shared'
import { chainHash, genesisHash } from './audit-chain.js'
import { AuditEvent } from './audit-event.entity.js'

/** Appends the event to the hash chain; a redelivered event (same eventId) is recorded once. */
export const recordAuditEvent: JobHandler<'audit.record'> = async (data, { em, log }) => {
  const connection = em.getConnection()
  if (usesPostgres(em.config)) {
    // One chain, one writer at a time, whatever the number of worker replicas.
    await connection.execute('select pg_advisory_xact_lock(hashtext(?))', ['fph-audit-chain'], 'all', em.getTransactionContext())
  }
  if (await em.findOne(AuditEvent, { eventId: data.eventId })) {
    log.info({ eventId: data.eventId }, 'audit event already recorded')
    return
  }
  const [last] = await em.find(AuditEvent, {}, { orderBy: { seq: 'desc' }, limit: 1 })
  const prevHash = last?.hash ?? genesisHash
  const fields = {
    eventId: data.eventId,
    occurredAt: new Date(data.occurredAt),
    service: data.service,
    action: data.action,
    outcome: data.outcome,
    studioId: data.studioId ?? null,
    actorKind: data.actor.kind,
    actorUserId: data.actor.userId ?? null,
    actorUsername: data.actor.username ?? null,
    resourceType: data.resource?.type ?? null,
    // Events published before the id became optional carry an empty id instead.
    resourceId: data.resource?.id || null,
    ip: data.ip ?? null,
    requestId: data.requestId ?? null,
    details: data.details ? JSON.stringify(data.details) : null,
  }
  em.persist(em.create(AuditEvent, { ...fields, recordedAt: new Date(), prevHash, hash: chainHash(prevHash, fields) }))
}
