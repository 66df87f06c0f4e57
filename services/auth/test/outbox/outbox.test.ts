// Real: PostgreSQL (and the embedded SQLite file), Redis and BullMQ. The unreachable Redis is a port nothing listens on.
import { type ClientChangedV1, createLogger, createRedis, JobProducer, Queues } from '@fatturapa-hub/shared'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Client } from '../../src/clients/client.entity.js'
import { registerClient, setFeActivation, updateClient } from '../../src/clients/manage-clients.js'
import { OutboxEvent } from '../../src/outbox/outbox-event.entity.js'
import { OutboxRelay } from '../../src/outbox/relay.js'
import { type AuthTest, startAuthTest } from '../support/auth-test.js'

const logger = createLogger({ name: 'auth', level: 'silent' })

describe('client outbox (PostgreSQL)', () => {
  let auth: AuthTest
  let studioId: string
  let companyId: string

  const em = () => auth.service.orm.em.fork()
  const rows = () => em().find(OutboxEvent, {}, { orderBy: { id: 'asc' } })
  const clientEvents = async (clientId: string) =>
    (await rows()).filter((row) => row.type === 'client.changed' && (row.payload as ClientChangedV1).clientId === clientId)
  const relay = (producer = auth.service.producer) => new OutboxRelay({ orm: auth.service.orm, producer, logger })
  const job = (clientId: string, version: number) => auth.service.producer.queue(Queues.Clients).getJob(`client-${clientId}-v${version}`)

  beforeAll(async () => {
    auth = await startAuthTest()
    const studio = await auth.provision('ob00001', { partitaIva: '01234567897' })
    studioId = studio.studio.id
    companyId = studio.company.id
  })
  afterAll(async () => auth?.close())

  it('starts with the backfill request the migration wrote, then the company client of the provisioning', async () => {
    const all = await rows()
    expect(all[0]).toMatchObject({ type: 'clients.backfill', status: 'pending' })
    const company = await clientEvents(companyId)
    expect(company).toHaveLength(1)
    expect(company[0]).toMatchObject({
      status: 'pending',
      payload: { v: 1, clientId: companyId, studioId, codiceSoggetto: '1', partitaIva: '01234567897', version: 1, feAttivaEnabledAt: null },
    })
  })

  it('writes one client.changed per committed change, with the version the change stored', async () => {
    const client = await registerClient(em(), studioId, {
      codiceSoggetto: '200',
      denominazione: 'Outbox S.r.l.',
      partitaIva: '03096010016',
    })
    await updateClient(em(), studioId, client.id, { denominazione: 'Outbox S.p.A.', version: 1 })
    // Nothing changes: no event.
    await updateClient(em(), studioId, client.id, { denominazione: 'Outbox S.p.A.' })
    const enabled = await setFeActivation(em(), studioId, client.id, 'attiva', true, new Date('2026-12-15T10:00:00.000Z'))
    expect(enabled.version).toBe(3)
    const events = await clientEvents(client.id)
    expect(events.map((row) => (row.payload as ClientChangedV1).version)).toEqual([1, 2, 3])
    expect(events.map((row) => (row.payload as ClientChangedV1).denominazione)).toEqual(['Outbox S.r.l.', 'Outbox S.p.A.', 'Outbox S.p.A.'])
    expect(events[2]?.payload).toMatchObject({
      feAttivaEnabledAt: '2026-12-15T10:00:00.000Z',
      updatedAt: '2026-12-15T10:00:00.000Z',
      changedAt: '2026-12-15T10:00:00.000Z',
    })
  })

  it('writes nothing for a change that fails', async () => {
    const before = (await rows()).length
    await expect(updateClient(em(), studioId, companyId, { denominazione: 'Stale', version: 99 })).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
    })
    await expect(registerClient(em(), studioId, { codiceSoggetto: '1', denominazione: 'Duplicate' })).rejects.toMatchObject({
      code: 'CODICE_SOGGETTO_TAKEN',
    })
    expect(await rows()).toHaveLength(before)
  })

  it('commits the change only with its event: when the event cannot be written, the client is not stored either', async () => {
    const connection = auth.service.orm.em.getConnection()
    await connection.execute(`alter table outbox_event add constraint outbox_test_reject check (type <> 'client.changed') not valid`)
    try {
      await expect(registerClient(em(), studioId, { codiceSoggetto: '201', denominazione: 'Atomic S.r.l.' })).rejects.toThrow(
        /outbox_test_reject/,
      )
      await expect(setFeActivation(em(), studioId, companyId, 'passiva', true)).rejects.toThrow(/outbox_test_reject/)
    } finally {
      await connection.execute('alter table outbox_event drop constraint outbox_test_reject')
    }
    const fork = em()
    expect(await fork.count(Client, { studioId, codiceSoggetto: '201' })).toBe(0)
    expect(await fork.findOneOrFail(Client, { id: companyId })).toMatchObject({
      fePassivaEnabledAt: null,
      version: 1,
    })
  })

  it('keeps the rows pending while Redis is unreachable, then publishes them in order and marks them sent', async () => {
    const down = new JobProducer(
      createRedis('redis://127.0.0.1:1', 'producer', { retryStrategy: () => 1000 }),
      auth.service.config.REDIS_PREFIX,
      logger,
    )
    down.connectInBackground()
    try {
      const run = await relay(down).runOnce()
      // The backfill request needs no queue: it is expanded into one snapshot row per client; then the queue fails.
      expect(run).toMatchObject({ interrupted: true })
    } finally {
      await down.close()
    }
    const pending = (await rows()).filter((row) => row.type === 'client.changed')
    expect(pending.every((row) => row.status === 'pending')).toBe(true)
    expect(pending[0]).toMatchObject({ attempts: 1, lastError: expect.stringMatching(/unavailable/) })
    expect(await job(companyId, 1)).toBeUndefined()

    const run = await relay().runOnce()
    expect(run).toEqual({ published: pending.length, failed: 0, interrupted: false })
    const after = await rows()
    expect(after.every((row) => row.status === 'sent' && row.sentAt instanceof Date)).toBe(true)
    const published = await job(companyId, 1)
    expect(published?.name).toBe('client.changed')
    expect(published?.data).toMatchObject({ clientId: companyId, version: 1, codiceSoggetto: '1' })
    // A second run finds nothing to do.
    expect(await relay().runOnce()).toEqual({ published: 0, failed: 0, interrupted: false })
  })

  it('expands a backfill request into a snapshot of every client at its current version', async () => {
    const all = await rows()
    const backfill = all.find((row) => row.type === 'clients.backfill')
    expect(backfill).toMatchObject({ status: 'sent', sentAt: expect.any(Date) })
    // The snapshots are written in the transaction that marks the request done, at the same instant.
    const snapshots = all.filter((row) => row.type === 'client.changed' && row.createdAt.getTime() === backfill?.sentAt?.getTime())
    const clients = await em().find(Client, { studioId })
    expect(snapshots).toHaveLength(clients.length)
    const outbox = snapshots.find((row) => (row.payload as ClientChangedV1).codiceSoggetto === '200')
    expect(outbox?.payload).toMatchObject({ version: 3, denominazione: 'Outbox S.p.A.', backfill: `backfill${backfill?.id}` })
    // Its own job id: delivered even though client-<id>-v3 is already in the queue.
    const clientId = (outbox as OutboxEvent).payload.clientId as string
    expect((await auth.service.producer.queue(Queues.Clients).getJob(`client-${clientId}-v3-backfill${backfill?.id}`))?.data).toMatchObject(
      {
        version: 3,
      },
    )
  })

  it('marks a row whose payload breaks the contract failed, and publishes the rows behind it', async () => {
    const fork = em()
    const bad = fork.create(OutboxEvent, { type: 'client.changed', payload: { v: 1, clientId: 'x' }, createdAt: new Date() })
    fork.persist(bad)
    await fork.flush()
    const good = await registerClient(em(), studioId, { codiceSoggetto: '202', denominazione: 'Behind S.r.l.' })
    expect(await relay().runOnce()).toEqual({ published: 1, failed: 1, interrupted: false })
    expect(await em().findOneOrFail(OutboxEvent, { id: bad.id })).toMatchObject({ status: 'failed', lastError: /invalid payload/ })
    expect((await job(good.id, 1))?.data).toMatchObject({ denominazione: 'Behind S.r.l.' })
  })
})

describe('client outbox (embedded SQLite)', () => {
  let auth: AuthTest
  beforeAll(async () => {
    auth = await startAuthTest({}, { sqlite: true })
  })
  afterAll(async () => auth?.close())

  it('records, expands and publishes the same way', async () => {
    const studio = await auth.provision('ob00002', { partitaIva: '12345678903' })
    const relay = new OutboxRelay({ orm: auth.service.orm, producer: auth.service.producer, logger })
    expect(await relay.runOnce()).toEqual({ published: 3, failed: 0, interrupted: false })
    const rows = await auth.service.orm.em.fork().find(OutboxEvent, {}, { orderBy: { id: 'asc' } })
    expect(rows.map((row) => [row.type, row.status])).toEqual([
      ['clients.backfill', 'sent'],
      ['client.changed', 'sent'],
      ['client.changed', 'sent'],
    ])
    expect(rows[0]?.createdAt).toBeInstanceOf(Date)
    const job = await auth.service.producer.queue(Queues.Clients).getJob(`client-${studio.company.id}-v1`)
    expect(job?.data).toMatchObject({ studioId: studio.studio.id, version: 1 })
  })
})
