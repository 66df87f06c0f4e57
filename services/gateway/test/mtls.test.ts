import { type AccessTokenClaims, type App, AppError, createApp, loadConfig } from '@fatturapa-hub/shared'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import pino from 'pino'
import { ClientCaSource } from '../src/client-ca.js'
import { assertGatewayConfig, ConfigSchema } from '../src/config.js'
import { mutualTlsCheck, withForwardedCertificate } from '../src/mtls.js'

const integrationClaims: AccessTokenClaims = {
  sub: 'u1',
  studio: 's1',
  username: 'APIREST_x@x',
  kind: 'integration',
  permissions: [],
  partitaIva: '01234567897',
  jti: 'j',
  iat: 0,
  exp: 0,
}

describe('mutual TLS pieces', () => {
  let app: App
  beforeAll(async () => {
    // A CA source that was never fetched (nothing listens on port 9): API calls of integration users cannot be checked.
    const clientCa = new ClientCaSource({ authUrl: 'http://127.0.0.1:9', logger: pino({ level: 'silent' }), timeoutMs: 500 })
    expect(await clientCa.refresh()).toBe(false)
    const check = mutualTlsCheck({
      clientCa,
      verifier: {
        verify: async (token) => {
          if (token === 'integration') return integrationClaims
          if (token === 'admin') return { ...integrationClaims, kind: 'admin' }
          // What createTokenVerifier throws when the auth service's JWKS cannot be fetched.
          if (token === 'keys-unavailable') throw new AppError('SERVICE_UNAVAILABLE', 503, 'Access tokens cannot be verified right now.')
          if (token === 'expired') throw new AppError('TOKEN_EXPIRED', 401, 'The access token has expired.')
          if (token === 'broken') throw new TypeError('unexpected')
          throw new AppError('UNAUTHORIZED', 401, 'The access token is missing or not valid.')
        },
      },
      forwarded: new WeakMap(),
    })
    app = await createApp({ name: 'gateway-test', description: 'mutual TLS check', logger: pino({ level: 'silent' }) })
    app.addHook('onRequest', check)
    app.get('/api/x', async () => ({ ok: true }))
    await app.ready()
  })
  afterAll(async () => app?.close())

  it('answers 503 SERVICE_UNAVAILABLE to integration users while the client CA was never fetched', async () => {
    const response = await app.inject({ url: '/api/x', headers: { authorization: 'Bearer integration' } })
    expect(response.statusCode).toBe(503)
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 })
  })

  it('leaves other users and invalid or expired tokens to the services', async () => {
    expect((await app.inject({ url: '/api/x', headers: { authorization: 'Bearer admin' } })).statusCode).toBe(200)
    expect((await app.inject({ url: '/api/x', headers: { authorization: 'Bearer forged' } })).statusCode).toBe(200)
    expect((await app.inject({ url: '/api/x', headers: { authorization: 'Bearer expired' } })).statusCode).toBe(200)
    expect((await app.inject({ url: '/api/x' })).statusCode).toBe(200)
  })

  it('fails closed with 503 when a token cannot be verified for want of the signing keys', async () => {
    for (const token of ['keys-unavailable', 'broken']) {
      const response = await app.inject({ url: '/api/x', headers: { authorization: `Bearer ${token}` } })
      expect(response.statusCode).toBe(503)
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/)
      expect(response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 })
    }
  })

  it('drops an incoming X-Client-Certificate and sets only the verified one', () => {
    expect(withForwardedCertificate({ 'x-client-certificate': 'spoofed', accept: '*/*' }, undefined)).toEqual({ accept: '*/*' })
    expect(withForwardedCertificate({ 'x-client-certificate': 'spoofed' }, '-----BEGIN CERTIFICATE-----\nA+/=\n')).toEqual({
      'x-client-certificate': encodeURIComponent('-----BEGIN CERTIFICATE-----\nA+/=\n'),
    })
  })

  it('refuses mutual TLS without the TLS files, and one TLS file without the other', () => {
    expect(() => assertGatewayConfig(loadConfig(ConfigSchema, { MTLS_MODE: 'integration' }))).toThrow(/MTLS_MODE/)
    expect(() => assertGatewayConfig(loadConfig(ConfigSchema, { GATEWAY_TLS_CERT_FILE: '/tmp/cert.pem' }))).toThrow(/set both or neither/)
    expect(() => assertGatewayConfig(loadConfig(ConfigSchema, {}))).not.toThrow()
    expect(() => loadConfig(ConfigSchema, { MTLS_MODE: 'always' })).toThrow(/MTLS_MODE/)
    expect(loadConfig(ConfigSchema, {})).toMatchObject({ MTLS_MODE: 'off', CLIENT_CA_REFRESH_SECONDS: 60 })
  })
})
