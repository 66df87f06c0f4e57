import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { AppError, ErrorCodes } from '../errors.js'
import { type JobData, type JobName, Jobs, type QueueName } from './contract.js'
import { connectRedis } from './redis.js'
import { payloadErrors } from './validation.js'

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

export interface EnqueueOptions {
  delayMs?: number
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

  async enqueue<N extends JobName>(name: N, data: JobData<N>, options: EnqueueOptions = {}): Promise<string> {
    const definition = Jobs[name]
    const problems = payloadErrors(name, data)
    if (problems.length > 0) throw new InvalidJobPayloadError(name, problems)
    const jobId = (definition.jobId as (data: JobData<N>) => string)(data)
    if (jobId.includes(':') || /^\d+$/.test(jobId)) throw new Error(`job id ${jobId} of ${name} must not contain ':' nor be all digits`)
    try {
      await this.queue(definition.queue).add(name, data, {
        jobId,
        attempts: definition.attempts,
        backoff: { type: 'exponential', delay: definition.backoffMs },
        ...(options.delayMs ? { delay: options.delayMs } : {}),
        ...retention,
      })
    } catch (error) {
      this.logger.error({ err: error, job: name, jobId }, 'could not enqueue job')
      throw new AppError(ErrorCodes.ServiceUnavailable, 503, 'The job queue is unavailable; retry later.')
    }
    return jobId
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
