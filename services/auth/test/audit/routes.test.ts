// Real: PostgreSQL (a database of its own), Redis (a key prefix of its own), SMTP, the auth service's audit hook,
// BullMQ queue and its own audit worker: every request below is stored by the same path as in production.
import { type AuditEventInput, createLogger, publishAudit, type RunningWorker } from '@fatturapa-hub/shared'
import { testRedisUrl } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Redis } from 'ioredis'
import type { AuditEventView } from '../../src/audit/schemas.js'
import { service } from '../../src/service.js'
import { type AuthTest, bearer, startAuthTest } from '../support/auth-test.js'

type EventList = { events: AuditEventView[]; nextCursor: string | null }

describe('audit routes', () => {
  let auth: AuthTest
  let workers: RunningWorker[]
  let studioA: string
  let studioB: string
  let adminA: string
  let adminB: string
  let operatorA: string
  let adminAUserId: string
  let requestCounter = 0
  const password = 'Audit-Test-9;x'

  const sql = <T extends object[] = Array<Record<string, unknown>>>(query: string, params: unknown[] = []) =>
    auth.service.orm.em.getConnection().execute<T>(query, params)
  const placeholders = (values: unknown[]) => values.map(() => '?').join(', ')

  async function call(token: string | undefined, url: string) {
    const requestId = `audit-routes-${++requestCounter}-${Date.now()}`
    const response = await auth.service.app.inject({
      method: 'GET',
      url,
      headers: { 'x-request-id': requestId, ...(token === undefined ? {} : bearer(token)) },
    })
    return { requestId, status: response.statusCode, body: response.json() }
  }

  /** Waits until the worker stored the events of these request ids. */
  async function stored(...requestIds: string[]): Promise<void> {
    const deadline = Date.now() + 15000
    for (;;) {
      const rows = await sql<Array<{ request_id: string }>>(
        `select request_id from audit_event where request_id in (${placeholders(requestIds)})`,
        requestIds,
      )
      if (new Set(rows.map((row) => row.request_id)).size === requestIds.length) return
      if (Date.now() > deadline) throw new Error(`audit events of ${requestIds.join(', ')} not stored in time`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  const list = async (token: string, query = '') => {
    const response = await call(token, `/audit/events${query}`)
    expect(response.status).toBe(200)
    return { ...response, body: response.body as EventList }
  }

  const domainEvent = (studioId: string, requestId: string, resourceId: string): AuditEventInput => ({
    service: 'fe-active',
    action: 'fe-active.submitInvoice',
    outcome: 'success',
    studioId,
    actor: { kind: 'integration', userId: 'api-1', username: 'APIREST@x' },
    resource: { type: 'invoices', id: resourceId },
    ip: '198.51.100.4',
    requestId,
    details: { method: 'POST', route: '/invoices/:id/submission', statusCode: 202 },
  })

  beforeAll(async () => {
    auth = await startAuthTest()
    const a = await auth.provision('au00001')
    const b = await auth.provision('au00002')
    studioA = a.studio.id
    studioB = b.studio.id
    adminAUserId = a.users.admin.id
    for (const username of ['ADM@au00001', 'OPERATORE@au00001', 'ADM@au00002']) await auth.setPassword(username, password)
    adminA = await auth.tokenFor('ADM@au00001')
    operatorA = await auth.tokenFor('OPERATORE@au00001')
    adminB = await auth.tokenFor('ADM@au00002')
    workers = service.workers?.({
      config: auth.service.config,
      orm: auth.service.orm,
      logger: createLogger({ name: 'auth', level: 'silent' }),
      producer: auth.service.producer,
    }) as RunningWorker[]
  })

  afterAll(async () => {
    await Promise.all((workers ?? []).map((running) => running.close()))
    const prefix = auth?.service.config.REDIS_PREFIX
    await auth?.close()
    if (prefix) {
      const redis = new Redis(testRedisUrl)
      const keys = await redis.keys(`${prefix}:*`)
      if (keys.length > 0) await redis.del(...keys)
      redis.disconnect()
    }
  })

  describe('GET /audit/events', () => {
    let ownRequests: string[]
    let otherStudioRequest: string
    let anonymousRequest: string
    let forbiddenRequest: string

    beforeAll(async () => {
      ownRequests = [(await call(adminA, '/audit/events')).requestId, (await call(adminA, '/audit/verification')).requestId]
      otherStudioRequest = (await call(adminB, '/audit/events')).requestId
      anonymousRequest = (await call(undefined, '/audit/events')).requestId
      forbiddenRequest = (await call(operatorA, '/audit/events')).requestId
      await publishAudit(auth.service.producer, domainEvent(studioA, 'fe-a-1', 'inv-shared'))
      await publishAudit(auth.service.producer, domainEvent(studioB, 'fe-b-1', 'inv-shared'))
      await stored(...ownRequests, otherStudioRequest, anonymousRequest, forbiddenRequest, 'fe-a-1', 'fe-b-1')
    })

    it("lists the caller's own requests, with who, what, where, when and the outcome", async () => {
      const { body } = await list(adminA, '?limit=500')
      const own = body.events.find((event) => event.requestId === ownRequests[0])
      expect(own).toMatchObject({
        service: 'auth',
        action: 'auth.listAuditEvents',
        outcome: 'success',
        actor: { kind: 'user', userId: adminAUserId, username: 'ADM@au00001' },
        resource: { type: 'audit', id: null },
        ip: '127.0.0.1',
        details: { method: 'GET', route: '/audit/events', statusCode: 200 },
      })
      expect(own?.seq).toMatch(/^\d+$/)
      expect(own?.hash).toMatch(/^[0-9a-f]{64}$/)
      expect(Date.parse(own?.occurredAt ?? '')).not.toBeNaN()
      expect(body.events.find((event) => event.requestId === ownRequests[1])).toMatchObject({ action: 'auth.verifyAuditChain' })
    })

    it("never shows another studio's events nor platform events", async () => {
      const { body } = await list(adminA, '?limit=500')
      const requestIds = body.events.map((event) => event.requestId)
      expect(requestIds).toEqual(expect.arrayContaining([...ownRequests, forbiddenRequest, 'fe-a-1']))
      expect(requestIds).not.toContain(otherStudioRequest)
      expect(requestIds).not.toContain('fe-b-1')
      expect(requestIds).not.toContain(anonymousRequest)
      const seqs = body.events.map((event) => event.seq)
      const studios = await sql<Array<{ studio_id: string | null }>>(
        `select studio_id from audit_event where seq in (${placeholders(seqs)})`,
        seqs,
      )
      expect(new Set(studios.map((row) => row.studio_id))).toEqual(new Set([studioA]))

      const other = await list(adminB, '?limit=500')
      expect(other.body.events.map((event) => event.requestId)).toContain(otherStudioRequest)
      expect(other.body.events.map((event) => event.requestId)).not.toContain(ownRequests[0])
      // The anonymous request is stored, as a platform event.
      const [anonymous] = await sql<Array<{ studio_id: string | null; actor_kind: string; outcome: string }>>(
        'select studio_id, actor_kind, outcome from audit_event where request_id = ?',
        [anonymousRequest],
      )
      expect(anonymous).toEqual({ studio_id: null, actor_kind: 'anonymous', outcome: 'failure' })
    })

    it('filters by outcome, actor, action, service, resource and time', async () => {
      const failures = await list(adminA, '?outcome=failure')
      expect(failures.body.events.map((event) => event.requestId)).toContain(forbiddenRequest)
      expect(failures.body.events.every((event) => event.outcome === 'failure')).toBe(true)

      const byActor = await list(adminA, `?actorUserId=${adminAUserId}`)
      expect(byActor.body.events.length).toBeGreaterThan(0)
      expect(byActor.body.events.every((event) => event.actor.userId === adminAUserId)).toBe(true)
      expect(byActor.body.events.map((event) => event.requestId)).not.toContain(forbiddenRequest)

      const byAction = await list(adminA, '?action=auth.verifyAuditChain')
      expect(byAction.body.events.map((event) => event.requestId)).toEqual(expect.arrayContaining([ownRequests[1]]))
      expect(byAction.body.events.every((event) => event.action === 'auth.verifyAuditChain')).toBe(true)

      const byResource = await list(adminA, '?service=fe-active&resourceType=invoices&resourceId=inv-shared')
      expect(byResource.body.events.map((event) => event.requestId)).toEqual(['fe-a-1'])
      expect(byResource.body.events[0]).toMatchObject({
        actor: { kind: 'integration', userId: 'api-1' },
        resource: { type: 'invoices', id: 'inv-shared' },
        details: { statusCode: 202 },
      })

      const future = await list(adminA, `?from=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`)
      expect(future.body.events).toEqual([])
      const past = await list(adminA, `?to=${encodeURIComponent(new Date(Date.now() - 3600_000).toISOString())}`)
      expect(past.body.events).toEqual([])
      const window = await list(
        adminA,
        `?from=${encodeURIComponent(new Date(Date.now() - 3600_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}&action=auth.listAuditEvents`,
      )
      expect(window.body.events.map((event) => event.requestId)).toContain(ownRequests[0])
    })

    it('pages newest first with a seq cursor, without gaps or repeats', async () => {
      for (let i = 0; i < 3; i++) await publishAudit(auth.service.producer, domainEvent(studioA, `fe-a-page-${i}`, `inv-${i}`))
      await stored('fe-a-page-0', 'fe-a-page-1', 'fe-a-page-2')
      const filter = '&service=fe-active'
      const all = (await list(adminA, `?limit=500${filter}`)).body
      expect(all.nextCursor).toBeNull()
      expect(all.events.length).toBe(4)
      const seqs = all.events.map((event) => BigInt(event.seq))
      expect([...seqs].sort((x, y) => (x > y ? -1 : x < y ? 1 : 0))).toEqual(seqs)

      const paged: string[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const page: EventList = (await list(adminA, `?limit=3${filter}${cursor ? `&before=${cursor}` : ''}`)).body
        expect(page.events.length).toBeLessThanOrEqual(3)
        paged.push(...page.events.map((event) => event.seq))
        cursor = page.nextCursor
        pages++
      } while (cursor !== null && pages < 10)
      expect(pages).toBe(2)
      expect(paged).toEqual(all.events.map((event) => event.seq))
    })

    it('refuses a limit over 500 and a malformed cursor', async () => {
      expect((await call(adminA, '/audit/events?limit=501')).status).toBe(400)
      expect((await call(adminA, '/audit/events?before=abc')).status).toBe(400)
      expect((await call(adminA, '/audit/events?from=yesterday')).status).toBe(400)
    })

    it('answers 403 to a user without the audit permission, and 401 without a token', async () => {
      expect((await call(operatorA, '/audit/events')).status).toBe(403)
      expect((await call(operatorA, '/audit/verification')).status).toBe(403)
      expect((await call(undefined, '/audit/verification')).status).toBe(401)
    })
  })

  describe('GET /audit/verification', () => {
    const verify = async (query = '') => {
      const response = await call(adminA, `/audit/verification${query}`)
      expect(response.status).toBe(200)
      return response.body as { ok: boolean; checked: number; lastSeq?: string; firstFailure?: { seq: string; kind: string } }
    }
    const seqOf = async (requestId: string) =>
      String((await sql<Array<{ seq: string }>>('select seq from audit_event where request_id = ?', [requestId]))[0]?.seq)

    it('reports an intact chain with the number of events checked', async () => {
      const [{ count } = { count: '0' }] = await sql<Array<{ count: string }>>('select count(*)::text as count from audit_event')
      const result = await verify()
      expect(result.ok).toBe(true)
      // The verification's own event may be stored while it runs.
      expect(result.checked).toBeGreaterThanOrEqual(Number(count))
      expect(result.firstFailure).toBeUndefined()
      expect(result.lastSeq).toMatch(/^\d+$/)
    })

    it('reports a row modified with SQL as content-altered at its seq, then a deleted row as link-broken', async () => {
      const target = await seqOf('fe-b-1')
      const [original] = await sql<Array<{ details: string }>>('select details from audit_event where seq = ?', [target])
      await sql('update audit_event set details = ? where seq = ?', ['{"statusCode":200}', target])
      const altered = await verify()
      expect(altered).toMatchObject({ ok: false, firstFailure: { seq: target, kind: 'content-altered' } })
      expect(altered.checked).toBe(
        Number((await sql<Array<{ n: string }>>('select count(*) as n from audit_event where seq < ?', [target]))[0]?.n),
      )
      // No content of the altered event (studio B's) is revealed to studio A's administrator.
      expect(JSON.stringify(altered)).not.toContain('inv-shared')

      // An incremental check from after the altered row does not see it.
      const next = await sql<Array<{ seq: string }>>('select seq from audit_event where seq > ? order by seq limit 1', [target])
      expect((await verify(`?fromSeq=${next[0]?.seq}`)).ok).toBe(true)

      await sql('update audit_event set details = ? where seq = ?', [original?.details, target])
      expect((await verify()).ok).toBe(true)

      const deleted = await seqOf('fe-a-1')
      const [after] = await sql<Array<{ seq: string }>>('select seq from audit_event where seq > ? order by seq limit 1', [deleted])
      await sql('delete from audit_event where seq = ?', [deleted])
      expect(await verify()).toMatchObject({ ok: false, firstFailure: { seq: String(after?.seq), kind: 'link-broken' } })
      expect(await verify(`?fromSeq=${deleted}`)).toMatchObject({
        ok: false,
        firstFailure: { seq: String(after?.seq), kind: 'link-broken' },
      })
    })
  })
})
