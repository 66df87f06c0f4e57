import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWTPayload, SignJWT } from 'jose'
import { type AccessTokenClaims, accessTokenAlgorithm, accessTokenType, tokenAudience, tokenIssuer } from './claims.js'
import { createTokenVerifier, type TokenVerifier } from './verifier.js'

/** Claims a test token carries; `jti`, `iat` and `exp` are set when signing. */
export type TestTokenClaims = Omit<AccessTokenClaims, 'jti' | 'iat' | 'exp'>

export interface TestSignOptions {
  issuer?: string
  audience?: string
  /** JWT `typ` header. */
  type?: string
  /** Expiry as jose accepts it: epoch seconds, a Date, or a span such as '15m' or '-1h'. */
  expiresAt?: number | string | Date
}

export interface TestTokenIssuer {
  /** The public key set, as the auth service's JWKS endpoint would serve it. */
  jwks: JSONWebKeySet
  /** A verifier trusting only this issuer's key. */
  verifier: TokenVerifier
  /** Default claims of an operator with no permissions, merged with the overrides. */
  claims(overrides?: Partial<TestTokenClaims> & JWTPayload): TestTokenClaims & JWTPayload
  sign(overrides?: Partial<TestTokenClaims> & JWTPayload, options?: TestSignOptions): Promise<string>
}

/**
 * Mints access tokens for services' tests without the auth service: a fresh ES256 key, and tokens shaped exactly
 * like the auth service's unless the options deliberately break them.
 */
export async function createTestTokenIssuer(): Promise<TestTokenIssuer> {
  const { privateKey, publicKey } = await generateKeyPair(accessTokenAlgorithm)
  const kid = `test-${randomUUID()}`
  const jwks: JSONWebKeySet = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: accessTokenAlgorithm, use: 'sig' }] }
  const claims = (overrides: Partial<TestTokenClaims> & JWTPayload = {}) => ({
    sub: 'user-1',
    studio: 'studio-1',
    username: 'mario.rossi',
    kind: 'operator' as const,
    permissions: [],
    ...overrides,
  })
  return {
    jwks,
    verifier: createTokenVerifier({ jwks }),
    claims,
    sign: (overrides = {}, options = {}) =>
      new SignJWT(claims(overrides))
        .setProtectedHeader({ alg: accessTokenAlgorithm, typ: options.type ?? accessTokenType, kid })
        .setIssuer(options.issuer ?? tokenIssuer)
        .setAudience(options.audience ?? tokenAudience)
        .setIssuedAt()
        .setExpirationTime(options.expiresAt ?? '15m')
        .setJti(randomUUID())
        .sign(privateKey),
  }
}

export interface JwksServer {
  /** The JWKS endpoint, on 127.0.0.1 and a free port. */
  url: string
  /** How many times the key set was fetched. */
  fetches(): number
  /** Answer every fetch with this status and no key set, or serve keys again with null. */
  failWith(status: number | null): void
  close(): Promise<void>
}

/** Serves a key set over real HTTP, as the auth service's JWKS endpoint does, for testing remote verification. */
export async function startJwksServer(jwks: JSONWebKeySet | (() => JSONWebKeySet)): Promise<JwksServer> {
  let fetches = 0
  let failure: number | null = null
  const server = createServer((_request, response) => {
    fetches++
    if (failure !== null) {
      response.writeHead(failure).end()
      return
    }
    const body = JSON.stringify(typeof jwks === 'function' ? jwks() : jwks)
    response.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    fetches: () => fetches,
    failWith: (status) => {
      failure = status
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
