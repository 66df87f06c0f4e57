import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type JSONWebKeySet, SignJWT } from 'jose'
import { createTestTokenIssuer, type JwksServer, startJwksServer, type TestTokenIssuer } from '../../src/auth/testing.js'
import { createTokenVerifier, type TokenVerifier } from '../../src/auth/verifier.js'

const unauthorized = { statusCode: 401, code: 'UNAUTHORIZED', message: 'The access token is missing or not valid.' }

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

describe('createTokenVerifier with a remote key set', () => {
  let first: TestTokenIssuer
  let second: TestTokenIssuer
  let published: JSONWebKeySet
  let server: JwksServer
  let verifier: TokenVerifier

  beforeAll(async () => {
    first = await createTestTokenIssuer()
    second = await createTestTokenIssuer()
    published = first.jwks
    server = await startJwksServer(() => published)
    verifier = createTokenVerifier({ jwksUrl: server.url, cooldownMs: 0 })
  })
  afterAll(() => server.close())

  it('returns the typed claims of a valid token and caches the key set', async () => {
    const token = await first.sign({ sub: 'u-7', studio: 's-3', kind: 'integration', partitaIva: '01234567890', permissions: ['a:b'] })
    const claims = await verifier.verify(token)
    expect(claims).toMatchObject({ sub: 'u-7', studio: 's-3', kind: 'integration', partitaIva: '01234567890', permissions: ['a:b'] })
    expect(typeof claims.jti).toBe('string')
    expect(claims.exp - claims.iat).toBe(15 * 60)
    await verifier.verify(await first.sign())
    expect(server.fetches()).toBe(1)
  })

  it('fetches the key set again when a token names an unknown key', async () => {
    const token = await second.sign()
    await expect(verifier.verify(token)).rejects.toMatchObject(unauthorized)
    published = { keys: [...first.jwks.keys, ...second.jwks.keys] }
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'user-1' })
  })

  it('tolerates 30 s of clock skew, then answers TOKEN_EXPIRED', async () => {
    const now = Math.floor(Date.now() / 1000)
    await expect(verifier.verify(await first.sign({}, { expiresAt: now - 20 }))).resolves.toBeDefined()
    await expect(verifier.verify(await first.sign({}, { expiresAt: now - 40 }))).rejects.toMatchObject({
      statusCode: 401,
      code: 'TOKEN_EXPIRED',
    })
  })

  it('refuses a tampered payload or signature', async () => {
    const [header, payload, signature] = (await first.sign({ permissions: [] })).split('.')
    const forged = base64url({ ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()), permissions: ['admin:all'] })
    await expect(verifier.verify(`${header}.${forged}.${signature}`)).rejects.toMatchObject(unauthorized)
    const flipped = `${signature?.startsWith('A') ? 'B' : 'A'}${signature?.slice(1)}`
    await expect(verifier.verify(`${header}.${payload}.${flipped}`)).rejects.toMatchObject(unauthorized)
  })

  it('refuses the wrong audience, issuer or token type', async () => {
    await expect(verifier.verify(await first.sign({}, { audience: 'someone-else' }))).rejects.toMatchObject(unauthorized)
    await expect(verifier.verify(await first.sign({}, { issuer: 'https://evil.example' }))).rejects.toMatchObject(unauthorized)
    await expect(verifier.verify(await first.sign({}, { type: 'JWT' }))).rejects.toMatchObject(unauthorized)
  })

  it('refuses unsigned and HMAC tokens', async () => {
    const claims = { ...first.claims(), iss: 'fatturapa-hub/auth', aud: 'fatturapa-hub', jti: 'x', iat: 1, exp: 9999999999 }
    const unsigned = `${base64url({ alg: 'none', typ: 'at+jwt' })}.${base64url(claims)}.`
    await expect(verifier.verify(unsigned)).rejects.toMatchObject(unauthorized)
    // Algorithm confusion: an HMAC keyed with the public key, which anybody can read from the JWKS.
    const hmac = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .sign(new TextEncoder().encode(JSON.stringify(first.jwks.keys[0])))
    await expect(verifier.verify(hmac)).rejects.toMatchObject(unauthorized)
  })

  it('refuses garbage and claims of the wrong shape', async () => {
    for (const garbage of ['', 'abc', 'a.b.c', 'Bearer x']) await expect(verifier.verify(garbage)).rejects.toMatchObject(unauthorized)
    await expect(verifier.verify(await first.sign({ kind: 'root' as never }))).rejects.toMatchObject(unauthorized)
    await expect(verifier.verify(await first.sign({ studio: undefined as never }))).rejects.toMatchObject(unauthorized)
  })

  it('answers 503 when the key set cannot be fetched', async () => {
    const failing = await startJwksServer(first.jwks)
    failing.failWith(500)
    const token = await first.sign()
    await expect(createTokenVerifier({ jwksUrl: failing.url }).verify(token)).rejects.toMatchObject({
      statusCode: 503,
      code: 'SERVICE_UNAVAILABLE',
    })
    await failing.close()
    await expect(createTokenVerifier({ jwksUrl: failing.url }).verify(token)).rejects.toMatchObject({ statusCode: 503 })
  })
})

describe('createTokenVerifier with a local key set', () => {
  it('follows a key set getter', async () => {
    const first = await createTestTokenIssuer()
    const second = await createTestTokenIssuer()
    let jwks = first.jwks
    const verifier = createTokenVerifier({ jwks: () => jwks })
    const token = await second.sign()
    await expect(verifier.verify(token)).rejects.toMatchObject(unauthorized)
    jwks = second.jwks
    await expect(verifier.verify(token)).resolves.toMatchObject({ username: 'mario.rossi' })
    await expect(first.verifier.verify(await first.sign())).resolves.toBeDefined()
  })
})
