import { randomUUID } from 'node:crypto'
import {
  type JobHandler,
  type JobProducer,
  type Logger,
  type Orm,
  type PeriodicTask,
  Queues,
  type RunningWorker,
  startPeriodicTask,
  startWorker,
} from '@fatturapa-hub/shared'
import { UniqueConstraintViolationException } from '@mikro-orm/core'
import { toInvoiceChange } from '../events/payload.js'
import { Invoice, InvoiceEvent } from '../invoices/invoice.entity.js'
import { type AttemptOutcome, postWebhook } from './post.js'
import { WebhookDelivery, WebhookDeliveryAttempt, WebhookSubscription } from './webhook.entity.js'

export interface WebhookDeliveryOptions {
  /**
   * Pause before automatic attempt n+1 after attempt n failed; the delivery fails after `backoffMs.length + 1`
   * attempts. Default 30 s, 2 min, 10 min, 1 h, 6 h, 12 h, 24 h (8 attempts over about 43 hours).
   */
  backoffMs?: readonly number[]
  /** Timeout of one HTTP attempt. Default 10 s. */
  timeoutMs?: number
  /** Pause between sweeps for due attempts whose job is missing. Default 30 s. */
  sweepIntervalMs?: number
  /** How late an attempt must be before the sweeper re-queues it. Default 60 s. */
  sweepGraceMs?: number
  /** Deliver to loopback, private and other non-public addresses too (WEBHOOK_ALLOW_PRIVATE_NETWORKS). Default false. */
  allowPrivateNetworks?: boolean
}

export const defaultBackoffMs: readonly number[] = [30_000, 120_000, 600_000, 3_600_000, 21_600_000, 43_200_000, 86_400_000]

/**
 * `webhook.deliver`: one attempt of a delivery. Runs without a surrounding transaction (the HTTP call must not hold
 * one open): the attempt is logged and the delivery moved on in one short transaction after the call, only if the
 * delivery still expects this attempt number; a stale job (already done, superseded by a manual redelivery) does
 * nothing. Delivery is at least once: a crash after the call and before the commit repeats the call.
 */
export function createDeliverHandler(producer: JobProducer, options: WebhookDeliveryOptions = {}): JobHandler<'webhook.deliver'> {
  const backoff = options.backoffMs ?? defaultBackoffMs
  const post = { timeoutMs: options.timeoutMs ?? 10_000, allowPrivateNetworks: options.allowPrivateNetworks ?? false }
  return async (data, { em, log }) => {
    const delivery = await em.findOne(WebhookDelivery, { id: data.deliveryId })
    if (delivery === null || delivery.nextAttempt !== data.attempt) {
      log.info({ deliveryId: data.deliveryId, attempt: data.attempt }, 'webhook attempt is stale, skipped')
      return
    }
    const manual = delivery.nextAttemptManual
    const subscription = await em.findOne(WebhookSubscription, { id: delivery.subscriptionId })
    const event = await em.findOne(InvoiceEvent, { id: delivery.eventId })
    const startedAt = new Date()
    let outcome: AttemptOutcome
    if (subscription === null || event === null) {
      outcome = { success: false, statusCode: null, responseExcerpt: null, error: 'subscription or event missing', durationMs: 0 }
    } else if (!subscription.active && !manual) {
      outcome = { success: false, statusCode: null, responseExcerpt: null, error: 'subscription deactivated', durationMs: 0 }
    } else {
      const invoice = await em.findOne(Invoice, { id: event.invoiceId })
      const body = JSON.stringify(toInvoiceChange(event, invoice))
      outcome = await postWebhook(subscription.url, subscription.secret, delivery.id, body, post)
    }
    const gaveUp =
      !outcome.success &&
      (data.attempt > backoff.length || subscription === null || event === null || !subscription.active || outcome.permanent === true)
    const next = outcome.success || gaveUp ? null : data.attempt + 1
    const finishedAt = new Date()
    const nextAttemptAt = next === null ? null : new Date(finishedAt.getTime() + (backoff[data.attempt - 1] ?? backoff.at(-1) ?? 0))
    let moved = false
    try {
      moved = await em.fork().transactional(async (tx) => {
        tx.persist(
          tx.create(WebhookDeliveryAttempt, {
            id: randomUUID(),
            deliveryId: delivery.id,
            attempt: data.attempt,
            manual,
            startedAt,
            durationMs: outcome.durationMs,
            statusCode: outcome.statusCode,
            responseExcerpt: outcome.responseExcerpt,
            error: outcome.error,
            success: outcome.success,
          }),
        )
        await tx.flush()
        const changed = await tx.nativeUpdate(
          WebhookDelivery,
          { id: delivery.id, nextAttempt: data.attempt },
          {
            status: outcome.success ? 'delivered' : next === null ? 'failed' : 'pending',
            lastAttempt: data.attempt,
            nextAttempt: next,
            nextAttemptAt,
            nextAttemptManual: false,
            lastStatusCode: outcome.statusCode,
            ...(outcome.success ? { deliveredAt: finishedAt } : {}),
            updatedAt: finishedAt,
          },
        )
        return changed > 0
      })
    } catch (error) {
      // The same attempt run twice (a stalled job): the first one logged it.
      if (error instanceof UniqueConstraintViolationException) return
      throw error
    }
    log.info(
      { deliveryId: delivery.id, attempt: data.attempt, success: outcome.success, statusCode: outcome.statusCode, next },
      'webhook attempt',
    )
    if (moved && next !== null && nextAttemptAt !== null) {
      try {
        await producer.enqueue(
          'webhook.deliver',
          { v: 1, deliveryId: delivery.id, attempt: next },
          { delayMs: Math.max(1, nextAttemptAt.getTime() - Date.now()) },
        )
      } catch (error) {
        log.warn({ err: error, deliveryId: delivery.id }, 'next webhook attempt not queued; the sweeper will queue it')
      }
    }
  }
}

/**
 * Re-queues attempts that are due (by more than the grace period) but whose job is missing: lost to a crash between
 * a commit and its enqueue, to Redis being down, or left failed after the job's own retries.
 */
export function createDeliverySweeper(deps: { orm: Orm; producer: JobProducer; logger: Logger }, options: WebhookDeliveryOptions = {}) {
  const graceMs = options.sweepGraceMs ?? 60_000
  return async (): Promise<number> => {
    const due = await deps.orm.em
      .fork()
      .find(
        WebhookDelivery,
        { status: 'pending', nextAttempt: { $ne: null }, nextAttemptAt: { $lte: new Date(Date.now() - graceMs) } },
        { orderBy: { nextAttemptAt: 'asc' }, limit: 500 },
      )
    const queue = deps.producer.queue(Queues.FeActiveWebhooks)
    let requeued = 0
    for (const delivery of due) {
      const attempt = delivery.nextAttempt as number
      const job = await queue.getJob(`webhook-${delivery.id}-${attempt}`)
      if (job) {
        const state = await job.getState()
        if (state !== 'completed' && state !== 'failed') continue
        await job.remove()
      }
      await deps.producer.enqueue('webhook.deliver', { v: 1, deliveryId: delivery.id, attempt })
      requeued++
    }
    if (requeued > 0) deps.logger.warn({ requeued }, 'webhook attempts re-queued by the sweeper')
    return requeued
  }
}

export interface WebhookWorkerDeps {
  orm: Orm
  producer: JobProducer
  logger: Logger
  redisUrl: string
  prefix: string
}

/** The queue consumer of the deliveries and the sweeper, as the worker role runs them. */
export function startWebhookWorkers(deps: WebhookWorkerDeps, options: WebhookDeliveryOptions = {}): [RunningWorker, PeriodicTask] {
  const worker = startWorker({
    queue: Queues.FeActiveWebhooks,
    handlers: { 'webhook.deliver': createDeliverHandler(deps.producer, options) },
    redisUrl: deps.redisUrl,
    prefix: deps.prefix,
    orm: deps.orm,
    logger: deps.logger,
    // An HTTP call to the ERP: no transaction held open around it.
    transactional: false,
    concurrency: 8,
  })
  const sweeper = startPeriodicTask({
    name: 'fe-active.webhook-sweeper',
    intervalMs: options.sweepIntervalMs ?? 30_000,
    run: createDeliverySweeper(deps, options),
    logger: deps.logger,
  })
  return [worker, sweeper]
}
