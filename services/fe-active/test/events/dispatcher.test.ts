// Real: PostgreSQL (a database of its own) and Redis. The dispatcher of invoice events: feed positions in commit
// order, the changes feed, webhook deliveries, domain events and e-mails on the queues, and crash safety.
import { randomUUID } from 'node:crypto'
import { createLogger, createRedis, JobProducer, Permissions, Queues } from '@fatturapa-hub/shared'
import { testRedisPrefix } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createEventDispatcher, type EventDispatcher } from '../../src/events/dispatcher.js'
import { InvoiceEvent } from '../../src/invoices/invoice.entity.js'
import { StudioSettings } from '../../src/settings/studio-settings.entity.js'
import { createDeliverySweeper } from '../../src/webhooks/delivery.js'
import { WebhookDelivery, WebhookSubscription } from '../../src/webhooks/webhook.entity.js'
import { type FeActiveTest, startFeActiveTest } from '../support/fe-active-test.js'
import { eventRow, insertEvent, insertInvoice } from './fixtures.js'

const studioA = randomUUID()
const studioB = randomUUID()
const studioC = randomUUID()
const studioD = randomUUID()
const notificationClass = 'operatori-fatture-attive'

interface ChangesPage {
  items: Array<{ id: string; feedSeq: string; invoice: { id: string; state: string } }>
  nextCursor: string | null
  hasMore: boolean
}

describe('fe-active invoice events: dispatcher, changes feed, domain events and e-mails', () => {
  let test: FeActiveTest
  let dispatcher: EventDispatcher
  let tokenA: string
  let tokenB: string
  let tokenC: string
  const logger = createLogger({ name: 'fe-active-events-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' })

  const get = (token: string, url: string) => test.running.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
  const jobsOf = async (queue: string) => test.running.producer.queue(queue as never).getJobs(['waiting', 'delayed', 'prioritized'])

  async function readFeed(token: string, limit: number): Promise<ChangesPage['items']> {
    const items: ChangesPage['items'] = []
    let cursor: string | null = null
    for (let page = 0; page < 1000; page++) {
      const response = await get(token, `/invoice-changes?limit=${limit}${cursor === null ? '' : `&after=${cursor}`}`)
      expect(response.statusCode).toBe(200)
      const body = response.json() as ChangesPage
      expect(body.items.length).toBeLessThanOrEqual(limit)
      items.push(...body.items)
      if (body.items.length > 0) expect(body.nextCursor).toBe(body.items.at(-1)?.feedSeq)
      cursor = body.nextCursor
      if (!body.hasMore) return items
    }
    throw new Error('feed did not end')
  }

  beforeAll(async () => {
    test = await startFeActiveTest({ logger })
    dispatcher = createEventDispatcher({ orm: test.running.orm, producer: test.running.producer, logger }, { batchSize: 7 })
    const permissions = [Permissions.FeActiveRead]
    tokenA = await test.tokenFor(studioA, permissions)
    tokenB = await test.tokenFor(studioB, permissions)
    tokenC = await test.tokenFor(studioC, permissions)
  })
  afterAll(async () => {
    await test?.close()
  })

  it('lists dispatched events only, in feed order, page by page with cursors, isolated per studio', async () => {
    const invoicesA = [
      await insertInvoice(test.running.orm, { studioId: studioA }),
      await insertInvoice(test.running.orm, { studioId: studioA }),
    ]
    const invoiceB = await insertInvoice(test.running.orm, { studioId: studioB })
    const base = Date.now() - 60_000
    const expectedA: string[] = []
    for (let i = 0; i < 12; i++) {
      const invoice = invoicesA[i % 2] as (typeof invoicesA)[number]
      expectedA.push(
        await insertEvent(test.running.orm, invoice, { fromState: 'DA_INVIARE', toState: 'INVIATA', at: new Date(base + i * 10) }),
      )
      await insertEvent(test.running.orm, invoiceB, { fromState: 'DA_INVIARE', toState: 'INVIATA', at: new Date(base + i * 10 + 5) })
    }
    // Committed but not yet dispatched: not in the feed.
    expect((await get(tokenA, '/invoice-changes')).json()).toEqual({ items: [], nextCursor: null, hasMore: false })

    await dispatcher.runOnce()
    const itemsA = await readFeed(tokenA, 5)
    expect(itemsA.map((item) => item.id)).toEqual(expectedA)
    const seqs = itemsA.map((item) => BigInt(item.feedSeq))
    for (let i = 1; i < seqs.length; i++) expect(seqs[i] as bigint).toBeGreaterThan(seqs[i - 1] as bigint)
    const itemsB = await readFeed(tokenB, 100)
    expect(itemsB).toHaveLength(12)
    expect(itemsB.every((item) => item.invoice.id === invoiceB.id)).toBe(true)
    expect((await get(tokenC, '/invoice-changes')).json().items).toEqual([])

    // Nothing new: the same cursor comes back; new events appear after it.
    const last = itemsA.at(-1)?.feedSeq as string
    expect((await get(tokenA, `/invoice-changes?after=${last}`)).json()).toEqual({ items: [], nextCursor: last, hasMore: false })
    const later = await insertEvent(test.running.orm, invoicesA[0] as (typeof invoicesA)[number], {
      fromState: 'INVIATA',
      toState: 'CONSEGNATA',
    })
    await dispatcher.runOnce()
    const next = (await get(tokenA, `/invoice-changes?after=${last}`)).json() as ChangesPage
    expect(next.items.map((item) => item.id)).toEqual([later])
    expect(next.items[0]).toMatchObject({ type: 'invoice.state_changed', invoice: { state: 'CONSEGNATA', fromState: 'INVIATA' } })

    for (const bad of ['abc', '-1', '1.5', '01', '99999999999999999999']) {
      const response = await get(tokenA, `/invoice-changes?after=${encodeURIComponent(bad)}`)
      expect(response.statusCode).toBe(400)
      expect(response.json()).toMatchObject({ code: 'FEED_CURSOR_INVALID' })
    }
    expect((await get(tokenA, '/invoice-changes?limit=501')).statusCode).toBe(400)
  })

  it('gives every event committed by concurrent transactions exactly one position, while dispatchers run', async () => {
    const invoice = await insertInvoice(test.running.orm, { studioId: studioC })
    const inserted: string[] = []
    let writing = true
    // Two dispatchers (two replicas) loop while 20 transactions of 5 events each commit concurrently.
    const second = createEventDispatcher({ orm: test.running.orm, producer: test.running.producer, logger }, { batchSize: 3 })
    const loops = [dispatcher, second].map(async (replica) => {
      while (writing) {
        await replica.runOnce()
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    })
    await Promise.all(
      Array.from({ length: 20 }, async (_, t) => {
        await test.running.orm.em.fork().transactional(async (em) => {
          for (let i = 0; i < 5; i++) {
            const row = eventRow(invoice, { fromState: 'INVIATA', toState: 'INVIATA', kind: `notification.MT${t}` })
            await em.insert(InvoiceEvent, row)
            inserted.push(row.id)
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 5))
          }
        })
      }),
    )
    writing = false
    await Promise.all(loops)
    await dispatcher.runOnce()

    const items = await readFeed(tokenC, 17)
    expect(items).toHaveLength(100)
    expect(new Set(items.map((item) => item.id))).toEqual(new Set(inserted))
    const seqs = await test.running.orm.em.fork().find(InvoiceEvent, { studioId: studioC }, { orderBy: { feedSeq: 'asc' } })
    expect(seqs.every((event) => event.feedSeq !== null && event.dispatchedAt !== null)).toBe(true)
    // Positions are unique across the whole table (the unique index) and increase in feed order.
    const all = (await test.running.orm.em.fork().find(InvoiceEvent, {}, { orderBy: { feedSeq: 'asc' } })).map((event) =>
      Number(event.feedSeq),
    )
    expect(new Set(all).size).toBe(all.length)
    expect(Math.max(...all)).toBe(all.length)
  })

  it('publishes domain events (transmitted, final state) and the e-mail to the notification class', async () => {
    await test.running.orm.em.fork().insert(StudioSettings, {
      studioId: studioD,
      feAttivaEnabled: true,
      deletionPolicy: 'default',
      requireContractAcceptance: false,
      notificationUserClass: notificationClass,
      defaultChannel: 'sdicoop',
      updatedAt: new Date(),
      version: 1,
    })
    const rejected = await insertInvoice(test.running.orm, {
      studioId: studioD,
      state: 'SCARTATA',
      rejection: [
        {
          code: '00404',
          description: 'Fattura duplicata',
          suggestion: 'Verificare numero e data della fattura.',
          suggestionSource: 'fe-active',
        },
        { code: '00311', description: 'CodiceDestinatario non valido' },
      ],
    })
    const transmitted = await insertEvent(test.running.orm, rejected, {
      fromState: 'DA_INVIARE',
      toState: 'INVIATA',
      kind: 'command.transmitted',
      details: { transmitted: true },
    })
    const scarto = await insertEvent(test.running.orm, rejected, {
      fromState: 'INVIATA',
      toState: 'SCARTATA',
      kind: 'notification.NS',
      details: { effects: [{ kind: 'final-outcome', state: 'SCARTATA' }] },
    })
    // A final state that is not e-mailed; and a notified state in a studio without a notification class.
    const delivered = await insertInvoice(test.running.orm, { studioId: studioD, state: 'CONSEGNATA' })
    const consegna = await insertEvent(test.running.orm, delivered, {
      fromState: 'INVIATA',
      toState: 'CONSEGNATA',
      details: { effects: [{ kind: 'final-outcome', state: 'CONSEGNATA' }] },
    })
    const elsewhere = await insertInvoice(test.running.orm, { studioId: studioB, state: 'RIFIUTATA' })
    await insertEvent(test.running.orm, elsewhere, { fromState: 'CONSEGNATA', toState: 'RIFIUTATA', kind: 'notification.EC02' })
    await dispatcher.runOnce()

    for (const queue of [Queues.ConservazioneActiveInvoices, Queues.LiquidazioniActiveInvoices]) {
      const jobs = await jobsOf(queue)
      const byId = new Map(jobs.map((job) => [job.id, job.data]))
      expect(byId.get(`active-invoice-${transmitted}`)).toMatchObject({
        v: 1,
        eventId: transmitted,
        kind: 'transmitted',
        invoiceId: rejected.id,
        studioId: studioD,
        clientId: rejected.clientId,
        state: 'INVIATA',
        format: 'FPR12',
        fileName: rejected.fileName,
        identificativoSdI: rejected.identificativoSdI,
        numero: rejected.numero,
        dataDocumento: '2026-11-30',
        importoTotale: '1220.50',
      })
      expect(byId.get(`active-invoice-${scarto}`)).toMatchObject({ kind: 'final-state', state: 'SCARTATA' })
      expect(byId.get(`active-invoice-${consegna}`)).toMatchObject({ kind: 'final-state', state: 'CONSEGNATA' })
      expect(jobs.filter((job) => (job.data as { studioId: string }).studioId === studioD)).toHaveLength(3)
    }
    const mails = (await jobsOf(Queues.StudioNotifications)).map((job) => ({ id: job.id, data: job.data }))
    expect(mails).toHaveLength(1)
    const [mail] = mails
    expect(mail?.id).toBe(`notification-${scarto}`)
    expect(mail?.data).toMatchObject({
      v: 1,
      notificationId: scarto,
      studioId: studioD,
      userClass: notificationClass,
      subject: `Fattura n. ${rejected.numero} del 30/11/2026 - SCARTATA`,
      resource: { type: 'invoice', id: rejected.id },
    })
    const text = (mail?.data as { text: string } | undefined)?.text ?? ''
    expect(text).toContain('scartata dal Sistema di Interscambio')
    expect(text).toContain('Destinatario: DITTA BETA SRL')
    expect(text).toContain('Importo totale: 1.220,50 EUR')
    expect(text).toContain('- 00404: Fattura duplicata')
    expect(text).toContain('Suggerimento: Verificare numero e data della fattura.')
    expect(text).toContain('- 00311: CodiceDestinatario non valido')
  })

  it('after a failed publication, re-publishes committed positions without duplicate deliveries or jobs', async () => {
    const studio = randomUUID()
    const token = await test.issuer.sign({ studio, permissions: [Permissions.FeActiveRead] })
    const now = new Date()
    await test.running.orm.em.fork().insert(WebhookSubscription, {
      id: randomUUID(),
      studioId: studio,
      url: 'http://127.0.0.1:9/unused',
      description: null,
      states: null,
      secret: 'whsec_dGVzdA==',
      active: true,
      createdAt: now,
      updatedAt: now,
      version: 1,
    })
    const invoice = await insertInvoice(test.running.orm, { studioId: studio })
    const first = await insertEvent(test.running.orm, invoice, { toState: 'DA_INVIARE' })
    const second = await insertEvent(test.running.orm, invoice, {
      fromState: 'DA_INVIARE',
      toState: 'INVIATA',
      details: { transmitted: true },
    })

    // Redis down (a real producer on a closed port), or a crash, right after the commit of the positions: the pass fails, the rows keep feedSeq
    // without dispatchedAt; the feed already lists them, in order.
    const broken = new JobProducer(createRedis('redis://127.0.0.1:1', 'producer'), testRedisPrefix(), logger)
    try {
      await expect(createEventDispatcher({ orm: test.running.orm, producer: broken, logger }).runOnce()).rejects.toMatchObject({
        statusCode: 503,
      })
    } finally {
      await broken.close()
    }
    const stuck = await test.running.orm.em.fork().find(InvoiceEvent, { id: { $in: [first, second] } }, { orderBy: { feedSeq: 'asc' } })
    expect(stuck.map((event) => [event.id, event.feedSeq !== null, event.dispatchedAt])).toEqual([
      [first, true, null],
      [second, true, null],
    ])
    expect((await readFeed(token, 10)).map((item) => item.id)).toEqual([first, second])
    expect(await test.running.orm.em.fork().count(WebhookDelivery, { studioId: studio })).toBe(2)

    // The next passes publish them, once.
    await dispatcher.runOnce()
    await dispatcher.runOnce()
    const after = await test.running.orm.em.fork().find(InvoiceEvent, { id: { $in: [first, second] } })
    expect(after.every((event) => event.dispatchedAt !== null)).toBe(true)
    const deliveries = await test.running.orm.em.fork().find(WebhookDelivery, { studioId: studio })
    expect(deliveries).toHaveLength(2)
    const webhookJobs = (await jobsOf(Queues.FeActiveWebhooks)).filter((job) =>
      deliveries.some((delivery) => job.id === `webhook-${delivery.id}-1`),
    )
    expect(webhookJobs).toHaveLength(2)
    const domain = (await jobsOf(Queues.ConservazioneActiveInvoices)).filter((job) => job.id === `active-invoice-${second}`)
    expect(domain).toHaveLength(1)

    // A pass that republishes an already published event (a crash before dispatchedAt) queues nothing twice.
    await test.running.orm.em.fork().nativeUpdate(InvoiceEvent, { id: { $in: [first, second] } }, { dispatchedAt: null })
    await dispatcher.runOnce()
    expect((await jobsOf(Queues.FeActiveWebhooks)).filter((job) => deliveries.some((d) => job.id === `webhook-${d.id}-1`))).toHaveLength(2)
    expect((await jobsOf(Queues.ConservazioneActiveInvoices)).filter((job) => job.id === `active-invoice-${second}`)).toHaveLength(1)
    expect(await test.running.orm.em.fork().count(WebhookDelivery, { studioId: studio })).toBe(2)

    // The sweeper re-queues a due attempt whose job was lost.
    const lost = deliveries[0] as WebhookDelivery
    await test.running.producer.queue(Queues.FeActiveWebhooks).remove(`webhook-${lost.id}-1`)
    const requeued = await createDeliverySweeper({ orm: test.running.orm, producer: test.running.producer, logger }, { sweepGraceMs: 0 })()
    expect(requeued).toBeGreaterThanOrEqual(1)
    expect(await test.running.producer.queue(Queues.FeActiveWebhooks).getJob(`webhook-${lost.id}-1`)).toBeDefined()
  })
})
