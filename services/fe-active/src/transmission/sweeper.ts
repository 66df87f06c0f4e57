import { SdiInboundMessage } from '@fatturapa-hub/sdi-channel'
import type { JobProducer, Logger, Orm } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/knex'
import { Invoice } from '../invoices/invoice.entity.js'
import { InvoiceState } from '../invoices/state/index.js'
import { SdiTransmission } from './transmission.entity.js'
import type { InvoiceTransmitter } from './transmit.js'

export interface SweepOptions {
  orm: Orm
  producer: JobProducer
  transmitter: InvoiceTransmitter
  logger: Logger
  /** A `sending` row older than this has no call behind it any more (twice the SDI timeout plus a margin). */
  unansweredAfterMs: number
  /** SDI messages are left to their own job this long before the sweeper queues them again. */
  messageGraceMs: number
  /** Likewise invoices that became DA INVIARE (their job was queued after the commit); retries are due at once. Default 0. */
  transmissionGraceMs?: number
  batchSize?: number
  /** What this process queued lately (see RecentlyQueued); without it every pass queues every due item again. */
  recentlyQueued?: RecentlyQueued
}

/**
 * The jobs this process's sweeper queued lately. Under a backlog every due invoice and unapplied message already
 * has its job waiting; queuing it again at every pass is a no-op for BullMQ but a Redis round trip each, up to a
 * batch per pass, which cost more CPU than transmitting. An item is queued again once `requeueAfterMs` has
 * passed, in case its job was lost (Redis restarted without persistence, say).
 */
export class RecentlyQueued {
  private readonly queuedAt = new Map<string, number>()

  constructor(private readonly requeueAfterMs: number) {}

  /** Whether to queue the job `key` now; records it when so. */
  claim(key: string, now: number): boolean {
    const last = this.queuedAt.get(key)
    if (last !== undefined && now - last < this.requeueAfterMs) return false
    this.queuedAt.set(key, now)
    return true
  }

  /** The job could not be queued after all: the next pass tries again. */
  release(key: string): void {
    this.queuedAt.delete(key)
  }

  /** Forgets what is old enough to be queued again (the map holds at most a window's worth of keys). */
  prune(now: number): void {
    for (const [key, at] of this.queuedAt) if (now - at >= this.requeueAfterMs) this.queuedAt.delete(key)
  }
}

export interface SweepResult {
  unanswered: number
  transmissionsQueued: number
  messagesQueued: number
}

/**
 * One pass of the transmission sweeper: whatever a crash or a Redis outage left behind is picked up here, so the
 * jobs queued after commits are a fast path only. Queued jobs carry deterministic ids: queuing one that is still
 * waiting is a no-op, one that failed for good (a database outage longer than its retries) is retried, and the
 * handlers are idempotent for the rest.
 */
export async function sweepTransmissions(options: SweepOptions): Promise<SweepResult> {
  const limit = options.batchSize ?? 500
  const em = options.orm.em.fork() as EntityManager
  const now = Date.now()
  const result: SweepResult = { unanswered: 0, transmissionsQueued: 0, messagesQueued: 0 }
  const recent = options.recentlyQueued
  recent?.prune(now)
  const queueUnlessRecent = async (key: string, enqueue: () => Promise<unknown>): Promise<boolean> => {
    if (recent && !recent.claim(key, now)) return false
    try {
      await enqueue()
    } catch (error) {
      recent?.release(key)
      throw error
    }
    return true
  }

  const stale = await em.find(
    SdiTransmission,
    { status: 'sending', startedAt: { $lt: new Date(now - options.unansweredAfterMs) } },
    { fields: ['id'], limit },
  )
  for (const transmission of stale) {
    if (await options.transmitter.declareUnanswered(transmission.id)) result.unanswered++
  }

  const due = await em.find(
    Invoice,
    {
      $or: [
        { state: InvoiceState.DaInviare, nextActionAt: { $lte: new Date(now - (options.transmissionGraceMs ?? 0)) } },
        { state: InvoiceState.ErroreInInvio, nextActionAt: { $lte: new Date(now) } },
      ],
    },
    { fields: ['id', 'transmissionAttempts'], orderBy: { nextActionAt: 'asc' }, limit },
  )
  for (const invoice of due) {
    const attempt = invoice.transmissionAttempts + 1
    const data = { v: 1, invoiceId: invoice.id, attempt } as const
    if (
      await queueUnlessRecent(`transmit:${invoice.id}:${attempt}`, () =>
        options.producer.enqueue('invoice.transmit', data, { retryFailed: true }),
      )
    ) {
      result.transmissionsQueued++
    }
  }

  // Through the query builder, so the date parameter is converted as the driver stores dates.
  const pending = await em
    .createQueryBuilder(SdiInboundMessage, 'm')
    .select('m.id')
    .where({ channel: 'trasmissione', receivedAt: { $lt: new Date(now - options.messageGraceMs) } })
    .andWhere('not exists (select 1 from sdi_message_application a where a.message_id = m.id)')
    .orderBy({ receivedAt: 'asc' })
    .limit(limit)
    .getResultList()
  for (const row of pending) {
    const data = { v: 1, messageId: row.id } as const
    if (await queueUnlessRecent(`apply:${row.id}`, () => options.producer.enqueue('sdi.message.apply', data, { retryFailed: true })))
      result.messagesQueued++
  }
  if (result.unanswered + result.transmissionsQueued + result.messagesQueued > 0) {
    options.logger.debug(result, 'transmission sweep')
  }
  return result
}
