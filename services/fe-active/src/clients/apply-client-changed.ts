import type { ClientChangedV1, JobContext } from '@fatturapa-hub/shared'
import { ClientReplica } from './client-replica.entity.js'

const date = (value: string | null) => (value === null ? null : new Date(value))

/**
 * Handler of `client.changed`: stores the snapshot unless the replica already holds this version or a newer one,
 * so redelivered, duplicated (backfill) and out-of-order events leave the newest state in place.
 *
 * The version check is part of the UPDATE itself (`where version < new`), not a read before it: two snapshots of
 * the same client processed at once (worker concurrency, several workers) cannot overwrite a newer row with an
 * older one, because the second UPDATE waits for the first and re-checks the version. Two first snapshots of the
 * same client racing: one insert fails on the primary key, its job is retried and then goes the update way; a
 * newer snapshot whose UPDATE ran before the older one's INSERT committed finds that row and updates it.
 */
export async function applyClientChanged(data: ClientChangedV1, { em, log }: Pick<JobContext, 'em' | 'log'>): Promise<void> {
  const fields = {
    studioId: data.studioId,
    codiceSoggetto: data.codiceSoggetto,
    denominazione: data.denominazione,
    partitaIva: data.partitaIva,
    codiceFiscale: data.codiceFiscale,
    codiceDestinatario: data.codiceDestinatario,
    pec: data.pec,
    feAttivaEnabledAt: date(data.feAttivaEnabledAt),
    fePassivaEnabledAt: date(data.fePassivaEnabledAt),
    version: data.version,
    updatedAt: new Date(data.updatedAt),
    changedAt: new Date(data.changedAt),
    replicatedAt: new Date(),
  }
  const context = { clientId: data.clientId, version: data.version }
  // Two rounds at most: the row an UPDATE did not see may be committed by the time it is read (an older snapshot of
  // the same client inserted it concurrently); the second UPDATE then sees it and applies this newer one.
  for (let round = 0; round < 2; round++) {
    if ((await em.nativeUpdate(ClientReplica, { clientId: data.clientId, version: { $lt: data.version } }, fields)) > 0) {
      log.info(context, 'client replica updated')
      return
    }
    const held = await em.findOne(ClientReplica, { clientId: data.clientId }, { fields: ['version'], disableIdentityMap: true })
    if (held === null) break
    if (held.version >= data.version) {
      log.info({ ...context, held: held.version }, 'client snapshot not newer than the replica; ignored')
      return
    }
  }
  await em.insert(ClientReplica, { clientId: data.clientId, ...fields })
  log.info(context, 'client replica created')
}
