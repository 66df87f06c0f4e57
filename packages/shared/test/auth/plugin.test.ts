import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import Type from 'typebox'
import { assertSameStudio, authPlugin, requirePermission } from '../../src/auth/plugin.js'
import { createTestTokenIssuer, type TestTokenIssuer } from '../../src/auth/testing.js'
import { type App, createApp } from '../../src/http/app-factory.js'
import { captureLogs } from '../../src/testing/index.js'

describe('authPlugin', () => {
  let app: App
  let issuer: TestTokenIssuer

  beforeAll(async () => {
    issuer = await createTestTokenIssuer()
    app = await createApp({ name: 'unit', description: 'auth plugin test', logger: captureLogs('unit', 'warn').logger })
    await app.register(authPlugin, { verifier: issuer.verifier })
    app.get('/public', { config: { public: true } }, async (request) => ({ user: request.user }))
    app.get('/me', async (request) => ({ sub: request.user.sub, studio: request.user.studio }))
    app.post('/invoices', { preHandler: requirePermission('fe-active:invoices:write') }, async (_request, reply) => reply.code(201).send())
    app.post('/password', { config: { allowPasswordChange: true } }, async () => ({ changed: true }))
    app.post('/contracts', { config: { allowContractsPending: true } }, async () => ({ accepted: true }))
    app.get('/studios/:studioId/things', { schema: { params: Type.Object({ studioId: Type.String() }) } }, async (request) => {
      assertSameStudio(request, request.params.studioId)
      return []
    })
    await app.ready()
  })
  afterAll(() => app.close())

  const call = async (method: 'GET' | 'POST', url: string, token?: string) => {
    const response = await app.inject({ method, url, ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }) })
    return { status: response.statusCode, body: response.body ? response.json() : undefined, headers: response.headers }
  }

  it('answers 401 without a token', async () => {
    const response = await call('GET', '/me')
    expect(response.status).toBe(401)
    expect(response.body).toMatchObject({ code: 'UNAUTHORIZED', status: 401 })
    expect(response.headers['www-authenticate']).toBe('Bearer')
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    const basic = await app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Basic dXNlcjpwYXNz' } })
    expect(basic.statusCode).toBe(401)
  })

  it('answers 401 for a bad token and TOKEN_EXPIRED for an expired one', async () => {
    const bad = await call('GET', '/me', 'not.a.token')
    expect(bad.status).toBe(401)
    expect(bad.body).toMatchObject({ code: 'UNAUTHORIZED' })
    expect(bad.headers['www-authenticate']).toBe('Bearer error="invalid_token"')
    const other = await createTestTokenIssuer()
    expect((await call('GET', '/me', await other.sign())).status).toBe(401)
    const expired = await call('GET', '/me', await issuer.sign({}, { expiresAt: '-1h' }))
    expect(expired).toMatchObject({ status: 401, body: { code: 'TOKEN_EXPIRED' } })
  })

  it('exposes the claims to handlers', async () => {
    const response = await call('GET', '/me', await issuer.sign({ sub: 'u-9', studio: 's-2' }))
    expect(response).toMatchObject({ status: 200, body: { sub: 'u-9', studio: 's-2' } })
  })

  it('answers 403 when a permission is missing', async () => {
    expect(await call('POST', '/invoices', await issuer.sign({ permissions: ['fe-active:invoices:read'] }))).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    })
    expect((await call('POST', '/invoices', await issuer.sign({ permissions: ['fe-active:invoices:write'] }))).status).toBe(201)
  })

  it('lets a user who must change password reach only the routes that allow it', async () => {
    const token = await issuer.sign({ mustChangePassword: true })
    expect(await call('GET', '/me', token)).toMatchObject({ status: 403, body: { code: 'PASSWORD_CHANGE_REQUIRED' } })
    expect(await call('POST', '/contracts', token)).toMatchObject({ status: 403, body: { code: 'PASSWORD_CHANGE_REQUIRED' } })
    expect(await call('POST', '/password', token)).toMatchObject({ status: 200, body: { changed: true } })
  })

  it('lets a user with pending contracts reach only the routes that allow it', async () => {
    const token = await issuer.sign({ contractsPending: true })
    expect(await call('GET', '/me', token)).toMatchObject({ status: 403, body: { code: 'CONTRACTS_PENDING' } })
    expect(await call('POST', '/password', token)).toMatchObject({ status: 403, body: { code: 'CONTRACTS_PENDING' } })
    expect(await call('POST', '/contracts', token)).toMatchObject({ status: 200, body: { accepted: true } })
  })

  it('skips authentication on public routes, unknown routes and health checks', async () => {
    expect(await call('GET', '/public')).toMatchObject({ status: 200, body: { user: null } })
    expect(await call('GET', '/public', 'garbage')).toMatchObject({ status: 200 })
    expect(await call('GET', '/nowhere')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } })
    expect((await call('GET', '/healthz')).status).toBe(200)
    expect((await call('GET', '/openapi.json')).status).toBe(200)
  })

  it('hides other studios behind 404', async () => {
    const token = await issuer.sign({ studio: 's-1' })
    expect(await call('GET', '/studios/s-1/things', token)).toMatchObject({ status: 200, body: [] })
    expect(await call('GET', '/studios/s-2/things', token)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } })
  })
})
