import type { EntityManager } from '@mikro-orm/knex'
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq'
import type { Logger } from 'pino'
import type { Orm } from '../db/orm.js'
import { ProcessedJob } from '../db/processed-job.js'
import { type JobData, Jobs, type JobsOfQueue, type QueueName } from './contract.js'
import { createRedis } from './redis.js'
import { isJobName, payloadErrors } from './validation.js'

export interface JobContext {
  /** A fork of the service's EntityManager, inside the transaction that also records the job as processed. */
  em: EntityManager
  log: Logger
  job: Job
}

/**
 * Thrown by a handler whose job cannot run yet because it waits for something another job commits: the job runs
 * again after `delayMs` without spending one of its attempts, so a wait of unknown length is not stretched by the
 * exponential backoff meant for failures. The handler bounds the wait itself (by the age of what it waits for).
 */
export class RetryJobLaterError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message)
    this.name = 'RetryJobLaterError'
  }
}

export type JobHandler<N extends JobsOfQueue<QueueName>> = (data: JobData<N>, context: JobContext) => Promise<void>

/** A handler for every job routed to the queue: forgetting one is a compile error. */
export type QueueHandlers<Q extends QueueName> = { [N in JobsOfQueue<Q>]: JobHandler<N> }

export interface StartWorkerOptions<Q extends QueueName> {
  queue: Q
  handlers: QueueHandlers<Q>
  redisUrl: string
  prefix: string
  orm: Orm
  logger: Logger
  concurrency?: number
  /**
   * Default true: each job runs in one transaction with its `processed_job` row. False for handlers that call
   * other systems between their own commits (an SDI transmission must not hold a transaction open during the
   * call): they get a plain fork and are idempotent by their own records.
   */
  transactional?: boolean
  /**
   * With `transactional: false`: the job id is still recorded in `processed_job`, after the handler succeeded,
   * and a recorded job is skipped; for handlers whose effect outside the database (a mail) must happen once even
   * when the same job id is published again after BullMQ forgot the completed job.
   */
  recordProcessed?: boolean
}

/**
 * Consumes one queue. Payloads are validated before any handler runs: a payload that does not match the
 * contract fails permanently (UnrecoverableError, no retry) and stays in the failed set for inspection.
 * Each job runs in one transaction together with its row in `processed_job`, so a redelivered job
 * (stalled worker, crash after commit) is skipped instead of applied twice.
 */
export interface RunningWorker {
  /** The queue consumer's name, or the name of a periodic loop of the worker role (a relay, a sweeper). */
  name: string
  /** Waits for active jobs to finish, then disconnects. */
  close(): Promise<void>
}

/**
 * A worker that dies (kill -9, OOM) leaves its active jobs locked until the lock expires; another worker then puts
 * them back in the queue. BullMQ's defaults (30 s lock, checked every 30 s) let such a job wait up to a minute,
 * long enough for an SDI message to miss the reconciliation wait of its transmission. The lock is renewed every
 * half lock while the job runs, so only an event loop blocked for 10 s would be taken for a dead worker (and the
 * handlers are idempotent). A job found stalled three times fails, for a person to look at.
 */
const stalledJobRecovery = { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 3 }

export function startWorker<Q extends QueueName>(options: StartWorkerOptions<Q>): RunningWorker {
  const connection = createRedis(options.redisUrl, 'worker')
  const log = options.logger.child({ queue: options.queue })
  connection.on('error', (error) => log.warn({ err: error }, 'redis connection error (worker)'))
  const handlers = options.handlers as Record<string, JobHandler<never>>
  const worker = new Worker(
    options.queue,
    async (job: Job, token?: string) => {
      const jobLog = log.child({ jobId: job.id, job: job.name, reqId: (job.data as { requestId?: string })?.requestId })
      try {
        await runJob(job, jobLog)
      } catch (error) {
        if (!(error instanceof RetryJobLaterError) || token === undefined) throw error
        jobLog.info({ delayMs: error.delayMs, reason: error.message }, 'job postponed')
        await job.moveToDelayed(Date.now() + error.delayMs, token)
        throw new DelayedError()
      }
    },
    {
      connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 4,
      autorun: true,
      ...stalledJobRecovery,
    },
  )
  async function runJob(job: Job, jobLog: Logger): Promise<void> {
    if (!isJobName(job.name) || Jobs[job.name].queue !== options.queue || !handlers[job.name]) {
      throw new UnrecoverableError(`no handler for job ${job.name} on queue ${options.queue}`)
    }
    const problems = payloadErrors(job.name, job.data)
    if (problems.length > 0) {
      jobLog.error({ problems }, 'job payload rejected')
      throw new UnrecoverableError(`invalid payload: ${problems.join('; ')}`)
    }
    const handler = handlers[job.name] as unknown as JobHandler<JobsOfQueue<Q>>
    const jobId = String(job.id)
    const processedRow = () => ({ jobId, queue: options.queue, name: job.name, processedAt: new Date() })
    if (options.transactional === false) {
      const em = options.orm.em.fork()
      if (options.recordProcessed && (await em.findOne(ProcessedJob, { jobId }))) {
        jobLog.info({ attempt: job.attemptsMade + 1, skipped: true }, 'job already processed, skipped')
        return
      }
      await handler(job.data as JobData<JobsOfQueue<Q>>, { em, log: jobLog, job })
      if (options.recordProcessed) {
        await em.fork().upsert(ProcessedJob, processedRow())
      }
      jobLog.info({ attempt: job.attemptsMade + 1 }, 'job processed')
      return
    }
    const processed = await options.orm.em.fork().transactional(async (em) => {
      if (await em.findOne(ProcessedJob, { jobId })) return false
      await handler(job.data as JobData<JobsOfQueue<Q>>, { em, log: jobLog, job })
      em.persist(em.create(ProcessedJob, processedRow()))
      return true
    })
    jobLog.info({ attempt: job.attemptsMade + 1, skipped: !processed }, processed ? 'job processed' : 'job already processed, skipped')
  }
  worker.on('failed', (job, error) => {
    log.warn({ jobId: job?.id, job: job?.name, attemptsMade: job?.attemptsMade, err: error }, 'job failed')
  })
  worker.on('error', (error) => log.error({ err: error }, 'worker error'))
  return {
    name: worker.name,
    async close() {
      await worker.close()
      connection.disconnect()
    },
  }
}
