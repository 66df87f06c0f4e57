import type { ClientChangedV1 } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/core'
import type { Client } from '../clients/client.entity.js'
import { ClientsBackfillType, OutboxEvent } from './outbox-event.entity.js'

/** The `client.changed` payload: the whole client as it is now; `backfill` names the backfill that resends it. */
export function clientChangedPayload(client: Client, changedAt: Date, backfill?: string): ClientChangedV1 {
  return {
    v: 1,
    clientId: client.id,
    studioId: client.studioId,
    codiceSoggetto: client.codiceSoggetto,
    denominazione: client.denominazione,
    partitaIva: client.partitaIva,
    codiceFiscale: client.codiceFiscale,
    codiceDestinatario: client.codiceDestinatario,
    pec: client.pec,
    feAttivaEnabledAt: client.feAttivaEnabledAt?.toISOString() ?? null,
    fePassivaEnabledAt: client.fePassivaEnabledAt?.toISOString() ?? null,
    version: client.version,
    updatedAt: client.updatedAt.toISOString(),
    changedAt: changedAt.toISOString(),
    ...(backfill === undefined ? {} : { backfill }),
  }
}

/**
 * Records `client.changed` for a client just created or changed. Call it inside the transaction of the change:
 * the client is flushed first, so the event carries the version the commit will store, and the event row commits
 * or rolls back with it.
 */
export async function recordClientChanged(tx: EntityManager, client: Client, changedAt = new Date()): Promise<void> {
  await tx.flush()
  tx.persist(tx.create(OutboxEvent, { type: 'client.changed', payload: clientChangedPayload(client, changedAt), createdAt: changedAt }))
  await tx.flush()
}

/**
 * Asks the relay to publish a snapshot of every client (e.g. after a consumer's replica was rebuilt). Consumers
 * ignore snapshots they already hold, so asking twice is harmless.
 */
export async function requestClientBackfill(em: EntityManager, reason: string, now = new Date()): Promise<void> {
  const fork = em.fork()
  fork.persist(fork.create(OutboxEvent, { type: ClientsBackfillType, payload: { reason }, createdAt: now }))
  await fork.flush()
}
