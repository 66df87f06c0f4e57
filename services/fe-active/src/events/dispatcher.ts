import { randomUUID } from 'node:crypto'
import {
  type JobProducer,
  type JobRequest,
  type Logger,
  type Orm,
  type PeriodicTask,
  startPeriodicTask,
  usesPostgres,
} from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/knex'
import { ClientReplica } from '../clients/client-replica.entity.js'
import { Invoice, InvoiceEvent } from '../invoices/invoice.entity.js'
import type { InvoiceEffect } from '../invoices/state/index.js'
import { loadStudioSettings, type StudioSettingsValues } from '../settings/studio-settings.entity.js'
import { WebhookDelivery, WebhookSubscription } from '../webhooks/webhook.entity.js'
import { notificationMessage, notifiedStates } from './notification.js'
import { isStateChange } from './payload.js'

export interface EventDispatcherOptions {
  /** Events taken per transaction. Default 500. */
  batchSize?: number
  /** Pause between passes of the periodic task. Default 200 ms. */
  intervalMs?: number
}

export interface EventDispatcherDeps {
  orm: Orm
  producer: JobProducer
  logger: Logger
}

/** Key of the PostgreSQL advisory lock that serialises the feed position assignment across dispatcher replicas. */
const feedLockKey = 718_2026_1218

export interface EventDispatcher {
  /**
   * One pass: re-publishes events that got their feed position but whose publication did not finish (a crash, Redis
   * down), then assigns positions to the committed new events batch by batch and publishes them. Throws when a
   * publication fails; the rows stay undispatched and the next pass retries them.
   */
  runOnce(): Promise<{ assigned: number; published: number }>
}

/**
 * The outbox relay of `invoice_event`. In one transaction, serialised across replicas (an advisory lock on
 * PostgreSQL; SQLite has a single writer), committed events without a feed position get consecutive `feedSeq` values
 * after the highest one and their webhook deliveries are created (unique per subscription and event). After the
 * commit, each event is published (first webhook attempts, domain events for conservazione and liquidazioni, the
 * e-mail to the studio's notification class) and only then marked `dispatchedAt`. Every job has a deterministic id,
 * so publishing an event again after a crash queues nothing twice.
 */
export function createEventDispatcher(deps: EventDispatcherDeps, options: EventDispatcherOptions = {}): EventDispatcher {
  const batchSize = options.batchSize ?? 500
  const postgres = usesPostgres(deps.orm.config)
  const log = deps.logger.child({ component: 'event-dispatcher' })

  async function assignBatch(): Promise<InvoiceEvent[]> {
    return deps.orm.em.fork().transactional(async (em) => {
      if (postgres) await em.execute('select pg_advisory_xact_lock(?)', [feedLockKey])
      // Read after the lock: a replica that held it has committed, so its positions and rows are visible here.
      const events = await em.find(InvoiceEvent, { feedSeq: null }, { orderBy: { at: 'asc', id: 'asc' }, limit: batchSize })
      if (events.length === 0) return []
      const [row] = await em.execute<Array<{ max: string | number | null }>>('select max(feed_seq) as max from invoice_event')
      let next = BigInt(String(row?.max ?? 0)) + 1n
      for (const event of events) event.feedSeq = String(next++)
      await createDeliveries(em, events)
      return events
    })
  }

  async function createDeliveries(em: EntityManager, events: InvoiceEvent[]): Promise<void> {
    const studios = [...new Set(events.map((event) => event.studioId))]
    const subscriptions = await em.find(WebhookSubscription, { studioId: { $in: studios }, active: true })
    if (subscriptions.length === 0) return
    const now = new Date()
    for (const event of events) {
      if (!isStateChange(event)) continue
      for (const subscription of subscriptions) {
        if (subscription.studioId !== event.studioId) continue
        if (subscription.states !== null && !subscription.states.includes(event.toState)) continue
        em.create(WebhookDelivery, {
          id: randomUUID(),
          subscriptionId: subscription.id,
          studioId: event.studioId,
          eventId: event.id,
          feedSeq: event.feedSeq as string,
          status: 'pending',
          nextAttempt: 1,
          nextAttemptAt: now,
          createdAt: now,
          updatedAt: now,
        })
      }
    }
  }

  async function publish(events: readonly InvoiceEvent[]): Promise<void> {
    if (events.length === 0) return
    const em = deps.orm.em.fork()
    const ids = events.map((event) => event.id)
    const deliveries = await em.find(WebhookDelivery, { eventId: { $in: ids }, status: 'pending', lastAttempt: 0, nextAttempt: 1 })
    // Queued together after the loop: one round trip per queue for the whole batch.
    const jobs: JobRequest[] = deliveries.map((delivery) => ({
      name: 'webhook.deliver',
      data: { v: 1, deliveryId: delivery.id, attempt: 1 },
    }))

    const invoices = new Map(
      (await em.find(Invoice, { id: { $in: [...new Set(events.map((event) => event.invoiceId))] } })).map((invoice) => [
        invoice.id,
        invoice,
      ]),
    )
    const settings = new Map<string, StudioSettingsValues>()
    for (const event of events) {
      const invoice = invoices.get(event.invoiceId)
      if (invoice === undefined) continue
      for (const kind of domainEventKinds(event)) {
        const data = {
          v: 1 as const,
          // Both facts at once (rare: SDI's id learnt from a final notification) keep distinct ids.
          eventId: kind === 'transmitted' && domainEventKinds(event).length > 1 ? `${event.id}.transmitted` : event.id,
          kind,
          invoiceId: invoice.id,
          studioId: invoice.studioId,
          clientId: invoice.clientId,
          state: event.toState,
          format: invoice.format,
          fileName: invoice.fileName,
          identificativoSdI: invoice.identificativoSdI,
          numero: invoice.numero,
          dataDocumento: invoice.dataDocumento,
          importoTotale: invoice.importoTotale,
          occurredAt: new Date(event.at).toISOString(),
        }
        jobs.push({ name: 'conservazione.active-invoice', data }, { name: 'liquidazioni.active-invoice', data })
      }
      // Imported history is old news to the studio: its outcomes were notified where the invoice was sent.
      if (event.details.stateChanged === true && event.details.imported !== true && notifiedStates.has(event.toState)) {
        let studio = settings.get(event.studioId)
        if (studio === undefined) {
          studio = await loadStudioSettings(em, event.studioId)
          settings.set(event.studioId, studio)
        }
        if (studio.notificationUserClass !== null) {
          const client = await em.findOne(ClientReplica, { clientId: invoice.clientId })
          const message = notificationMessage({ invoice, state: event.toState, cedenteDenominazione: client?.denominazione ?? null })
          jobs.push({
            name: 'studio.notification',
            data: {
              v: 1,
              notificationId: event.id,
              studioId: event.studioId,
              userClass: studio.notificationUserClass,
              ...message,
              resource: { type: 'invoice', id: invoice.id },
            },
          })
        }
      }
    }
    await deps.producer.enqueueMany(jobs)
    await em.nativeUpdate(InvoiceEvent, { id: { $in: ids } }, { dispatchedAt: new Date() })
  }

  return {
    async runOnce() {
      let published = 0
      // Left behind by an earlier pass (a crash or Redis down after the commit of the positions).
      for (;;) {
        const pending = await deps.orm.em
          .fork()
          .find(InvoiceEvent, { feedSeq: { $ne: null }, dispatchedAt: null }, { orderBy: { feedSeq: 'asc' }, limit: batchSize })
        await publish(pending)
        published += pending.length
        if (pending.length < batchSize) break
      }
      let assigned = 0
      for (;;) {
        const events = await assignBatch()
        assigned += events.length
        await publish(events)
        published += events.length
        if (events.length < batchSize) break
      }
      if (assigned > 0 || published > 0) log.debug({ assigned, published }, 'invoice events dispatched')
      return { assigned, published }
    },
  }
}

/** The domain facts an event carries: SDI took the file (its IdentificativoSdI became known), an SDI outcome is final. */
export function domainEventKinds(event: Pick<InvoiceEvent, 'details'>): Array<'transmitted' | 'final-state'> {
  const kinds: Array<'transmitted' | 'final-state'> = []
  if (event.details.transmitted === true) kinds.push('transmitted')
  const effects = Array.isArray(event.details.effects) ? (event.details.effects as InvoiceEffect[]) : []
  if (effects.some((effect) => effect?.kind === 'final-outcome')) kinds.push('final-state')
  return kinds
}

/** The dispatcher as a loop of the worker role. */
export function startEventDispatcher(deps: EventDispatcherDeps, options: EventDispatcherOptions = {}): PeriodicTask {
  const dispatcher = createEventDispatcher(deps, options)
  return startPeriodicTask({
    name: 'fe-active.invoice-event-dispatcher',
    intervalMs: options.intervalMs ?? 200,
    run: () => dispatcher.runOnce(),
    logger: deps.logger,
  })
}
