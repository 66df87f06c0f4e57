// Real: Redis (a key prefix of its own) holding the audit jobs, read back with BullMQ's Queue; the service app is
// built by buildServiceApp as in production, with tokens of a test issuer. The database is SQLite in memory: the
// service under test has no tables. For the outage, the producer points at a closed loopback port.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type Job, Queue } from 'bullmq'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import Type from 'typebox'
import { authPlugin } from '../src/auth/plugin.js'
import { createTestTokenIssuer, type TestTokenIssuer } from '../src/auth/testing.js'
import { loadConfig } from '../src/config.js'
import { migrate, openDatabase } from '../src/db/orm.js'
import { AppError, ErrorCodes } from '../src/errors.js'
import type { App } from '../src/http/app-factory.js'
import { setAuditSubject } from '../src/http/audit-hook.js'
import { createLogger } from '../src/logger.js'
import { type AuditRecordV1, Queues } from '../src/queues/contract.js'
import { JobProducer } from '../src/queues/producer.js'
import { createRedis } from '../src/queues/redis.js'
import { buildServiceApp, type ServiceDefinition, serviceConfigSchema } from '../src/runtime/service.js'
import { captureLogs, testRedisPrefix, testRedisUrl, uniqueId } from '../src/testing/index.js'

const silent = createLogger({ name: 'audit-hook-test', level: 'silent' })

function definitionWith(issuer: TestTokenIssuer): ServiceDefinition {
  return {
    name: 'fe-active',
    description: 'audit hook test service',
    version: '0.0.1',
    tags: [{ name: 'invoices', description: 'Invoices' }],
    configSchema: serviceConfigSchema('fe-active'),
    entities: [],
    migrations: [],
    // The test's own token issuer instead of the auth service's JWKS.
    tokenVerification: 'own',
    routes: async (app: FastifyInstance) => {
      await app.register(authPlugin, { verifier: issuer.verifier })
      app.get(
        '/invoices/:id',
        { schema: { tags: ['invoices'], operationId: 'fe-active.getInvoice', params: Type.Object({ id: Type.String() }) } },
        async (request) => {
          if ((request.params as { id: string }).id === 'missing') throw new AppError(ErrorCodes.NotFound, 404, 'No such invoice.')
          return { ok: true }
        },
      )
      app.post('/invoices', { schema: { tags: ['invoices'] } }, async (_request, reply) => reply.code(201).send({ created: true }))
      app.get('/clients/:clientId/invoices/:invoiceId', { schema: { tags: ['clients'] } }, async () => [])
      app.post(
        '/sign-in',
        { config: { public: true }, schema: { tags: ['sessions'], operationId: 'fe-active.signIn' } },
        async (request) => {
          setAuditSubject(request, {
            studioId: 'studio-9',
            actor: { kind: 'user', userId: 'u-9', username: 'ADM@studio9' },
            details: { method: 'FORGED', attempt: 2 },
          })
          setAuditSubject(request, { details: { mfa: false } })
          return { signedIn: true }
        },
      )
      app.get('/public-ping', { config: { public: true }, schema: { tags: ['sessions'] } }, async () => ({ pong: true }))
    },
  }
}

async function buildApp(definition: ServiceDefinition, redisUrl: string, prefix: string, logger: Logger) {
  const config = loadConfig(definition.configSchema, { DATABASE_URL: 'sqlite::memory:', REDIS_URL: redisUrl, REDIS_PREFIX: prefix })
  const orm = await openDatabase({ url: 'sqlite::memory:', schema: 'fe_active', entities: [], migrations: [], logger })
  await migrate(orm, 'fe_active')
  const producer = new JobProducer(createRedis(redisUrl, 'producer'), prefix, logger)
  const app = await buildServiceApp(definition, { config: config as never, logger, orm, producer })
  return { app, producer }
}

describe('audit hook', () => {
  const prefix = testRedisPrefix()
  let issuer: TestTokenIssuer
  let app: App
  let producer: JobProducer
  let queue: Queue

  beforeAll(async () => {
    issuer = await createTestTokenIssuer()
    ;({ app, producer } = await buildApp(definitionWith(issuer), testRedisUrl, prefix, silent))
    await producer.connect()
    await app.ready()
    queue = new Queue(Queues.Audit, { connection: { url: testRedisUrl }, prefix })
  })

  afterAll(async () => {
    await app.close()
    await producer.close()
    await queue.obliterate({ force: true })
    await queue.close()
  })

  const jobsOf = async (requestId: string): Promise<Array<Job<AuditRecordV1>>> =>
    ((await queue.getJobs(['waiting', 'delayed', 'prioritized', 'paused'])) as Array<Job<AuditRecordV1>>).filter(
      (job) => job.data.requestId === requestId,
    )

  async function eventsOf(requestId: string, count = 1): Promise<AuditRecordV1[]> {
    const deadline = Date.now() + 5000
    for (;;) {
      const jobs = await jobsOf(requestId)
      if (jobs.length >= count) return jobs.map((job) => job.data)
      if (Date.now() > deadline) throw new Error(`${count} audit job(s) for ${requestId} expected, found ${jobs.length}`)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }

  const send = async (
    method: 'GET' | 'POST',
    url: string,
    options: { token?: string; payload?: object; remoteAddress?: string; requestId?: string } = {},
  ) => {
    const requestId = options.requestId ?? uniqueId('req')
    const response = await app.inject({
      method,
      url,
      headers: { 'x-request-id': requestId, ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
      ...(options.payload ? { payload: options.payload } : {}),
      ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
    })
    return { requestId, status: response.statusCode }
  }

  it('publishes one event per request with action, outcome, actor, resource, ip and route', async () => {
    const token = await issuer.sign({ sub: 'user-7', studio: 'studio-1', username: 'MROSSI@studio1', kind: 'operator' })
    const sent = await send('GET', '/invoices/inv-42?include=lines', { token, remoteAddress: '203.0.113.9' })
    expect(sent.status).toBe(200)
    const [event] = await eventsOf(sent.requestId)
    expect(event).toEqual({
      v: 1,
      eventId: expect.stringMatching(new RegExp(`^${sent.requestId}\\.fe-active\\.[0-9a-f]{16}$`)),
      occurredAt: expect.any(String),
      service: 'fe-active',
      action: 'fe-active.getInvoice',
      outcome: 'success',
      studioId: 'studio-1',
      actor: { kind: 'user', userId: 'user-7', username: 'MROSSI@studio1' },
      resource: { type: 'invoices', id: 'inv-42' },
      ip: '203.0.113.9',
      requestId: sent.requestId,
      details: { method: 'GET', route: '/invoices/:id', statusCode: 200 },
    })
    const [job] = await jobsOf(sent.requestId)
    expect(job?.id).toBe(`audit-${event?.eventId}`)
  })

  it('records neither the query string nor the body, and falls back to method and route for the action', async () => {
    const token = await issuer.sign({ kind: 'integration', sub: 'api-1', username: 'APIREST_x@studio1' })
    const sent = await send('POST', '/invoices?access_token=query-secret-123', { token, payload: { password: 'body-secret-456' } })
    expect(sent.status).toBe(201)
    const [event] = await eventsOf(sent.requestId)
    expect(event).toMatchObject({
      action: 'POST /invoices',
      outcome: 'success',
      actor: { kind: 'integration', userId: 'api-1' },
      resource: { type: 'invoices' },
      details: { method: 'POST', route: '/invoices', statusCode: 201 },
    })
    const serialized = JSON.stringify(event)
    expect(serialized).not.toContain('query-secret-123')
    expect(serialized).not.toContain('body-secret-456')
    expect(serialized).not.toContain('access_token')
  })

  it('takes the identifying path parameter, not any parameter', async () => {
    const token = await issuer.sign()
    const sent = await send('GET', '/clients/c-1/invoices/i-2', { token })
    const [event] = await eventsOf(sent.requestId)
    expect(event?.resource).toEqual({ type: 'clients', id: 'c-1' })
  })

  it('records failures: an error status, and a request without a token as anonymous', async () => {
    const token = await issuer.sign()
    const missing = await send('GET', '/invoices/missing', { token })
    expect(missing.status).toBe(404)
    expect((await eventsOf(missing.requestId))[0]).toMatchObject({ outcome: 'failure', details: { statusCode: 404 } })

    const anonymous = await send('GET', '/invoices/inv-1')
    expect(anonymous.status).toBe(401)
    const [event] = await eventsOf(anonymous.requestId)
    expect(event).toMatchObject({ outcome: 'failure', actor: { kind: 'anonymous' }, details: { statusCode: 401 } })
    expect(event?.studioId).toBeUndefined()
  })

  it('audits a public route once its handler named the subject, keeping method, route and status its own', async () => {
    const sent = await send('POST', '/sign-in', { payload: { username: 'ADM@studio9', password: 'not-in-the-log' } })
    expect(sent.status).toBe(200)
    const [event] = await eventsOf(sent.requestId)
    expect(event).toMatchObject({
      action: 'fe-active.signIn',
      outcome: 'success',
      studioId: 'studio-9',
      actor: { kind: 'user', userId: 'u-9', username: 'ADM@studio9' },
      resource: { type: 'sessions' },
      details: { method: 'POST', route: '/sign-in', statusCode: 200, attempt: 2, mfa: false },
    })
    expect(JSON.stringify(event)).not.toContain('not-in-the-log')
  })

  it('leaves out probes, the OpenAPI document, /info, other public routes and unknown routes', async () => {
    const skipped = [
      await send('GET', '/healthz'),
      await send('GET', '/readyz'),
      await send('GET', '/openapi.json'),
      await send('GET', '/info'),
      await send('GET', '/public-ping'),
      await send('GET', '/no-such-route'),
    ]
    expect(skipped.map((sent) => sent.status)).toEqual([200, 200, 200, 200, 200, 404])
    // An audited request sent afterwards proves the hook has run for the ones before.
    const marker = await send('GET', '/invoices/inv-marker', { token: await issuer.sign() })
    await eventsOf(marker.requestId)
    for (const sent of skipped) expect(await jobsOf(sent.requestId)).toHaveLength(0)
  })

  it('records two requests that reuse one request id as two events', async () => {
    const token = await issuer.sign()
    const requestId = uniqueId('reused')
    await send('GET', '/invoices/inv-1', { token, requestId })
    await send('GET', '/invoices/inv-2', { token, requestId })
    const events = await eventsOf(requestId, 2)
    expect(events.map((event) => event.resource?.id).sort()).toEqual(['inv-1', 'inv-2'])
    expect(new Set(events.map((event) => event.eventId)).size).toBe(2)
  })

  it('publishes the events of the last requests before the app finishes closing', async () => {
    const closing = await buildApp(definitionWith(issuer), testRedisUrl, prefix, silent)
    await closing.producer.connect()
    await closing.app.ready()
    const requestId = uniqueId('closing')
    const response = await closing.app.inject({
      method: 'GET',
      url: '/invoices/inv-3',
      headers: { 'x-request-id': requestId, authorization: `Bearer ${await issuer.sign()}` },
    })
    expect(response.statusCode).toBe(200)
    await closing.app.close()
    await closing.producer.close()
    expect(await jobsOf(requestId)).toHaveLength(1)
  })

  it('answers normally and logs the event id when Redis is down', async () => {
    const logs = captureLogs('audit-hook-down', 'error')
    const down = await buildApp(definitionWith(issuer), 'redis://127.0.0.1:1', testRedisPrefix(), logs.logger)
    // Never connected: the producer sees Redis as unavailable, as after losing it. (connectInBackground against a
    // closed port leaves an ioredis handle open after close, which keeps jest from exiting.)
    await down.app.ready()
    try {
      const started = Date.now()
      const response = await down.app.inject({
        method: 'GET',
        url: '/invoices/inv-5',
        headers: { 'x-request-id': 'down-1', authorization: `Bearer ${await issuer.sign()}` },
      })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toEqual({ ok: true })
      expect(Date.now() - started).toBeLessThan(2000)
      const deadline = Date.now() + 3000
      let line: Record<string, unknown> | undefined
      while (line === undefined && Date.now() < deadline) {
        line = logs.lines().find((entry) => entry.msg === 'audit event could not be published')
        if (line === undefined) await new Promise((resolve) => setTimeout(resolve, 25))
      }
      expect(line).toMatchObject({ eventId: expect.stringMatching(/^down-1\.fe-active\./), action: 'fe-active.getInvoice' })
    } finally {
      await down.app.close()
      await down.producer.close()
    }
  })
})
