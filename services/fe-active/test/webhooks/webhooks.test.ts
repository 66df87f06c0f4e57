// Real: PostgreSQL (a database of its own), Redis, the fe-active service built as its server builds it, the
// dispatcher and the webhook worker of the worker role, and a receiver over real HTTP (node:http, random port).
import { createHmac, randomUUID } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Permissions, type RunningWorker } from '@fatturapa-hub/shared'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createEventDispatcher, type EventDispatcher } from '../../src/events/dispatcher.js'
import { startWebhookWorkers } from '../../src/webhooks/delivery.js'
import { verifyWebhook } from '../../src/webhooks/signature.js'
import { WebhookDelivery } from '../../src/webhooks/webhook.entity.js'
import { insertEvent, insertInvoice } from '../events/fixtures.js'
import { type FeActiveTest, startFeActiveTest } from '../support/fe-active-test.js'

const studioA = randomUUID()
const studioB = randomUUID()

interface Received {
  path: string
  headers: IncomingHttpHeaders
  body: string
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('fe-active webhooks: subscriptions, signed deliveries, retries, redelivery', () => {
  let test: FeActiveTest
  let workers: RunningWorker[] = []
  let dispatcher: EventDispatcher
  let receiver: Server
  let receiverUrl: string
  let tokenA: string
  let tokenB: string
  let readerA: string
  const received: Received[] = []
  /** Per path: how many requests to answer 500 before answering 200. */
  const failuresLeft = new Map<string, number>()

  const call = (token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    test.running.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) })

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = []
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', () => {
        const path = request.url ?? '/'
        received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') })
        const left = failuresLeft.get(path) ?? 0
        if (left > 0) {
          failuresLeft.set(path, left - 1)
          response.writeHead(500, { 'content-type': 'text/plain' }).end('receiver says no')
        } else response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`

    test = await startFeActiveTest({ name: 'fe-active-webhooks-test' })
    const deps = {
      orm: test.running.orm,
      producer: test.running.producer,
      logger: test.logger,
      redisUrl: test.running.config.REDIS_URL,
      prefix: test.running.config.REDIS_PREFIX,
    }
    dispatcher = createEventDispatcher(deps)
    // Short backoff so the retries of a failing receiver happen within the test.
    workers = startWebhookWorkers(deps, {
      backoffMs: [100, 200, 300],
      timeoutMs: 3000,
      sweepIntervalMs: 60_000,
      allowPrivateNetworks: true,
    })
    const permissions = [Permissions.FeActiveSend, Permissions.FeActiveRead]
    tokenA = await test.tokenFor(studioA, permissions)
    tokenB = await test.tokenFor(studioB, permissions)
    readerA = await test.tokenFor(studioA, [Permissions.FeActiveRead])
  })
  afterAll(async () => {
    for (const worker of workers) await worker.close()
    await test?.close()
    receiver?.closeAllConnections()
    await new Promise((resolve) => receiver?.close(resolve))
  })

  async function subscribe(path: string, token = tokenA, extra: object = {}) {
    const response = await call(token, 'POST', '/webhooks', { url: `${receiverUrl}${path}`, description: `test ${path}`, ...extra })
    expect(response.statusCode).toBe(201)
    return response.json() as { id: string; secret: string; url: string; states: string[] | null }
  }

  it('creates, reads, lists, changes and deactivates subscriptions, isolated per studio, secret shown only once', async () => {
    const created = await subscribe('/crud')
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(created.states).toBeNull()

    const read = await call(tokenA, 'GET', `/webhooks/${created.id}`)
    expect(read.statusCode).toBe(200)
    expect(read.json()).toMatchObject({ id: created.id, url: `${receiverUrl}/crud`, active: true })
    expect(read.json()).not.toHaveProperty('secret')
    const list = await call(readerA, 'GET', '/webhooks')
    expect(list.json().items.map((item: { id: string }) => item.id)).toContain(created.id)
    expect(JSON.stringify(list.json())).not.toContain(created.secret)

    // Another studio: 404 on read, change and delete; absent from its list.
    expect((await call(tokenB, 'GET', `/webhooks/${created.id}`)).json()).toMatchObject({ status: 404, code: 'WEBHOOK_NOT_FOUND' })
    expect((await call(tokenB, 'PATCH', `/webhooks/${created.id}`, { active: false })).statusCode).toBe(404)
    expect((await call(tokenB, 'DELETE', `/webhooks/${created.id}`)).statusCode).toBe(404)
    expect((await call(tokenB, 'GET', '/webhooks')).json().items).toEqual([])

    // A reader cannot subscribe; a bad URL is a problem with a stable code.
    expect((await call(readerA, 'POST', '/webhooks', { url: `${receiverUrl}/x` })).statusCode).toBe(403)
    const bad = await call(tokenA, 'POST', '/webhooks', { url: 'ftp://example.com/hook' })
    expect(bad.statusCode).toBe(400)
    expect(bad.headers['content-type']).toContain('application/problem+json')

    const patched = await call(tokenA, 'PATCH', `/webhooks/${created.id}`, { states: ['SCARTATA', 'CONSEGNATA'], description: null })
    expect(patched.json()).toMatchObject({ states: ['SCARTATA', 'CONSEGNATA'], description: null })

    const rotated = await call(tokenA, 'POST', `/webhooks/${created.id}/secret`)
    expect(rotated.statusCode).toBe(200)
    expect(rotated.json().secret).not.toBe(created.secret)

    expect((await call(tokenA, 'DELETE', `/webhooks/${created.id}`)).statusCode).toBe(204)
    expect((await call(tokenA, 'GET', `/webhooks/${created.id}`)).json()).toMatchObject({ active: false })
  })

  it('delivers each state change once, signed with the Standard Webhooks scheme, with the documented payload', async () => {
    const subscription = await subscribe('/signed')
    const invoice = await insertInvoice(test.running.orm, { studioId: studioA, state: 'CONSEGNATA' })
    const created = await insertEvent(test.running.orm, invoice, { toState: 'DA_INVIARE', at: new Date(Date.now() - 2000) })
    const delivered = await insertEvent(test.running.orm, invoice, { fromState: 'INVIATA', toState: 'CONSEGNATA', kind: 'notification.RC' })
    // Not a state change: no delivery.
    await insertEvent(test.running.orm, invoice, {
      fromState: 'CONSEGNATA',
      toState: 'CONSEGNATA',
      kind: 'notification.RC',
      details: { decision: 'ignored' },
    })
    await dispatcher.runOnce()

    const requests = await waitFor('two deliveries', () => {
      const mine = received.filter((r) => r.path === '/signed')
      return mine.length >= 2 ? mine : undefined
    })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(received.filter((r) => r.path === '/signed')).toHaveLength(2)
    for (const request of requests) {
      const id = String(request.headers['webhook-id'])
      const timestamp = Number(request.headers['webhook-timestamp'])
      const signature = String(request.headers['webhook-signature'])
      expect(request.headers['content-type']).toBe('application/json')
      expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(30)
      // An independent computation of the Standard Webhooks signature, and the helper a receiver would use.
      const key = Buffer.from(subscription.secret.slice('whsec_'.length), 'base64')
      const expected = `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${request.body}`).digest('base64')}`
      expect(signature).toBe(expected)
      expect(verifyWebhook(subscription.secret, id, timestamp, request.body, signature)).toBe(true)
      expect(verifyWebhook(subscription.secret, id, timestamp, `${request.body} `, signature)).toBe(false)
      const delivery = await test.running.orm.em.fork().findOneOrFail(WebhookDelivery, { id })
      expect(delivery.subscriptionId).toBe(subscription.id)
    }
    const bodies = requests.map((r) => JSON.parse(r.body))
    expect(bodies.map((b) => b.id).sort()).toEqual([created, delivered].sort())
    const consegnata = bodies.find((b) => b.id === delivered)
    expect(consegnata).toMatchObject({
      type: 'invoice.state_changed',
      invoice: {
        id: invoice.id,
        state: 'CONSEGNATA',
        fromState: 'INVIATA',
        format: 'FPR12',
        numero: invoice.numero,
        dataDocumento: '2026-11-30',
        fileName: invoice.fileName,
        identificativoSdI: invoice.identificativoSdI,
        importoTotale: '1220.50',
        clientId: invoice.clientId,
      },
      event: { kind: 'notification.RC', decision: 'applied' },
    })
    expect(consegnata.feedSeq).toMatch(/^\d+$/)
    await waitFor('delivered status', async () => {
      const deliveries = await test.running.orm.em.fork().find(WebhookDelivery, { subscriptionId: subscription.id })
      return deliveries.every((d) => d.status === 'delivered') ? deliveries : undefined
    })
    await call(tokenA, 'DELETE', `/webhooks/${subscription.id}`)
  })

  it('retries a failing receiver with backoff and logs every attempt; a manual redelivery is a new attempt now', async () => {
    const subscription = await subscribe('/flaky')
    failuresLeft.set('/flaky', 2)
    const invoice = await insertInvoice(test.running.orm, { studioId: studioA })
    const eventId = await insertEvent(test.running.orm, invoice, { toState: 'DA_INVIARE' })
    await dispatcher.runOnce()

    const delivery = await waitFor('delivery delivered after retries', async () => {
      const row = await test.running.orm.em.fork().findOne(WebhookDelivery, { subscriptionId: subscription.id, eventId })
      return row?.status === 'delivered' ? row : undefined
    })
    expect(received.filter((r) => r.path === '/flaky')).toHaveLength(3)
    const log = await call(readerA, 'GET', `/webhooks/${subscription.id}/deliveries`)
    expect(log.statusCode).toBe(200)
    const [item] = log.json().items
    expect(item).toMatchObject({ id: delivery.id, eventId, status: 'delivered', lastAttempt: 3, nextAttempt: null, lastStatusCode: 200 })
    expect(
      item.attempts.map((a: { attempt: number; statusCode: number; success: boolean }) => [a.attempt, a.statusCode, a.success]),
    ).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 200, true],
    ])
    expect(item.attempts[0]).toMatchObject({ responseExcerpt: 'receiver says no', error: 'HTTP 500', manual: false })
    // The retries waited: attempt 3 started at least 100 + 200 ms after attempt 1.
    expect(Date.parse(item.attempts[2].startedAt) - Date.parse(item.attempts[0].startedAt)).toBeGreaterThanOrEqual(300)

    // Another studio cannot see the log nor redeliver.
    expect((await call(tokenB, 'GET', `/webhooks/${subscription.id}/deliveries`)).statusCode).toBe(404)
    expect((await call(tokenB, 'POST', `/webhook-deliveries/${delivery.id}/redelivery`)).json()).toMatchObject({
      code: 'WEBHOOK_DELIVERY_NOT_FOUND',
    })

    const redelivery = await call(tokenA, 'POST', `/webhook-deliveries/${delivery.id}/redelivery`)
    expect(redelivery.statusCode).toBe(202)
    expect(redelivery.json()).toEqual({ deliveryId: delivery.id, attempt: 4, status: 'pending' })
    await waitFor('manual attempt', () => (received.filter((r) => r.path === '/flaky').length === 4 ? true : undefined))
    const after = await waitFor('redelivered', async () => {
      const body = (await call(readerA, 'GET', `/webhooks/${subscription.id}/deliveries?pageSize=5`)).json()
      return body.items[0].attempts.length === 4 && body.items[0].status === 'delivered' ? body.items[0] : undefined
    })
    expect(after.attempts[3]).toMatchObject({ attempt: 4, manual: true, success: true, statusCode: 200 })
    const lastRequest = received.filter((r) => r.path === '/flaky').at(-1)
    expect(lastRequest?.headers['webhook-id']).toBe(delivery.id)
    expect(JSON.parse(lastRequest?.body ?? '{}').id).toBe(eventId)
    await call(tokenA, 'DELETE', `/webhooks/${subscription.id}`)
  })

  it('ends a delivery failed after the last attempt; filters by target state', async () => {
    const failing = await subscribe('/down')
    failuresLeft.set('/down', 100)
    const filtered = await subscribe('/only-scartata', tokenA, { states: ['SCARTATA'] })
    const invoice = await insertInvoice(test.running.orm, { studioId: studioA, state: 'SCARTATA' })
    await insertEvent(test.running.orm, invoice, { toState: 'DA_INVIARE' })
    const scarto = await insertEvent(test.running.orm, invoice, { fromState: 'INVIATA', toState: 'SCARTATA', kind: 'notification.NS' })
    await dispatcher.runOnce()

    const failed = await waitFor('failed deliveries', async () => {
      const rows = await test.running.orm.em.fork().find(WebhookDelivery, { subscriptionId: failing.id })
      return rows.length === 2 && rows.every((row) => row.status === 'failed') ? rows : undefined
    })
    // backoffMs has 3 pauses: 4 attempts, then failed.
    expect(failed.map((row) => row.lastAttempt)).toEqual([4, 4])
    expect(received.filter((r) => r.path === '/down')).toHaveLength(8)
    const onlyScartata = await test.running.orm.em.fork().find(WebhookDelivery, { subscriptionId: filtered.id })
    expect(onlyScartata.map((row) => row.eventId)).toEqual([scarto])
    await call(tokenA, 'DELETE', `/webhooks/${failing.id}`)
    await call(tokenA, 'DELETE', `/webhooks/${filtered.id}`)
  })
})
