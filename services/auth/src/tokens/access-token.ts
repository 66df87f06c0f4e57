import { randomUUID } from 'node:crypto'
import type { UserKind } from '@fatturapa-hub/shared'
import { SignJWT } from 'jose'
import { accessTokenType, defaultAccessTokenTtlSeconds, signingAlgorithm, tokenAudience, tokenIssuer } from './constants.js'
import type { KeyRing } from './key-ring.js'

export type { UserKind } from '@fatturapa-hub/shared'

/** What an access token says about its user; mirrors `AccessTokenClaims` of `@fatturapa-hub/shared`. */
export interface AccessTokenInput {
  /** User id. */
  sub: string
  /** Studio id. */
  studio: string
  username: string
  kind: UserKind
  permissions: readonly string[]
  /** Integration users only: the client VAT number their certificate must match. */
  partitaIva?: string
  mustChangePassword?: boolean
  contractsPending?: boolean
}

export interface IssueAccessTokenOptions {
  ttlSeconds?: number
  now?: Date
}

export interface IssuedAccessToken {
  token: string
  jti: string
  expiresAt: Date
  /** Seconds, for an OAuth-style `expires_in`. */
  expiresIn: number
}

/** A short-lived ES256 JWT signed with the ring's current key. */
export async function issueAccessToken(
  ring: KeyRing,
  claims: AccessTokenInput,
  options: IssueAccessTokenOptions = {},
): Promise<IssuedAccessToken> {
  const ttlSeconds = options.ttlSeconds ?? defaultAccessTokenTtlSeconds
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000)
  const expiresAt = issuedAt + ttlSeconds
  const jti = randomUUID()
  const key = ring.current
  const token = await new SignJWT(payloadOf(claims))
    .setProtectedHeader({ alg: signingAlgorithm, typ: accessTokenType, kid: key.kid })
    .setIssuer(tokenIssuer)
    .setAudience(tokenAudience)
    .setSubject(claims.sub)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .setJti(jti)
    .sign(key.privateKey)
  return { token, jti, expiresAt: new Date(expiresAt * 1000), expiresIn: ttlSeconds }
}

/**
 * Copies only the known claims, so a caller passing a whole user row cannot leak other fields into a token that
 * anyone holding it can read; flags appear only when set, keeping tokens short.
 */
function payloadOf(claims: AccessTokenInput): Record<string, unknown> {
  return {
    studio: claims.studio,
    username: claims.username,
    kind: claims.kind,
    permissions: [...new Set(claims.permissions)],
    ...(claims.partitaIva === undefined ? {} : { partitaIva: claims.partitaIva }),
    ...(claims.mustChangePassword === true ? { mustChangePassword: true } : {}),
    ...(claims.contractsPending === true ? { contractsPending: true } : {}),
  }
}
