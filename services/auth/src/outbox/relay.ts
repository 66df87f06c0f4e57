import {
  InvalidJobPayloadError,
  type JobData,
  type JobName,
  type JobProducer,
  Jobs,
  type Logger,
  type Orm,
  type RunningWorker,
} from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/core'
import { Client } from '../clients/client.entity.js'
import { clientChangedPayload } from './client-events.js'
import { ClientsBackfillType, OutboxEvent } from './outbox-event.entity.js'

export interface OutboxRelayOptions {
  orm: Orm
  producer: JobProducer
  logger: Logger
  /** How often pending rows are looked for. */
  intervalMs?: number
  batchSize?: number
  /** Sent rows older than this are deleted. */
  retentionMs?: number
  /** Longest wait between attempts while the queue is unreachable. */
  maxBackoffMs?: number
}

export interface RelayRun {
  published: number
  failed: number
  /** The queue could not be reached: the remaining rows stay pending for the next run. */
  interrupted: boolean
}

const backfillPageSize = 500
const purgeEveryMs = 60_000

/**
 * Publishes the outbox rows to their queues in insertion order, and marks them sent. A row is marked only after
 * its job is in Redis: a crash in between publishes it again, which the deterministic job id (and the consumer's
 * version check) makes harmless. While Redis is unreachable the rows stay pending and the relay retries with a
 * backoff, so a change is delayed, never lost. Several relays (replicas of the worker) may run: at worst a job is
 * added twice under the same id.
 */
export class OutboxRelay {
  private readonly log: Logger
  private readonly intervalMs: number
  private readonly batchSize: number
  private readonly retentionMs: number
  private readonly maxBackoffMs: number
  private timer: NodeJS.Timeout | undefined
  private running: Promise<unknown> | undefined
  private stopped = false
  private failures = 0
  private retryAt = 0
  private purgedAt = 0

  constructor(private readonly options: OutboxRelayOptions) {
    this.log = options.logger.child({ component: 'outbox-relay' })
    this.intervalMs = options.intervalMs ?? 1000
    this.batchSize = options.batchSize ?? 100
    this.retentionMs = options.retentionMs ?? 7 * 24 * 3600 * 1000
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000
  }

  /** Runs at once, then every interval; a run never overlaps the previous one. */
  start(): void {
    const tick = () => {
      if (this.stopped) return
      if (Date.now() >= this.retryAt) {
        this.running = this.runOnce()
          .catch((error) => {
            this.onFailure()
            this.log.error({ err: error }, 'outbox relay run failed')
          })
          .finally(() => {
            this.running = undefined
          })
      }
      void (this.running ?? Promise.resolve()).then(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs)
      })
    }
    tick()
  }

  /** Publishes every pending row, in order, until none is left or the queue cannot be reached. */
  async runOnce(): Promise<RelayRun> {
    const result: RelayRun = { published: 0, failed: 0, interrupted: false }
    for (;;) {
      const em = this.options.orm.em.fork()
      const rows = await em.find(OutboxEvent, { status: 'pending' }, { orderBy: { id: 'asc' }, limit: this.batchSize })
      if (rows.length === 0) break
      for (const row of rows) {
        if (this.stopped) return { ...result, interrupted: true }
        const outcome = row.type === ClientsBackfillType ? await this.expandBackfill(row) : await this.publish(em, row)
        if (outcome === 'published') result.published++
        else if (outcome === 'failed') result.failed++
        else {
          result.interrupted = true
          this.onFailure()
          return result
        }
      }
    }
    this.failures = 0
    this.retryAt = 0
    await this.purge()
    return result
  }

  async close(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.running
  }

  /** The relay as one of the worker role's processes, closed with the queue consumers. */
  asRunningWorker(): RunningWorker {
    return { name: 'outbox-relay', close: () => this.close() }
  }

  private async publish(em: EntityManager, row: OutboxEvent): Promise<'published' | 'failed' | 'unreachable'> {
    const now = new Date()
    if (!Object.hasOwn(Jobs, row.type)) return this.markFailed(em, row, `unknown job ${row.type}`)
    try {
      await this.options.producer.enqueue(row.type as JobName, row.payload as JobData<JobName>)
    } catch (error) {
      if (error instanceof InvalidJobPayloadError) return this.markFailed(em, row, error.message)
      await em.nativeUpdate(OutboxEvent, { id: row.id }, { attempts: row.attempts + 1, lastError: String((error as Error).message) })
      this.log.warn({ outboxId: row.id, type: row.type, attempts: row.attempts + 1 }, 'outbox event not published; will retry')
      return 'unreachable'
    }
    await em.nativeUpdate(OutboxEvent, { id: row.id }, { status: 'sent', sentAt: now, attempts: row.attempts + 1, lastError: null })
    return 'published'
  }

  private async markFailed(em: EntityManager, row: OutboxEvent, reason: string): Promise<'failed'> {
    await em.nativeUpdate(OutboxEvent, { id: row.id }, { status: 'failed', attempts: row.attempts + 1, lastError: reason })
    this.log.error({ outboxId: row.id, type: row.type, reason }, 'outbox event can never be published; marked failed')
    return 'failed'
  }

  /**
   * Replaces a backfill request with one `client.changed` row per client, in one transaction: the snapshots are
   * published next, in order with every other pending row. Their job ids carry the request's id, so they reach the
   * consumers even while jobs of the same versions are still kept in Redis (a consumer rebuilding its replica).
   */
  private async expandBackfill(marker: OutboxEvent): Promise<'published'> {
    const now = new Date()
    const count = await this.options.orm.em.fork().transactional(async (tx) => {
      let total = 0
      let after: string | undefined
      for (;;) {
        const clients = await tx.find(Client, after === undefined ? {} : { id: { $gt: after } }, {
          orderBy: { id: 'asc' },
          limit: backfillPageSize,
        })
        if (clients.length === 0) break
        for (const client of clients) {
          tx.persist(
            tx.create(OutboxEvent, {
              type: 'client.changed',
              payload: clientChangedPayload(client, now, `backfill${marker.id}`),
              createdAt: now,
            }),
          )
        }
        await tx.flush()
        tx.clear()
        total += clients.length
        after = clients[clients.length - 1]?.id
      }
      await tx.nativeUpdate(OutboxEvent, { id: marker.id }, { status: 'sent', sentAt: now, attempts: marker.attempts + 1 })
      return total
    })
    this.log.info({ outboxId: marker.id, clients: count, reason: marker.payload.reason }, 'client backfill queued')
    return 'published'
  }

  private onFailure(): void {
    this.failures++
    this.retryAt = Date.now() + Math.min(this.intervalMs * 2 ** (this.failures - 1), this.maxBackoffMs)
  }

  private async purge(): Promise<void> {
    if (Date.now() - this.purgedAt < purgeEveryMs) return
    this.purgedAt = Date.now()
    const deleted = await this.options.orm.em
      .fork()
      .nativeDelete(OutboxEvent, { status: 'sent', sentAt: { $lt: new Date(Date.now() - this.retentionMs) } })
    if (deleted > 0) this.log.debug({ deleted }, 'sent outbox events purged')
  }
}

/** Starts the relay of auth's outbox: publishes at once and then every second. */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const relay = new OutboxRelay(options)
  relay.start()
  return relay
}
