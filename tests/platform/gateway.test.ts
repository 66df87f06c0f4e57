// Real: every service app listening on a loopback port, PostgreSQL (a database of its own), Redis (a
// prefix of its own) for the rate limiter. The gateway is exercised with inject; it proxies over real HTTP.
import { service as auth } from '@fatturapa-hub/auth/service'
import { service as conservazione } from '@fatturapa-hub/conservazione/service'
import { service as feActive } from '@fatturapa-hub/fe-active/service'
import { service as fePassive } from '@fatturapa-hub/fe-passive/service'
import { buildGateway } from '@fatturapa-hub/gateway/app'
import { ConfigSchema, serviceUrlVariable } from '@fatturapa-hub/gateway/config'
import { service as liquidazioni } from '@fatturapa-hub/liquidazioni/service'
import { type App, createLogger, createRedis, loadConfig, type ServiceDefinition, serviceNames } from '@fatturapa-hub/shared'
import {
  captureLogs,
  createTestDatabase,
  startTestService,
  type TestDatabase,
  type TestService,
  testRedisPrefix,
  testRedisUrl,
} from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Redis } from 'ioredis'
import request from 'supertest'

const definitions = { auth, 'fe-active': feActive, 'fe-passive': fePassive, liquidazioni, conservazione } as unknown as Record<
  string,
  ServiceDefinition
>

describe('gateway', () => {
  let database: TestDatabase
  const services: Record<string, TestService<never>> = {}
  const urls: Record<string, string> = {}
  const authLogs = captureLogs('auth', 'info')
  const prefix = testRedisPrefix()
  let redis: Redis
  const gateways: App[] = []

  async function gateway(env: Record<string, string> = {}): Promise<App> {
    const variables: Record<string, string> = { REDIS_URL: testRedisUrl, REDIS_PREFIX: prefix, ...env }
    for (const name of serviceNames) variables[serviceUrlVariable(name)] ??= urls[name] as string
    const app = await buildGateway({
      config: loadConfig(ConfigSchema, variables),
      logger: createLogger({ name: 'gateway', level: 'silent' }),
      redis,
    })
    gateways.push(app)
    await app.ready()
    return app
  }

  beforeAll(async () => {
    database = await createTestDatabase()
    for (const name of serviceNames) {
      const started = await startTestService(definitions[name] as ServiceDefinition, {
        databaseUrl: database.url,
        redisPrefix: prefix,
        ...(name === 'auth' ? { logger: authLogs.logger } : {}),
      })
      await started.app.listen({ host: '127.0.0.1', port: 0 })
      const address = started.app.server.address() as { port: number }
      urls[name] = `http://127.0.0.1:${address.port}`
      services[name] = started as unknown as TestService<never>
    }
    redis = createRedis(testRedisUrl, 'client')
    await redis.connect()
  })

  afterAll(async () => {
    await Promise.all(gateways.map((app) => app.close()))
    await Promise.all(Object.values(services).map((started) => started.close()))
    const keys = await redis.keys(`${prefix}-*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
    await database.drop()
  })

  it('serves the merged OpenAPI document with the paths of every service', async () => {
    const app = await gateway()
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
    expect(document.openapi).toBe('3.1.0')
    for (const name of serviceNames) expect(document.paths[`/api/${name}/info`]).toBeDefined()
    expect(document['x-unavailable-services']).toBeUndefined()
    const viaUi = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
    expect(Object.keys(viaUi.paths)).toEqual(Object.keys(document.paths))
    const page = await app.inject({ method: 'GET', url: '/docs/' })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/text\/html/)
  })

  it('propagates the caller request id to the service and its log line', async () => {
    const app = await gateway()
    const response = await app.inject({ method: 'GET', url: '/api/auth/info', headers: { 'x-request-id': 'erp-sync-20261123-0001' } })
    expect(response.statusCode).toBe(200)
    expect(response.json().service).toBe('auth')
    expect(response.headers['x-request-id']).toBe('erp-sync-20261123-0001')
    const line = authLogs.lines().find((entry) => entry.reqId === 'erp-sync-20261123-0001')
    expect(line).toMatchObject({ service: 'auth', url: '/info', statusCode: 200, msg: 'request completed' })
  })

  it('proxies over a real socket, with the request id in the response (supertest)', async () => {
    const app = await gateway()
    const response = await request(app.server).get('/api/fe-passive/info').set('x-request-id', 'socket-1').expect(200)
    expect(response.headers['x-request-id']).toBe('socket-1')
    expect(response.body).toMatchObject({ service: 'fe-passive', database: 'postgresql' })
  })

  it('documents its own probes', async () => {
    const app = await gateway()
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
    expect(document.paths['/healthz'].get.tags).toEqual(['gateway'])
    expect(document.paths['/readyz'].get.responses['503']).toBeDefined()
  })

  it('passes service problems through unchanged', async () => {
    const app = await gateway()
    const response = await app.inject({ method: 'GET', url: '/api/fe-active/no-such-route' })
    expect(response.statusCode).toBe(404)
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND', detail: 'No route GET /no-such-route.' })
  })

  it('forwards JSON bodies byte for byte', async () => {
    const app = await gateway()
    const body = '{"username":"nobody@nowhere","password":"Wrong.pass12"}'
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/sessions',
      payload: body,
      headers: { 'content-type': 'application/json' },
    })
    // A body lost or re-encoded on the way would fail the schema with 400 VALIDATION_FAILED instead.
    expect(response.statusCode).toBe(401)
    expect(response.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' })
  })

  it('refuses a body over the limit before it reaches a service', async () => {
    const app = await gateway({ BODY_LIMIT_BYTES: String(1024 * 1024) })
    const response = await app.inject({
      method: 'POST',
      url: '/api/fe-active/invoices',
      payload: Buffer.alloc(1024 * 1024 + 1, 'a'),
      headers: { 'content-type': 'application/xml' },
    })
    expect(response.statusCode).toBe(413)
    expect(response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 })
  })

  it('rate-limits each client through Redis', async () => {
    const app = await gateway({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000', REDIS_PREFIX: `${prefix}-rl` })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++)
      statuses.push((await app.inject({ method: 'GET', url: '/api/liquidazioni/info', remoteAddress: '10.9.8.7' })).statusCode)
    expect(statuses).toEqual([200, 200, 200, 429])
    const limited = await app.inject({ method: 'GET', url: '/api/liquidazioni/info', remoteAddress: '10.9.8.7' })
    expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 })
    expect(limited.headers['retry-after']).toBeDefined()
    const other = await app.inject({ method: 'GET', url: '/api/liquidazioni/info', remoteAddress: '10.9.8.8' })
    expect(other.statusCode).toBe(200)
    expect((await app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.9.8.7' })).statusCode).toBe(200)
  })

  it('reports aggregated readiness of every service', async () => {
    const app = await gateway()
    const ready = (await app.inject({ method: 'GET', url: '/readyz' })).json()
    expect(ready.status).toBe('ready')
    for (const name of serviceNames) expect(ready.checks[`service:${name}`]).toEqual({ ok: true })
  })

  it('answers 503 problems and not-ready when a service is down', async () => {
    const app = await gateway({ [serviceUrlVariable('conservazione')]: 'http://127.0.0.1:1' })
    const proxied = await app.inject({ method: 'GET', url: '/api/conservazione/info' })
    expect(proxied.statusCode).toBeGreaterThanOrEqual(502)
    expect(proxied.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
    const readiness = await app.inject({ method: 'GET', url: '/readyz' })
    expect(readiness.statusCode).toBe(503)
    expect(readiness.json().checks['service:conservazione'].ok).toBe(false)
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
    expect(document['x-unavailable-services']).toEqual(['conservazione'])
    expect(document.paths['/api/auth/info']).toBeDefined()
  })
})
