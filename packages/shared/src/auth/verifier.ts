import { createLocalJWKSet, createRemoteJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey, jwtVerify } from 'jose'
import { Compile } from 'typebox/compile'
import { AppError, ErrorCodes } from '../errors.js'
import {
  type AccessTokenClaims,
  AccessTokenClaimsSchema,
  accessTokenAlgorithm,
  accessTokenType,
  tokenAudience,
  tokenIssuer,
} from './claims.js'
import { AuthErrorCodes } from './codes.js'

export interface RemoteKeySetOptions {
  /** The auth service's JWKS endpoint. */
  jwksUrl: string | URL
  /** How long a fetched key set is trusted before it is fetched again; default 10 minutes. */
  cacheMaxAgeMs?: number
  /** Least time between two fetches caused by an unknown `kid`, so forged kids cannot hammer the auth service; default 30 s. */
  cooldownMs?: number
  /** Default 5 s. */
  timeoutMs?: number
}

export interface LocalKeySetOptions {
  /** A fixed key set, or a getter for one that changes (the auth service verifying with its own key ring). */
  jwks: JSONWebKeySet | (() => JSONWebKeySet)
}

export type TokenVerifierOptions = (RemoteKeySetOptions | LocalKeySetOptions) & {
  /** Allowed clock skew between services, in seconds; default 30. */
  clockToleranceSec?: number
}

export interface TokenVerifier {
  /** The token's claims, or an AppError: 401 `UNAUTHORIZED`, 401 `TOKEN_EXPIRED`, or 503 when the keys cannot be fetched. */
  verify(token: string): Promise<AccessTokenClaims>
}

export const defaultClockToleranceSec = 30

const claimsValidator = Compile(AccessTokenClaimsSchema)

/** Verifies access tokens locally: signature against the auth service's keys, issuer, audience, type, expiry and claim shapes. */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keys = 'jwksUrl' in options ? remoteKeys(options) : localKeys(options)
  const clockTolerance = options.clockToleranceSec ?? defaultClockToleranceSec
  return {
    async verify(token) {
      const { payload } = await jwtVerify(token, keys, {
        issuer: tokenIssuer,
        audience: tokenAudience,
        algorithms: [accessTokenAlgorithm],
        typ: accessTokenType,
        clockTolerance,
        requiredClaims: ['exp', 'iat', 'sub', 'jti'],
      }).catch((error: unknown) => {
        throw toAppError(error)
      })
      if (!claimsValidator.Check(payload)) throw withCause(invalidToken(), new Error('claims do not match the schema'))
      return payload
    },
  }
}

/** Marks a failure to obtain the key set, as opposed to a token that does not match it. */
class KeySetUnavailable extends Error {}

function remoteKeys(options: RemoteKeySetOptions): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(new URL(options.jwksUrl), {
    ...(options.cacheMaxAgeMs === undefined ? {} : { cacheMaxAge: options.cacheMaxAgeMs }),
    ...(options.cooldownMs === undefined ? {} : { cooldownDuration: options.cooldownMs }),
    ...(options.timeoutMs === undefined ? {} : { timeoutDuration: options.timeoutMs }),
  })
  return async (header, token) => {
    try {
      return await remote(header, token)
    } catch (error) {
      // Looking a key up in a fetched set fails with specific JOSE codes; anything else is the fetch itself
      // (network error, timeout, non-200, not JSON, not a key set), which is our outage, not the caller's fault.
      const fetchFailure =
        !(error instanceof errors.JOSEError) ||
        error.code === errors.JOSEError.code ||
        error instanceof errors.JWKSTimeout ||
        error instanceof errors.JWKSInvalid
      if (!fetchFailure) throw error
      throw new KeySetUnavailable('cannot fetch the JSON Web Key Set', { cause: error })
    }
  }
}

function localKeys(options: LocalKeySetOptions): JWTVerifyGetKey {
  const source = options.jwks
  if (typeof source !== 'function') return createLocalJWKSet(source)
  // Rebuilt only when the getter returns a different set, so imported keys stay cached between calls.
  let lastSet: JSONWebKeySet | undefined
  let lastKeys: JWTVerifyGetKey | undefined
  return (header, token) => {
    const set = source()
    if (set !== lastSet || !lastKeys) {
      lastSet = set
      lastKeys = createLocalJWKSet(set)
    }
    return lastKeys(header, token)
  }
}

function toAppError(error: unknown): AppError {
  if (error instanceof KeySetUnavailable) {
    return withCause(new AppError(ErrorCodes.ServiceUnavailable, 503, 'Access tokens cannot be verified right now; retry later.'), error)
  }
  if (error instanceof errors.JWTExpired) {
    return withCause(new AppError(AuthErrorCodes.TokenExpired, 401, 'The access token has expired.'), error)
  }
  return withCause(invalidToken(), error)
}

function invalidToken(): AppError {
  // One message for every reason, so callers cannot probe which check failed.
  return new AppError(ErrorCodes.Unauthorized, 401, 'The access token is missing or not valid.')
}

/** The cause is for logs only; the problem document carries just the code and the message. */
function withCause(appError: AppError, cause: unknown): AppError {
  appError.cause = cause
  return appError
}
