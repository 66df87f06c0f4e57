// Real: PostgreSQL (one database, auth's and fe-active's schemas), Redis (a key prefix of its own), SMTP, auth's
// HTTP API with real tokens, auth's worker (outbox relay) and fe-active's worker, over the platform.clients queue.
import { service as auth } from '@fatturapa-hub/auth/service'
import { service as feActive } from '@fatturapa-hub/fe-active/service'
import { createLogger, type RunningWorker } from '@fatturapa-hub/shared'
import { startTestService, type TestService } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { requestClientBackfill } from '../../services/auth/src/outbox/client-events.js'
import { type AuthTest, bearer, startAuthTest } from '../../services/auth/test/support/auth-test.js'
import { ClientReplica } from '../../services/fe-active/src/clients/client-replica.entity.js'

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('client replica: auth → platform.clients → fe-active', () => {
  let authTest: AuthTest
  let feActiveService: TestService<never>
  let workers: RunningWorker[] = []
  let token: string
  let studioId: string
  let companyId: string

  const logger = createLogger({ name: 'platform', level: 'silent' })
  const replicas = () => feActiveService.orm.em.fork().find(ClientReplica, {}, { orderBy: { codiceSoggetto: 'asc' } })
  const replicaAt = (clientId: string, version: number) =>
    waitFor(async () => {
      const row = await feActiveService.orm.em.fork().findOne(ClientReplica, { clientId })
      return row !== null && row.version >= version ? row : undefined
    })
  const call = (method: 'POST' | 'PATCH' | 'PUT', url: string, payload: object) =>
    authTest.service.app.inject({ method, url, headers: bearer(token), payload })

  beforeAll(async () => {
    authTest = await startAuthTest()
    feActiveService = (await startTestService(feActive, {
      databaseUrl: authTest.database.url,
      redisPrefix: authTest.service.config.REDIS_PREFIX,
    })) as unknown as TestService<never>
    // Provisioned before any worker runs: its event waits in the outbox, then in the queue.
    const studio = await authTest.provision('cr00001', { partitaIva: '01234567897' })
    studioId = studio.studio.id
    companyId = studio.company.id
    await authTest.setPassword('ADM@cr00001', 'Replica-Test-7;q')
    token = await authTest.tokenFor('ADM@cr00001')
    workers = [
      ...(auth.workers?.({
        config: authTest.service.config,
        orm: authTest.service.orm,
        logger,
        producer: authTest.service.producer,
      }) ?? []),
      ...(feActive.workers?.({
        config: feActiveService.config,
        orm: feActiveService.orm,
        logger,
        producer: feActiveService.producer,
      }) ?? []),
    ]
  })

  afterAll(async () => {
    await Promise.all(workers.map((running) => running.close()))
    await feActiveService?.close()
    await authTest?.close()
  })

  it('replicates the company client of the provisioning', async () => {
    expect(await replicaAt(companyId, 1)).toMatchObject({ studioId, codiceSoggetto: '1', partitaIva: '01234567897', version: 1 })
  })

  it('follows create, update and "Abilita FE Attiva" through the HTTP API to the latest version', async () => {
    const created = await call('POST', '/clients', { codiceSoggetto: '300', denominazione: 'Replica S.r.l.', partitaIva: '03096010016' })
    expect(created.statusCode).toBe(201)
    const clientId = created.json().id as string
    expect(await replicaAt(clientId, 1)).toMatchObject({ denominazione: 'Replica S.r.l.', feAttivaEnabledAt: null })

    const updated = await call('PATCH', `/clients/${clientId}`, {
      denominazione: 'Replica S.p.A.',
      codiceDestinatario: 'krrh6b9',
      version: 1,
    })
    expect(updated.statusCode).toBe(200)
    const enabled = await call('PUT', `/clients/${clientId}/fe-attiva`, { enabled: true })
    expect(enabled.statusCode).toBe(200)
    const { version, feAttiva } = enabled.json() as { version: number; feAttiva: { enabledAt: string } }
    expect(version).toBe(3)

    const row = await replicaAt(clientId, 3)
    expect(row).toMatchObject({ version: 3, denominazione: 'Replica S.p.A.', codiceDestinatario: 'KRRH6B9' })
    expect(row.feAttivaEnabledAt?.toISOString()).toBe(feAttiva.enabledAt)

    const disabled = await call('PUT', `/clients/${clientId}/fe-attiva`, { enabled: false })
    expect(disabled.statusCode).toBe(200)
    expect(await replicaAt(clientId, 4)).toMatchObject({ version: 4, feAttivaEnabledAt: null })
  })

  it('rebuilds a lost replica from a backfill request', async () => {
    const connection = feActiveService.orm.em.getConnection()
    await connection.execute('delete from fe_active.client_replica')
    await connection.execute('delete from fe_active.processed_job')
    await requestClientBackfill(authTest.service.orm.em, 'replica rebuilt in test')
    expect(await replicaAt(companyId, 1)).toMatchObject({ codiceSoggetto: '1' })
    const rows = await waitFor(async () => {
      const all = await replicas()
      return all.length === 2 && all[1]?.version === 4 ? all : undefined
    })
    expect(rows.map((row) => [row.codiceSoggetto, row.version])).toEqual([
      ['1', 1],
      ['300', 4],
    ])
  })
})
