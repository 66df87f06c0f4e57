// Real: Redis (a key prefix of its own), a BullMQ worker started as services start theirs, an SQLite database file.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type Orm, openDatabase } from '../src/db/index.js'
import { createLogger } from '../src/logger.js'
import { Jobs, Queues } from '../src/queues/contract.js'
import { JobProducer } from '../src/queues/producer.js'
import { createRedis } from '../src/queues/redis.js'
import { RetryJobLaterError, startWorker } from '../src/queues/worker.js'
import { testRedisPrefix, testRedisUrl } from '../src/testing/index.js'

const logger = createLogger({ name: 'worker-test', level: 'silent' })

describe('startWorker', () => {
  const directory = mkdtempSync(join(tmpdir(), 'fph-worker-test-'))
  const prefix = testRedisPrefix()
  let orm: Orm
  let producer: JobProducer

  beforeAll(async () => {
    orm = await openDatabase({
      url: `sqlite:${join(directory, 'worker.sqlite')}`,
      schema: 'worker_test',
      entities: [],
      migrations: [],
      logger,
    })
    producer = new JobProducer(createRedis(testRedisUrl, 'producer'), prefix, logger)
    await producer.connect()
  })
  afterAll(async () => {
    await producer.queue(Queues.FeActiveSdiMessages).obliterate({ force: true })
    await producer.close()
    await orm.close()
    rmSync(directory, { recursive: true, force: true })
  })

  it('runs a job that asks to wait again later, more times than its attempts, without failing it', async () => {
    const deferrals = Jobs['sdi.message.apply'].attempts + 5
    let calls = 0
    let done: () => void = () => {}
    const completed = new Promise<void>((resolve) => {
      done = resolve
    })
    const worker = startWorker({
      queue: Queues.FeActiveSdiMessages,
      redisUrl: testRedisUrl,
      prefix,
      orm,
      logger,
      transactional: false,
      handlers: {
        'sdi.message.apply': async () => {
          calls++
          if (calls <= deferrals) throw new RetryJobLaterError('waiting for the call to conclude', 10)
          done()
        },
      },
    })
    try {
      const [jobId] = await producer.enqueueMany([{ name: 'sdi.message.apply', data: { v: 1, messageId: randomUUID() } }])
      await completed
      expect(calls).toBe(deferrals + 1)
      const job = await producer.queue(Queues.FeActiveSdiMessages).getJob(jobId as string)
      for (let wait = 0; wait < 100 && !(await job?.isCompleted()); wait++) await new Promise((resolve) => setTimeout(resolve, 20))
      expect(await job?.getState()).toBe('completed')
      expect(job?.attemptsMade).toBeLessThanOrEqual(1)
    } finally {
      await worker.close()
    }
  })
})
