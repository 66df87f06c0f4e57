// Real: Redis for the healthy case; a closed loopback port for the outage. Nothing is mocked.
import { afterAll, describe, expect, it } from '@jest/globals'
import { AppError } from '../src/errors.js'
import { createLogger } from '../src/logger.js'
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

  it('refuses a payload that breaks the contract before touching Redis', async () => {
    const producer = new JobProducer(createRedis('redis://127.0.0.1:1', 'producer'), testRedisPrefix(), logger)
    producers.push(producer)
    const failure = await producer.enqueue('audit.record', { ...event, outcome: 'maybe' } as never).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(InvalidJobPayloadError)
    expect((failure as InvalidJobPayloadError).problems.join()).toMatch(/outcome/)
  })
})
