import * as shared from '@fatturapa-hub/shared'
import { type JwksServer, startJwksServer } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { decodeProtectedHeader } from 'jose'
import { type AccessTokenInput, issueAccessToken } from '../../src/tokens/access-token.js'
import * as constants from '../../src/tokens/constants.js'
import { KeyRing } from '../../src/tokens/key-ring.js'

const operator: AccessTokenInput = {
  sub: 'user-1',
  studio: 'studio-1',
  username: 'mario.rossi',
  kind: 'operator',
  permissions: ['fe-active:invoices:write', 'fe-active:invoices:read', 'fe-active:invoices:write'],
}

describe('issueAccessToken verified by the shared verifier over HTTP', () => {
  let ring: KeyRing
  let server: JwksServer

  beforeAll(async () => {
    ring = await KeyRing.create()
    server = await startJwksServer(() => ring.publicJwks())
  })
  afterAll(() => server.close())

  const verifier = () => shared.createTokenVerifier({ jwksUrl: server.url, cooldownMs: 0, cacheMaxAgeMs: 0 })

  it('agrees with the verifying side on issuer, audience, type and algorithm', () => {
    expect(constants.tokenIssuer).toBe(shared.tokenIssuer)
    expect(constants.tokenAudience).toBe(shared.tokenAudience)
    expect(constants.accessTokenType).toBe(shared.accessTokenType)
    expect(constants.signingAlgorithm).toBe(shared.accessTokenAlgorithm)
  })

  it('issues a 15-minute token carrying exactly the known claims', async () => {
    const now = new Date()
    const issued = await issueAccessToken(ring, { ...operator, secret: 'hash' } as AccessTokenInput, { now })
    expect(issued.expiresIn).toBe(900)
    expect(issued.expiresAt.getTime()).toBe(Math.floor(now.getTime() / 1000) * 1000 + 900_000)
    expect(decodeProtectedHeader(issued.token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: ring.current.kid })
    const claims = await verifier().verify(issued.token)
    expect(claims).toEqual({
      sub: 'user-1',
      studio: 'studio-1',
      username: 'mario.rossi',
      kind: 'operator',
      permissions: ['fe-active:invoices:write', 'fe-active:invoices:read'],
      iss: 'fatturapa-hub/auth',
      aud: 'fatturapa-hub',
      jti: issued.jti,
      iat: Math.floor(now.getTime() / 1000),
      exp: Math.floor(now.getTime() / 1000) + 900,
    })
  })

  it('carries the integration and gating claims when set', async () => {
    const { token } = await issueAccessToken(ring, {
      ...operator,
      kind: 'integration',
      partitaIva: '01234567890',
      mustChangePassword: true,
      contractsPending: true,
    })
    await expect(verifier().verify(token)).resolves.toMatchObject({
      kind: 'integration',
      partitaIva: '01234567890',
      mustChangePassword: true,
      contractsPending: true,
    })
    const plain = await verifier().verify((await issueAccessToken(ring, { ...operator, mustChangePassword: false })).token)
    expect(plain).not.toHaveProperty('mustChangePassword')
  })

  it('keeps verifying tokens of a rotated-out key until the key leaves the ring', async () => {
    const old = await issueAccessToken(ring, operator)
    const previousKid = ring.current.kid
    await ring.rotate()
    const fresh = await issueAccessToken(ring, operator)
    expect(decodeProtectedHeader(fresh.token).kid).toBe(ring.current.kid)
    const checker = verifier()
    await expect(checker.verify(fresh.token)).resolves.toBeDefined()
    await expect(checker.verify(old.token)).resolves.toBeDefined()
    ring.remove(previousKid)
    await expect(checker.verify(old.token)).rejects.toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' })
    await expect(checker.verify(fresh.token)).resolves.toBeDefined()
  })

  it('issues tokens that expire', async () => {
    const { token } = await issueAccessToken(ring, operator, { now: new Date(Date.now() - 3_600_000) })
    await expect(verifier().verify(token)).rejects.toMatchObject({ statusCode: 401, code: 'TOKEN_EXPIRED' })
  })

  it('lets the auth service verify locally against its own ring', async () => {
    const local = shared.createTokenVerifier({ jwks: () => ring.publicJwks() })
    await expect(local.verify((await issueAccessToken(ring, operator)).token)).resolves.toMatchObject({ sub: 'user-1' })
  })
})
