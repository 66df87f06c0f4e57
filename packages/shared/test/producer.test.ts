// Real: Redis for the healthy case; a closed loopback port for the outage. Nothing is mocked.
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, describe, expect, it } from '@jest/globals'
import { UnrecoverableError, Worker } from 'bullmq'
import { AppError } from '../src/errors.js'
import { createLogger } from '../src/logger.js'
import { Jobs } from '../src/queues/contract.js'
import { InvalidJobPayloadError, JobProducer } from '../src/queues/producer.js'
import { createRedis } from '../src/queues/redis.js'
import { testRedisPrefix } from '../src/testing/index.js'

const logger = createLogger({ name: 'producer-test', level: 'silent' })
const event = {
  v: 1 as const,
  eventId: 'evt-1',
  occurredAt: '2026-11-23T10:00:00.000Z',
  service: 'auth',
  action: 'user.login',
  outcome: 'failure' as const,
  actor: { kind: 'anonymous' as const },
}

describe('JobProducer', () => {
  const producers: JobProducer[] = []
  afterAll(() => Promise.all(producers.map((producer) => producer.close())))

  it('fails fast with a 503 problem when Redis is down, instead of queueing in memory', async () => {
    const producer = new JobProducer(createRedis('redis://127.0.0.1:1', 'producer'), testRedisPrefix(), logger)
    producers.push(producer)
    producer.connectInBackground()
    const started = Date.now()
    const failure = await producer.enqueue('audit.record', event).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(AppError)
    expect(failure).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' })
    expect(Date.now() - started).toBeLessThan(2000)
    await expect(producer.ping()).rejects.toThrow()
  })

  it('adds a batch with one call per queue, each job under its deterministic id, and again without duplicates', async () => {
    const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
    const producer = new JobProducer(createRedis(redisUrl, 'producer'), testRedisPrefix(), logger)
    producers.push(producer)
    await producer.connect()
    const batch = [
      { name: 'audit.record', data: { ...event, eventId: 'evt-a' } },
      { name: 'audit.record', data: { ...event, eventId: 'evt-b' } },
      { name: 'invoice.transmit', data: { v: 1, invoiceId: '0b6f6c51-8d0e-4a36-9d2e-1c1b7f1f0a01', attempt: 1 } },
    ] as const
    const ids = await producer.enqueueMany(batch)
    expect(ids).toHaveLength(3)
    expect(await producer.enqueueMany(batch)).toEqual(ids)
    const audit = producer.queue(Jobs['audit.record'].queue)
    const transmission = producer.queue(Jobs['invoice.transmit'].queue)
    expect(await audit.getWaitingCount()).toBe(2)
    expect(await transmission.getWaitingCount()).toBe(1)
    expect((await transmission.getJob(ids[2] as string))?.opts.attempts).toBe(Jobs['invoice.transmit'].attempts)
    await Promise.all([audit.obliterate({ force: true }), transmission.obliterate({ force: true })])
  })

  it('retries a job that failed for good when asked to, where a plain add would be a no-op', async () => {
    const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
    const prefix = testRedisPrefix()
    const producer = new JobProducer(createRedis(redisUrl, 'producer'), prefix, logger)
    producers.push(producer)
    await producer.connect()
    const data = { v: 1 as const, invoiceId: '0b6f6c51-8d0e-4a36-9d2e-1c1b7f1f0a02', attempt: 1 }
    const jobId = await producer.enqueue('invoice.transmit', data)
    const queue = producer.queue(Jobs['invoice.transmit'].queue)
    const failing = new Worker(
      queue.name,
      async () => {
        throw new UnrecoverableError('database down for hours')
      },
      { connection: createRedis(redisUrl, 'worker'), prefix },
    )
    try {
      for (let wait = 0; wait < 200 && !(await (await queue.getJob(jobId))?.isFailed()); wait++) await sleep(25)
    } finally {
      await failing.close()
    }
    expect(await (await queue.getJob(jobId))?.getState()).toBe('failed')
    await producer.enqueue('invoice.transmit', data)
    expect(await (await queue.getJob(jobId))?.getState()).toBe('failed')
    await producer.enqueue('invoice.transmit', data, { retryFailed: true })
    expect(await (await queue.getJob(jobId))?.getState()).toBe('waiting')
    await queue.obliterate({ force: true })
  })

  it('adds nothing of a batch with an invalid payload', async () => {
    const producer = new JobProducer(createRedis('redis://127.0.0.1:1', 'producer'), testRedisPrefix(), logger)
    producers.push(producer)
    const failure = await producer
      .enqueueMany([
        { name: 'audit.record', data: event },
        { name: 'audit.record', data: { ...event, outcome: 'maybe' } as never },
      ])
      .catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(InvalidJobPayloadError)
  })

  it('gives the signature of a corrected file a job of its own (the first file’s completed job is kept a day)', () => {
    const invoiceId = '6b1f7c1e-2a4d-4f7e-9a53-0c9e3b1d2a10'
    const first = Jobs['invoice.sign'].jobId({ v: 1, invoiceId, fileSha256: 'a'.repeat(64) })
    const corrected = Jobs['invoice.sign'].jobId({ v: 1, invoiceId, fileSha256: 'b'.repeat(64) })
    expect(first).toBe(`sign-${invoiceId}-${'a'.repeat(16)}`)
    expect(corrected).not.toBe(first)
    expect(Jobs['invoice.sign'].jobId({ v: 1, invoiceId })).toBe(`sign-${invoiceId}`)
  })

  it('refuses a payload that breaks the contract before touching Redis', async () => {
    const producer = new JobProducer(createRedis('redis://127.0.0.1:1', 'producer'), testRedisPrefix(), logger)
    producers.push(producer)
    const failure = await producer.enqueue('audit.record', { ...event, outcome: 'maybe' } as never).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(InvalidJobPayloadError)
    expect((failure as InvalidJobPayloadError).problems.join()).toMatch(/outcome/)
  })
})
