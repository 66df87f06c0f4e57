// Real PostgreSQL, two connections: a newer snapshot of a client whose UPDATE runs before an older snapshot's
// INSERT commits must still end in the replica (READ COMMITTED lets the following read see the committed row).
import { randomUUID } from 'node:crypto'
import type { ClientChangedV1 } from '@fatturapa-hub/shared'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { EntityManager } from '@mikro-orm/knex'
import { applyClientChanged } from '../../src/clients/apply-client-changed.js'
import { ClientReplica } from '../../src/clients/client-replica.entity.js'
import { type FeActiveTest, startFeActiveTest } from '../support/fe-active-test.js'

let test: FeActiveTest
beforeAll(async () => {
  test = await startFeActiveTest({ name: 'replica-race-test' })
})
afterAll(async () => test?.close())

function snapshot(clientId: string, studioId: string, version: number, feAttiva: boolean): ClientChangedV1 {
  const now = new Date().toISOString()
  return {
    v: 1,
    clientId,
    studioId,
    codiceSoggetto: '2',
    denominazione: 'Società alpha S.r.l.',
    partitaIva: '01234567897',
    codiceFiscale: null,
    codiceDestinatario: null,
    pec: null,
    feAttivaEnabledAt: feAttiva ? now : null,
    fePassivaEnabledAt: null,
    version,
    updatedAt: now,
    changedAt: now,
  }
}

describe('client replica under concurrent snapshots', () => {
  it('applies v2 whose UPDATE missed the v1 row committed right after it', async () => {
    const clientId = randomUUID()
    const studioId = randomUUID()
    const silent = test.logger
    let releaseV1!: () => void
    const v1Inserted = new Promise<void>((resolve) => {
      releaseV1 = resolve
    })
    let v1Committed!: Promise<void>
    await test.running.orm.em.fork().transactional(async (tx) => {
      const em = tx as EntityManager
      // v2's UPDATE finds nothing: v1 is not there yet. Then v1 is inserted and committed by another transaction
      // before v2 reads, as two workers interleave.
      const interleaved = new Proxy(em, {
        get(target, property, receiver) {
          if (property === 'nativeUpdate') {
            return async (...args: Parameters<EntityManager['nativeUpdate']>) => {
              const updated = await target.nativeUpdate(...args)
              if (v1Committed === undefined) {
                v1Committed = test.running.orm.em
                  .fork()
                  .transactional((other) =>
                    applyClientChanged(snapshot(clientId, studioId, 1, false), { em: other as EntityManager, log: silent }),
                  )
                releaseV1()
                await v1Committed
              }
              return updated
            }
          }
          return Reflect.get(target, property, receiver)
        },
      })
      await applyClientChanged(snapshot(clientId, studioId, 2, true), { em: interleaved, log: silent })
    })
    await v1Inserted
    const replica = await test.running.orm.em.fork().findOneOrFail(ClientReplica, { clientId })
    expect(replica.version).toBe(2)
    expect(replica.feAttivaEnabledAt).not.toBeNull()
  })
})
