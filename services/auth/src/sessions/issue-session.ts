import { effectivePermissions } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/core'
import { pendingContracts } from '../contracts/pending.js'
import type { AuthRuntime } from '../runtime.js'
import { type AccessTokenInput, issueAccessToken, issueRefreshToken } from '../tokens/index.js'
import type { User } from '../users/user.entity.js'
import { integrationCertificateHolder } from './client-certificate.js'
import { passwordExpired } from './password-expiry.js'

export interface IssuedSession {
  accessToken: string
  tokenType: 'Bearer'
  expiresIn: number
  refreshToken: string
  refreshTokenExpiresAt: string
  mustChangePassword: boolean
  contractsPending: boolean
}

/** The claims of a user as they are now: called at every sign-in and refresh, never copied from an old token. */
export async function accessTokenInputFor(em: EntityManager, user: User, now = new Date()): Promise<AccessTokenInput> {
  const { permissions } = effectivePermissions(user.kind, user.classes)
  const partitaIva = user.kind === 'integration' ? (await integrationCertificateHolder(em, user)).partitaIva : undefined
  const mustChangePassword = user.kind !== 'integration' && (user.passwordIsSystem || passwordExpired(user, now))
  // Contracts come after the password change (seed, section 1.3): until then only that call works anyway.
  const contractsPending = !mustChangePassword && (await pendingContracts(em, user)).length > 0
  return {
    sub: user.id,
    studio: user.studioId,
    username: user.username,
    kind: user.kind,
    permissions,
    ...(partitaIva === undefined ? {} : { partitaIva }),
    mustChangePassword,
    contractsPending,
  }
}

/** Access token plus a new refresh-token family (a sign-in). */
export async function issueSession(em: EntityManager, runtime: AuthRuntime, user: User, now = new Date()): Promise<IssuedSession> {
  const claims = await accessTokenInputFor(em, user, now)
  const refresh = await issueRefreshToken(
    runtime.refreshTokens,
    { userId: user.id, studioId: user.studioId },
    { ttlSeconds: runtime.config.REFRESH_TOKEN_TTL_DAYS * 86400, now },
  )
  return sessionWith(runtime, claims, refresh, now)
}

export interface IssuedAccessToken {
  accessToken: string
  tokenType: 'Bearer'
  expiresIn: number
  mustChangePassword: boolean
  contractsPending: boolean
}

/**
 * Only a new access token from the user's current state, for calls that change what the token says (contract
 * acceptance) without being a sign-in: starting a new refresh family there would let a stolen access token turn
 * itself into a 30-day session that outlives a password change. The session's refresh token keeps working and
 * yields the same claims at the next refresh.
 */
export async function issueAccessTokenOnly(
  em: EntityManager,
  runtime: AuthRuntime,
  user: User,
  now = new Date(),
): Promise<IssuedAccessToken> {
  const claims = await accessTokenInputFor(em, user, now)
  const access = await issueAccessToken(runtime.keyRing, claims, { ttlSeconds: runtime.config.ACCESS_TOKEN_TTL_SECONDS, now })
  return {
    accessToken: access.token,
    tokenType: 'Bearer',
    expiresIn: access.expiresIn,
    mustChangePassword: claims.mustChangePassword === true,
    contractsPending: claims.contractsPending === true,
  }
}

/** A new access token from the user's current state, beside a refresh token already rotated (a refresh). */
export async function continueSession(
  em: EntityManager,
  runtime: AuthRuntime,
  user: User,
  refresh: { token: string; expiresAt: Date },
  now = new Date(),
): Promise<IssuedSession> {
  return sessionWith(runtime, await accessTokenInputFor(em, user, now), refresh, now)
}

async function sessionWith(
  runtime: AuthRuntime,
  claims: AccessTokenInput,
  refresh: { token: string; expiresAt: Date },
  now: Date,
): Promise<IssuedSession> {
  const access = await issueAccessToken(runtime.keyRing, claims, { ttlSeconds: runtime.config.ACCESS_TOKEN_TTL_SECONDS, now })
  return {
    accessToken: access.token,
    tokenType: 'Bearer',
    expiresIn: access.expiresIn,
    refreshToken: refresh.token,
    refreshTokenExpiresAt: refresh.expiresAt.toISOString(),
    mustChangePassword: claims.mustChangePassword === true,
    contractsPending: claims.contractsPending === true,
  }
}
