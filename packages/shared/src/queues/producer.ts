import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { AppError, ErrorCodes } from '../errors.js'
import { withTimeout } from '../timeout.js'
import { type JobData, type JobName, Jobs, type QueueName } from './contract.js'
import { connectRedis } from './redis.js'
import { payloadErrors } from './validation.js'

const addTimeoutMs = 5000

export const retention = {
  removeOnComplete: { age: 24 * 3600, count: 5000 },
  // Failed jobs are evidence: kept for 30 days, bounded so a storm of failures cannot fill Redis.
  removeOnFail: { age: 30 * 24 * 3600, count: 50000 },
}

export class InvalidJobPayloadError extends Error {
  constructor(
    readonly job: string,
    readonly problems: string[],
  ) {
    super(`invalid payload for job ${job}: ${problems.join('; ')}`)
    this.name = 'InvalidJobPayloadError'
  }
}

/** One job for `enqueueMany`: a job of the catalogue and its payload. */
export type JobRequest = { [N in JobName]: { name: N; data: JobData<N> } }[JobName]

export interface EnqueueOptions {
  delayMs?: number
  /**
   * A job with this id that failed for good is retried instead of the add being a no-op (BullMQ keeps failed jobs,
   * and their ids, for `retention.removeOnFail`). For sweepers that find work a failed job left undone.
   */
  retryFailed?: boolean
}

/** Adds jobs of the catalogue to their queues; one producer per process, closed on shutdown. */
export class JobProducer {
  private readonly queues = new Map<QueueName, Queue>()

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error (producer)'))
  }

  async connect(): Promise<void> {
    await connectRedis(this.redis)
  }

  /**
   * Starts connecting without waiting: a service boots while Redis is down, reports not-ready, answers
   * 503 to calls that need a queue, and recovers by itself when Redis comes back.
   */
  connectInBackground(): void {
    connectRedis(this.redis).catch((error) => this.logger.warn({ err: error }, 'redis unavailable at start; retrying in background'))
  }

  async enqueue<N extends JobName>(name: N, data: JobData<N>, options: EnqueueOptions = {}): Promise<string> {
    const job = this.checkedJob({ name, data } as JobRequest, options)
    this.assertConnected(name, job.opts.jobId)
    const queue = this.queue(Jobs[name].queue)
    try {
      if (options.retryFailed) {
        const existing = await withTimeout(queue.getJob(job.opts.jobId), addTimeoutMs, `read job ${job.opts.jobId}`)
        if (existing !== undefined && (await existing.isFailed())) {
          await withTimeout(existing.retry('failed'), addTimeoutMs, `retry ${name}`)
          this.logger.warn({ job: name, jobId: job.opts.jobId }, 'failed job retried')
          return job.opts.jobId
        }
      }
      await withTimeout(queue.add(name, data, job.opts), addTimeoutMs, `enqueue ${name}`)
    } catch (error) {
      this.logger.error({ err: error, job: name, jobId: job.opts.jobId }, 'could not enqueue job')
      throw new AppError(ErrorCodes.ServiceUnavailable, 503, 'The job queue is unavailable; retry later.')
    }
    return job.opts.jobId
  }

  /**
   * Adds several jobs with one round trip per queue (BullMQ addBulk), for relays that publish batches: every
   * payload is checked first, so an invalid one adds nothing. A failure may leave some of the jobs added; their
   * deterministic ids make adding them all again safe.
   */
  async enqueueMany(jobs: ReadonlyArray<JobRequest>): Promise<string[]> {
    const checked = jobs.map((job) => this.checkedJob(job, {}))
    const byQueue = new Map<QueueName, typeof checked>()
    for (const job of checked) {
      const queue = Jobs[job.name].queue
      byQueue.set(queue, [...(byQueue.get(queue) ?? []), job])
    }
    for (const [queue, queued] of byQueue) {
      this.assertConnected(queued[0]?.name as JobName, queued[0]?.opts.jobId as string)
      try {
        await withTimeout(this.queue(queue).addBulk(queued), addTimeoutMs, `enqueue ${queued.length} jobs on ${queue}`)
      } catch (error) {
        this.logger.error({ err: error, queue, jobs: queued.length }, 'could not enqueue jobs')
        throw new AppError(ErrorCodes.ServiceUnavailable, 503, 'The job queue is unavailable; retry later.')
      }
    }
    return checked.map((job) => job.opts.jobId)
  }

  private checkedJob(job: JobRequest, options: EnqueueOptions) {
    const { name, data } = job
    const definition = Jobs[name]
    const problems = payloadErrors(name, data)
    if (problems.length > 0) throw new InvalidJobPayloadError(name, problems)
    const jobId = (definition.jobId as (data: unknown) => string)(data)
    if (jobId.includes(':') || /^\d+$/.test(jobId)) throw new Error(`job id ${jobId} of ${name} must not contain ':' nor be all digits`)
    return {
      name,
      data,
      opts: {
        jobId,
        attempts: definition.attempts,
        backoff: { type: 'exponential', delay: definition.backoffMs },
        ...(options.delayMs ? { delay: options.delayMs } : {}),
        ...retention,
      },
    }
  }

  // BullMQ waits for the first connection before any command, whatever the offline-queue setting,
  // so an HTTP path checks the connection itself and bounds the add.
  private assertConnected(name: JobName, jobId: string): void {
    if (this.redis.status !== 'ready') {
      this.logger.error({ job: name, jobId, redis: this.redis.status }, 'could not enqueue job: redis not connected')
      throw new AppError(ErrorCodes.ServiceUnavailable, 503, 'The job queue is unavailable; retry later.')
    }
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name)
    if (!queue) {
      queue = new Queue(name, { connection: this.redis, prefix: this.prefix })
      queue.on('error', (error) => this.logger.error({ err: error, queue: name }, 'queue error'))
      this.queues.set(name, queue)
    }
    return queue
  }

  async ping(): Promise<void> {
    await this.redis.ping()
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()))
    this.redis.disconnect()
  }
}
