import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { OptimisticLockError } from '@mikro-orm/core'
import Type from 'typebox'
import { AppError, ProblemSchema, problemResponses } from '../src/errors.js'
import { type App, createApp } from '../src/http/app-factory.js'
import { captureLogs } from '../src/testing/index.js'

describe('createApp', () => {
  let app: App
  const logs = captureLogs('unit', 'debug')

  beforeAll(async () => {
    app = await createApp({ name: 'unit', description: 'test app', logger: logs.logger, tags: [{ name: 'things', description: 'Things' }] })
    app.post(
      '/things',
      {
        schema: {
          tags: ['things'],
          body: Type.Object(
            { name: Type.String({ minLength: 2 }), amount: Type.String({ pattern: '^\\d+\\.\\d{2}$' }) },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ name: Type.String() }), ...problemResponses(400, 409) },
        },
      },
      async (request, reply) => {
        if (request.body.name === 'taken')
          throw new AppError('THING_EXISTS', 409, 'A thing with this name exists.', { name: request.body.name })
        return reply.code(201).send({ name: request.body.name })
      },
    )
    app.get('/boom', { schema: { tags: ['things'], response: { 500: ProblemSchema } } }, async () => {
      throw new Error('database password is hunter2')
    })
    app.get('/stale', { schema: { tags: ['things'], response: { 409: ProblemSchema } } }, async () => {
      throw OptimisticLockError.lockFailed('The optimistic lock on entity Thing failed')
    })
    app.get('/not-ready', async () => {
      throw Object.assign(new Error('boom'), { statusCode: 503 })
    })
    app.readinessChecks.set('ok-check', async () => {})
    await app.ready()
  })
  afterAll(() => app.close())

  it('answers a valid request and echoes the request id', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'ab', amount: '10.00' },
      headers: { 'x-request-id': 'req-1' },
    })
    expect(response.statusCode).toBe(201)
    expect(response.headers['x-request-id']).toBe('req-1')
    expect(logs.lines().some((line) => line.reqId === 'req-1' && line.msg === 'request completed')).toBe(true)
  })

  it('replaces an unsafe caller request id', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\nforged' } })
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('reports every schema violation as a 400 problem', async () => {
    const response = await app.inject({ method: 'POST', url: '/things', payload: { name: 'a', amount: '1', extra: true } })
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    const body = response.json()
    expect(body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', title: 'Bad Request', instance: '/things' })
    expect(body.errors.length).toBeGreaterThanOrEqual(2)
    expect(body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['body/name', 'body/amount']))
  })

  it('maps a malformed JSON body to MALFORMED_BODY', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      payload: '{"name":',
      headers: { 'content-type': 'application/json' },
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().code).toBe('MALFORMED_BODY')
  })

  it('maps a typed error with its code and extensions', async () => {
    const response = await app.inject({ method: 'POST', url: '/things', payload: { name: 'taken', amount: '1.00' } })
    expect(response.statusCode).toBe(409)
    expect(response.json()).toMatchObject({ code: 'THING_EXISTS', detail: 'A thing with this name exists.', name: 'taken' })
  })

  it('maps a lost optimistic lock (a concurrent change) to 409 CONCURRENT_MODIFICATION', async () => {
    const response = await app.inject({ method: 'GET', url: '/stale' })
    expect(response.statusCode).toBe(409)
    expect(response.json()).toMatchObject({ code: 'CONCURRENT_MODIFICATION' })
  })

  it('hides the details of a 5xx and logs them as an error', async () => {
    const response = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'req-boom' } })
    expect(response.statusCode).toBe(500)
    expect(response.body).not.toContain('hunter2')
    expect(response.json()).toMatchObject({ code: 'INTERNAL_ERROR', requestId: 'req-boom' })
    expect(logs.lines().some((line) => line.reqId === 'req-boom' && line.level === 'error')).toBe(true)
  })

  it('answers unknown routes with a 404 problem', async () => {
    const response = await app.inject({ method: 'GET', url: '/nowhere?x=1' })
    expect(response.statusCode).toBe(404)
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND', detail: 'No route GET /nowhere.' })
  })

  it('documents tagged routes in OpenAPI 3.1 and hides untagged ones', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
    expect(document.openapi).toBe('3.1.0')
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/things', '/boom']))
    expect(document.paths['/not-ready']).toBeUndefined()
    expect(document.paths['/things'].post.responses['409']).toBeDefined()
  })

  it('reports readiness from the registered checks', async () => {
    app.readinessChecks.set('failing', async () => {
      throw new Error('redis down')
    })
    const failing = await app.inject({ method: 'GET', url: '/readyz' })
    expect(failing.statusCode).toBe(503)
    expect(failing.json().checks.failing).toEqual({ ok: false, error: 'redis down' })
    app.readinessChecks.delete('failing')
    const ready = await app.inject({ method: 'GET', url: '/readyz' })
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { 'ok-check': { ok: true } } })
  })
})
