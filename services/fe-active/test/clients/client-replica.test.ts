// Real: PostgreSQL (a database of its own), Redis (a key prefix of its own), the BullMQ producer and fe-active's worker.
import { randomUUID } from 'node:crypto'
import { type ClientChangedV1, createLogger, type RunningWorker } from '@fatturapa-hub/shared'
import { createTestDatabase, startTestService, type TestDatabase, type TestService, testRedisPrefix } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { applyClientChanged } from '../../src/clients/apply-client-changed.js'
import { ClientReplica } from '../../src/clients/client-replica.entity.js'
import type { Config } from '../../src/config.js'
import { service } from '../../src/service.js'

const logger = createLogger({ name: 'fe-active', level: 'silent' })

function snapshot(clientId: string, version: number, overrides: Partial<ClientChangedV1> = {}): ClientChangedV1 {
  return {
    v: 1,
    clientId,
    studioId: '6f1c1b52-6a43-4f4e-9d53-0c1f5a0d9a11',
    codiceSoggetto: '100',
    denominazione: `Cliente v${version} S.r.l.`,
    partitaIva: '03096010016',
    codiceFiscale: null,
    codiceDestinatario: 'KRRH6B9',
    pec: null,
    feAttivaEnabledAt: null,
    fePassivaEnabledAt: null,
    version,
    updatedAt: new Date(Date.UTC(2026, 11, 1, 10, version)).toISOString(),
    changedAt: new Date(Date.UTC(2026, 11, 1, 10, version)).toISOString(),
    ...overrides,
  }
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('client replica', () => {
  let database: TestDatabase
  let feActive: TestService<Config>

  beforeAll(async () => {
    database = await createTestDatabase()
    feActive = await startTestService(service, { databaseUrl: database.url, redisPrefix: testRedisPrefix() })
  })
  afterAll(async () => {
    await feActive?.close()
    await database?.drop()
  })

  const replica = (clientId: string) => feActive.orm.em.fork().findOne(ClientReplica, { clientId })
  const apply = async (data: ClientChangedV1) => {
    await feActive.orm.em.fork().transactional((em) => applyClientChanged(data, { em, log: logger }))
  }

  describe('applyClientChanged', () => {
    it('stores a first snapshot with every field', async () => {
      const clientId = randomUUID()
      await apply(snapshot(clientId, 1, { feAttivaEnabledAt: '2026-12-01T09:00:00.000Z', pec: 'a@pec.example' }))
      expect(await replica(clientId)).toMatchObject({
        clientId,
        codiceSoggetto: '100',
        denominazione: 'Cliente v1 S.r.l.',
        partitaIva: '03096010016',
        codiceDestinatario: 'KRRH6B9',
        pec: 'a@pec.example',
        feAttivaEnabledAt: new Date('2026-12-01T09:00:00.000Z'),
        fePassivaEnabledAt: null,
        version: 1,
      })
    })

    it('replaces the row with a newer version, including fields cleared to null', async () => {
      const clientId = randomUUID()
      await apply(snapshot(clientId, 1, { feAttivaEnabledAt: '2026-12-01T09:00:00.000Z' }))
      await apply(snapshot(clientId, 2, { feAttivaEnabledAt: null, codiceDestinatario: null }))
      expect(await replica(clientId)).toMatchObject({ version: 2, feAttivaEnabledAt: null, codiceDestinatario: null })
    })

    it('ignores an older or an equal version', async () => {
      const clientId = randomUUID()
      await apply(snapshot(clientId, 3))
      await apply(snapshot(clientId, 2, { denominazione: 'Older' }))
      await apply(snapshot(clientId, 3, { denominazione: 'Same version, other content' }))
      expect(await replica(clientId)).toMatchObject({ version: 3, denominazione: 'Cliente v3 S.r.l.' })
    })
  })

  describe('through the queue and the worker', () => {
    let workers: RunningWorker[]

    beforeAll(() => {
      workers = service.workers?.({ config: feActive.config, orm: feActive.orm, logger, producer: feActive.producer }) as RunningWorker[]
    })
    afterAll(async () => Promise.all(workers.map((running) => running.close())))

    const processed = async (jobId: string) =>
      (
        await feActive.orm.em
          .getConnection()
          .execute<Array<{ job_id: string }>>('select job_id from processed_job where job_id = ?', [jobId])
      ).length > 0

    it('applies snapshots delivered out of order and ends on the highest version', async () => {
      const clientId = randomUUID()
      await feActive.producer.enqueue('client.changed', snapshot(clientId, 2))
      await waitFor(async () => ((await replica(clientId))?.version === 2 ? true : undefined))
      const older = await feActive.producer.enqueue('client.changed', snapshot(clientId, 1, { denominazione: 'Older' }))
      await waitFor(async () => ((await processed(older)) ? true : undefined))
      expect(await replica(clientId)).toMatchObject({ version: 2, denominazione: 'Cliente v2 S.r.l.' })
      await feActive.producer.enqueue('client.changed', snapshot(clientId, 4, { feAttivaEnabledAt: '2026-12-02T08:00:00.000Z' }))
      await feActive.producer.enqueue('client.changed', snapshot(clientId, 3))
      const last = await waitFor(async () => {
        const [three, four] = await Promise.all([processed(`client-${clientId}-v3`), processed(`client-${clientId}-v4`)])
        return three && four ? replica(clientId) : undefined
      })
      expect(last).toMatchObject({ version: 4, feAttivaEnabledAt: new Date('2026-12-02T08:00:00.000Z') })
    })

    it('stores a snapshot published twice once', async () => {
      const clientId = randomUUID()
      const first = await feActive.producer.enqueue('client.changed', snapshot(clientId, 1))
      const second = await feActive.producer.enqueue('client.changed', snapshot(clientId, 1))
      expect(second).toBe(first)
      await waitFor(async () => ((await processed(first)) ? true : undefined))
      expect(await feActive.orm.em.fork().count(ClientReplica, { clientId })).toBe(1)
    })
  })
})
