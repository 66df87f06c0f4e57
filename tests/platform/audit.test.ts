// Real: PostgreSQL (a database of its own, one schema per service), Redis (a key prefix of its own), SMTP, the
// auth and fe-active apps listening on loopback ports, the gateway proxying to them over HTTP, the audit hook of
// each service, the BullMQ audit queue and the auth worker. fe-active has no authenticated route of its own yet,
// so this file adds one to fe-active's definition; the platform verifies its tokens with auth's JWKS over HTTP.
import { service as auth } from '@fatturapa-hub/auth/service'
import { service as feActive } from '@fatturapa-hub/fe-active/service'
import { buildGateway } from '@fatturapa-hub/gateway/app'
import { ConfigSchema, serviceUrlVariable } from '@fatturapa-hub/gateway/config'
import {
  type App,
  createLogger,
  createRedis,
  loadConfig,
  type RunningWorker,
  type ServiceDefinition,
  serviceNames,
} from '@fatturapa-hub/shared'
import { startTestService, type TestService, testRedisUrl } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Redis } from 'ioredis'
import Type from 'typebox'
import { type AuthTest, startAuthTest } from '../../services/auth/test/support/auth-test.js'

describe('audit trail across services', () => {
  let authTest: AuthTest
  let feActiveService: TestService<never>
  let gateway: App
  let redis: Redis
  let workers: RunningWorker[]
  let token: string
  let studioId: string
  let prefix: string

  beforeAll(async () => {
    authTest = await startAuthTest()
    prefix = authTest.service.config.REDIS_PREFIX
    await authTest.service.app.listen({ host: '127.0.0.1', port: 0 })
    const authUrl = `http://127.0.0.1:${(authTest.service.app.server.address() as { port: number }).port}`

    const feActiveWithRoute = {
      ...feActive,
      routes: async (app, options) => {
        await feActive.routes(app, options)
        app.get(
          '/test-invoices/:id',
          {
            schema: {
              tags: ['invoices'],
              operationId: 'fe-active.testGetInvoice',
              params: Type.Object({ id: Type.String() }),
            },
          },
          async (request) => ({ id: (request.params as { id: string }).id }),
        )
      },
    } as ServiceDefinition<never>
    feActiveService = (await startTestService(feActiveWithRoute, {
      databaseUrl: authTest.database.url,
      redisPrefix: prefix,
      env: { AUTH_JWKS_URL: `${authUrl}/.well-known/jwks.json` },
    })) as TestService<never>
    await feActiveService.app.listen({ host: '127.0.0.1', port: 0 })
    const feActiveUrl = `http://127.0.0.1:${(feActiveService.app.server.address() as { port: number }).port}`

    redis = createRedis(testRedisUrl, 'client')
    await redis.connect()
    const variables: Record<string, string> = { REDIS_URL: testRedisUrl, REDIS_PREFIX: `${prefix}-gw` }
    for (const name of serviceNames) variables[serviceUrlVariable(name)] = 'http://127.0.0.1:9'
    variables[serviceUrlVariable('auth')] = authUrl
    variables[serviceUrlVariable('fe-active')] = feActiveUrl
    gateway = await buildGateway({
      config: loadConfig(ConfigSchema, variables),
      logger: createLogger({ name: 'gateway', level: 'silent' }),
      redis,
    })
    await gateway.ready()

    workers = auth.workers?.({
      config: authTest.service.config,
      orm: authTest.service.orm,
      logger: createLogger({ name: 'auth', level: 'silent' }),
      producer: authTest.service.producer,
    }) as RunningWorker[]

    const studio = await authTest.provision('pa00001')
    studioId = studio.studio.id
    await authTest.setPassword('ADM@pa00001', 'Platform-Audit-7;q')
    token = await authTest.tokenFor('ADM@pa00001')
  })

  afterAll(async () => {
    await Promise.all((workers ?? []).map((running) => running.close()))
    await gateway?.close()
    await feActiveService?.close()
    await authTest?.close()
    if (redis) {
      const keys = [...(await redis.keys(`${prefix}:*`)), ...(await redis.keys(`${prefix}-gw*`))]
      if (keys.length > 0) await redis.del(...keys)
      redis.disconnect()
    }
  })

  type Row = { seq: string; service: string; action: string; outcome: string; studio_id: string | null; actor_username: string | null }
  const rowsOf = (requestId: string) =>
    authTest.service.orm.em
      .getConnection()
      .execute<Row[]>(
        'select seq, service, action, outcome, studio_id, actor_username from auth.audit_event where request_id = ? order by seq',
        [requestId],
      )

  async function storedRow(requestId: string): Promise<Row> {
    const deadline = Date.now() + 15000
    for (;;) {
      const [row] = await rowsOf(requestId)
      if (row) return row
      if (Date.now() > deadline) throw new Error(`no audit event stored for ${requestId}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  const viaGateway = (url: string, requestId: string, withToken = true) =>
    gateway.inject({
      method: 'GET',
      url,
      headers: { 'x-request-id': requestId, ...(withToken ? { authorization: `Bearer ${token}` } : {}) },
    })

  it("stores a request to fe-active, made through the gateway, in auth's chained log", async () => {
    const response = await viaGateway('/api/fe-active/test-invoices/inv-77?secret=abc', 'platform-audit-fe-1')
    expect(response.statusCode).toBe(200)
    expect(await storedRow('platform-audit-fe-1')).toMatchObject({
      service: 'fe-active',
      action: 'fe-active.testGetInvoice',
      outcome: 'success',
      studio_id: studioId,
      actor_username: 'ADM@pa00001',
    })

    const listed = await viaGateway('/api/auth/audit/events?service=fe-active&resourceId=inv-77', 'platform-audit-list-1')
    expect(listed.statusCode).toBe(200)
    const [event] = listed.json().events
    expect(event).toMatchObject({
      requestId: 'platform-audit-fe-1',
      resource: { type: 'invoices', id: 'inv-77' },
      details: { method: 'GET', route: '/test-invoices/:id', statusCode: 200 },
    })
    expect(JSON.stringify(event)).not.toContain('secret')
  })

  it('stores an auth request made through the gateway, and a failure of fe-active without a token', async () => {
    expect((await viaGateway('/api/auth/audit/events', 'platform-audit-auth-1')).statusCode).toBe(200)
    expect(await storedRow('platform-audit-auth-1')).toMatchObject({ service: 'auth', action: 'auth.listAuditEvents', studio_id: studioId })

    expect((await viaGateway('/api/fe-active/test-invoices/inv-78', 'platform-audit-fe-2', false)).statusCode).toBe(401)
    expect(await storedRow('platform-audit-fe-2')).toMatchObject({ service: 'fe-active', outcome: 'failure', studio_id: null })
  })

  it('leaves public routes of the services out of the log', async () => {
    expect((await viaGateway('/api/fe-active/info', 'platform-audit-info-1', false)).statusCode).toBe(200)
    expect((await viaGateway('/api/auth/.well-known/jwks.json', 'platform-audit-jwks-1', false)).statusCode).toBe(200)
    expect((await viaGateway('/api/fe-active/test-invoices/inv-79', 'platform-audit-marker-1')).statusCode).toBe(200)
    await storedRow('platform-audit-marker-1')
    expect(await rowsOf('platform-audit-info-1')).toEqual([])
    expect(await rowsOf('platform-audit-jwks-1')).toEqual([])
  })

  it('verifies the whole chain, and detects a row modified afterwards', async () => {
    const intact = await viaGateway('/api/auth/audit/verification', 'platform-audit-verify-1')
    expect(intact.statusCode).toBe(200)
    expect(intact.json()).toMatchObject({ ok: true })
    expect(intact.json().checked).toBeGreaterThanOrEqual(5)

    const row = await storedRow('platform-audit-fe-1')
    await authTest.service.orm.em
      .getConnection()
      .execute("update auth.audit_event set actor_username = 'SOMEONE@else' where seq = ?", [row.seq])
    const tampered = await viaGateway('/api/auth/audit/verification', 'platform-audit-verify-2')
    expect(tampered.json()).toMatchObject({ ok: false, firstFailure: { seq: String(row.seq), kind: 'content-altered' } })
  })
})
