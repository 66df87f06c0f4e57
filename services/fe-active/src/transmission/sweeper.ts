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
  batchSize?: number
}

export interface SweepResult {
  unanswered: number
  transmissionsQueued: number
  messagesQueued: number
}

/**
 * One pass of the transmission sweeper: whatever a crash or a Redis outage left behind is picked up here, so the
 * jobs queued after commits are a fast path only. Queued jobs carry deterministic ids: queuing one that is still
 * waiting is a no-op, and the handlers are idempotent for the rest.
 */
export async function sweepTransmissions(options: SweepOptions): Promise<SweepResult> {
  const limit = options.batchSize ?? 500
  const em = options.orm.em.fork() as EntityManager
  const now = Date.now()
  const result: SweepResult = { unanswered: 0, transmissionsQueued: 0, messagesQueued: 0 }

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
    { nextActionAt: { $lte: new Date(now) }, state: { $in: [InvoiceState.DaInviare, InvoiceState.ErroreInInvio] } },
    { fields: ['id', 'transmissionAttempts'], orderBy: { nextActionAt: 'asc' }, limit },
  )
  for (const invoice of due) {
    await options.producer.enqueue('invoice.transmit', { v: 1, invoiceId: invoice.id, attempt: invoice.transmissionAttempts + 1 })
    result.transmissionsQueued++
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
    await options.producer.enqueue('sdi.message.apply', { v: 1, messageId: row.id })
    result.messagesQueued++
  }
  if (result.unanswered + result.transmissionsQueued + result.messagesQueued > 0) {
    options.logger.debug(result, 'transmission sweep')
  }
  return result
}
