// The same migrations, dispatcher and feed on the embedded SQLite file (no advisory lock: SQLite has one writer).
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger, Permissions, Queues } from '@fatturapa-hub/shared'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createEventDispatcher } from '../../src/events/dispatcher.js'
import { WebhookDelivery } from '../../src/webhooks/webhook.entity.js'
import { type FeActiveTest, startFeActiveTest } from '../support/fe-active-test.js'
import { insertEvent, insertInvoice } from './fixtures.js'

describe('fe-active invoice events on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fe-active-events-'))
  let test: FeActiveTest
  const logger = createLogger({ name: 'fe-active-events-sqlite-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' })

  beforeAll(async () => {
    test = await startFeActiveTest({ databaseUrl: `sqlite:${join(dir, 'fe-active.sqlite')}`, logger })
  })
  afterAll(async () => {
    await test?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('migrates, assigns feed positions, creates deliveries and serves the feed', async () => {
    const studio = randomUUID()
    const token = await test.issuer.sign({ studio, permissions: [Permissions.FeActiveSend, Permissions.FeActiveRead] })
    const auth = { authorization: `Bearer ${token}` }
    const created = await test.running.app.inject({
      method: 'POST',
      url: '/webhooks',
      headers: auth,
      payload: { url: 'https://erp.example.com/hook' },
    })
    expect(created.statusCode).toBe(201)
    const invoice = await insertInvoice(test.running.orm, { studioId: studio })
    const ids = [
      await insertEvent(test.running.orm, invoice, { toState: 'DA_INVIARE', at: new Date(Date.now() - 1000) }),
      await insertEvent(test.running.orm, invoice, { fromState: 'DA_INVIARE', toState: 'INVIATA' }),
    ]
    const dispatcher = createEventDispatcher({ orm: test.running.orm, producer: test.running.producer, logger })
    expect(await dispatcher.runOnce()).toMatchObject({ assigned: 2 })
    expect(await dispatcher.runOnce()).toEqual({ assigned: 0, published: 0 })
    const feed = (await test.running.app.inject({ method: 'GET', url: '/invoice-changes?limit=1', headers: auth })).json()
    expect(feed.items.map((item: { id: string }) => item.id)).toEqual([ids[0]])
    expect(feed.hasMore).toBe(true)
    const rest = (await test.running.app.inject({ method: 'GET', url: `/invoice-changes?after=${feed.nextCursor}`, headers: auth })).json()
    expect(rest.items.map((item: { id: string }) => item.id)).toEqual([ids[1]])
    const deliveries = await test.running.orm.em.fork().find(WebhookDelivery, { studioId: studio })
    expect(deliveries).toHaveLength(2)
    const jobs = await test.running.producer.queue(Queues.FeActiveWebhooks).getJobs(['waiting'])
    expect(jobs.map((job) => job.id).sort()).toEqual(deliveries.map((d) => `webhook-${d.id}-1`).sort())
    const log = await test.running.app.inject({ method: 'GET', url: `/webhooks/${created.json().id}/deliveries`, headers: auth })
    expect(log.json()).toMatchObject({ total: 2, items: [{ status: 'pending', lastAttempt: 0, nextAttempt: 1 }, { status: 'pending' }] })
  })
})
