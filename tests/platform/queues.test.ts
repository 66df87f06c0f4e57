// Real: PostgreSQL (a database of its own), Redis (a key prefix of its own), BullMQ producer and worker.
// fe-active produces an audit event; the auth service's own worker definition consumes it.
import { service as auth } from '@fatturapa-hub/auth/service'
import { service as feActive } from '@fatturapa-hub/fe-active/service'
import { type AuditEventInput, createLogger, publishAudit, type RunningWorker } from '@fatturapa-hub/shared'
import {
  createTestDatabase,
  startTestService,
  type TestDatabase,
  type TestService,
  testRedisPrefix,
  testRedisUrl,
} from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Queue, QueueEvents } from 'bullmq'
import { Redis } from 'ioredis'

const event = (action: string, eventId?: string): AuditEventInput => ({
  ...(eventId ? { eventId } : {}),
  service: 'fe-active',
  action,
  outcome: 'success',
  studioId: 'studio-1',
  actor: { kind: 'integration', userId: 'u-1', username: 'APIREST@studio-1' },
  resource: { type: 'invoice', id: 'inv-1' },
  ip: '127.0.0.1',
  requestId: 'req-audit-1',
})

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('queues between services', () => {
  let database: TestDatabase
  let producerSide: TestService<never>
  let consumerSide: TestService<never>
  let workers: RunningWorker[]
  const prefix = testRedisPrefix()

  beforeAll(async () => {
    database = await createTestDatabase()
    producerSide = (await startTestService(feActive, { databaseUrl: database.url, redisPrefix: prefix })) as unknown as TestService<never>
    consumerSide = (await startTestService(auth, { databaseUrl: database.url, redisPrefix: prefix })) as unknown as TestService<never>
    workers = auth.workers?.({
      config: consumerSide.config,
      orm: consumerSide.orm,
      logger: createLogger({ name: 'auth', level: 'silent' }),
      producer: consumerSide.producer,
    }) as RunningWorker[]
  })

  afterAll(async () => {
    await Promise.all(workers.map((running) => running.close()))
    await Promise.all([producerSide.close(), consumerSide.close()])
    const redis = new Redis(testRedisUrl)
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
    await database.drop()
  })

  const auditRows = () =>
    consumerSide.orm.em
      .getConnection()
      .execute<Array<{ event_id: string; action: string; prev_hash: string; hash: string; request_id: string }>>(
        'select event_id, action, prev_hash, hash, request_id from auth.audit_event order by seq',
      )

  it('delivers a job produced by fe-active to the auth worker, which stores it', async () => {
    const eventId = await publishAudit(producerSide.app.jobs, event('invoice.submit'))
    const rows = await waitFor(async () => {
      const found = await auditRows()
      return found.some((row) => row.event_id === eventId) ? found : undefined
    })
    expect(rows.find((row) => row.event_id === eventId)).toMatchObject({ action: 'invoice.submit', request_id: 'req-audit-1' })
  })

  it('records an event published twice only once (deterministic job id and processed-job inbox)', async () => {
    const eventId = 'evt-duplicate-1'
    await publishAudit(producerSide.app.jobs, event('invoice.delete', eventId))
    await publishAudit(producerSide.app.jobs, event('invoice.delete', eventId))
    await waitFor(async () => ((await auditRows()).some((row) => row.event_id === eventId) ? true : undefined))
    // A later event proves the worker has moved past both copies.
    const marker = await publishAudit(producerSide.app.jobs, event('invoice.marker'))
    const rows = await waitFor(async () => {
      const found = await auditRows()
      return found.some((row) => row.event_id === marker) ? found : undefined
    })
    expect(rows.filter((row) => row.event_id === eventId)).toHaveLength(1)
  })

  it('chains every stored event to the previous one', async () => {
    const rows = await auditRows()
    expect(rows.length).toBeGreaterThanOrEqual(3)
    expect(rows[0]?.prev_hash).toBe('0'.repeat(64))
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash)
  })

  it('refuses an invalid payload at the producer', async () => {
    await expect(producerSide.app.jobs.enqueue('audit.record', { v: 1, eventId: 'x' } as never)).rejects.toThrow(
      /invalid payload for job audit.record/,
    )
  })

  it('fails an invalid payload permanently at the consumer, keeps it, and does not retry it', async () => {
    // A producer of another version writes straight to the queue, bypassing our producer's validation.
    const connection = new Redis(testRedisUrl, { maxRetriesPerRequest: null })
    const queue = new Queue('platform.audit', { connection, prefix })
    const eventsConnection = new Redis(testRedisUrl, { maxRetriesPerRequest: null })
    const events = new QueueEvents('platform.audit', { connection: eventsConnection, prefix })
    await events.waitUntilReady()
    const job = await queue.add(
      'audit.record',
      { v: 2, eventId: 'bad-1', what: 'unknown shape' },
      { jobId: 'audit-bad-1', attempts: 5, backoff: 10 },
    )
    const failed = new Promise<string>((resolve) =>
      events.on('failed', ({ jobId, failedReason }) => {
        if (jobId === job.id) resolve(failedReason)
      }),
    )
    expect(await failed).toMatch(/invalid payload/)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const stored = await queue.getJob('audit-bad-1')
    expect(await stored?.getState()).toBe('failed')
    expect(stored?.attemptsMade).toBe(1)
    expect((await auditRows()).some((row) => row.event_id === 'bad-1')).toBe(false)
    await events.close()
    await queue.close()
    connection.disconnect()
    eventsConnection.disconnect()
  })
})
