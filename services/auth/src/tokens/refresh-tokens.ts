import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { AppError, ErrorCodes } from '@fatturapa-hub/shared'
import { defaultRefreshTokenTtlSeconds } from './constants.js'
import type { RefreshTokenRecord, RefreshTokenStore } from './refresh-token-store.js'

export type RefreshTokenRejection = 'malformed' | 'unknown' | 'revoked' | 'reused' | 'expired'

/**
 * Every refresh failure is the same 401 to the client; `reason` is for the audit log (`reused` means a stolen
 * token was probably replayed, and the whole session has been revoked).
 */
export class RefreshTokenError extends AppError {
  readonly reason: RefreshTokenRejection

  constructor(reason: RefreshTokenRejection) {
    super(ErrorCodes.Unauthorized, 401, 'The refresh token is not valid; sign in again.')
    this.reason = reason
  }
}

export interface RefreshTokenOptions {
  ttlSeconds?: number
  now?: Date
}

export interface IssuedRefreshToken {
  /** 256 random bits, base64url: give to the client, never store. */
  token: string
  /** On rotation: when the token just exchanged was issued (credentials changed after it end the session). */
  previousIssuedAt?: Date
  familyId: string
  userId: string
  studioId: string
  expiresAt: Date
}

const tokenPattern = /^[A-Za-z0-9_-]{43}$/

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** Starts a session (a new family) at sign-in. */
export async function issueRefreshToken(
  store: RefreshTokenStore,
  subject: { userId: string; studioId: string },
  options: RefreshTokenOptions = {},
): Promise<IssuedRefreshToken> {
  const now = options.now ?? new Date()
  const { token, record } = newToken({ ...subject, familyId: randomUUID() }, now, options.ttlSeconds)
  await store.insert(record)
  return { token, familyId: record.familyId, userId: record.userId, studioId: record.studioId, expiresAt: record.expiresAt }
}

/**
 * Exchanges a refresh token for its successor in the same family; the presented one is consumed. Presenting a
 * consumed token again means two parties hold it, so the whole family is revoked (RFC 9700 §4.14.2). The caller
 * issues the new access token from the user's current state, not from what the old token said.
 */
export async function rotateRefreshToken(
  store: RefreshTokenStore,
  token: string,
  options: RefreshTokenOptions = {},
): Promise<IssuedRefreshToken> {
  const now = options.now ?? new Date()
  if (!tokenPattern.test(token)) throw new RefreshTokenError('malformed')
  const current = await store.findByHash(hashRefreshToken(token))
  if (!current) throw new RefreshTokenError('unknown')
  if (current.revokedAt !== null) throw new RefreshTokenError('revoked')
  if (current.consumedAt !== null) return revokeForReuse(store, current, now)
  if (current.expiresAt.getTime() <= now.getTime()) throw new RefreshTokenError('expired')

  const next = newToken(current, now, options.ttlSeconds)
  // Losing this race to a concurrent request with the same token is reuse as well.
  if (!(await store.markConsumed(current.hash, now, next.record.hash))) return revokeForReuse(store, current, now)
  await store.insert(next.record)
  return {
    token: next.token,
    previousIssuedAt: current.issuedAt,
    familyId: current.familyId,
    userId: current.userId,
    studioId: current.studioId,
    expiresAt: next.record.expiresAt,
  }
}

/** Sign-out: ends the session the token belongs to. Unknown tokens are ignored, so sign-out always succeeds. */
export async function revokeRefreshToken(store: RefreshTokenStore, token: string, now = new Date()): Promise<void> {
  if (!tokenPattern.test(token)) return
  const record = await store.findByHash(hashRefreshToken(token))
  if (record) await store.revokeFamily(record.familyId, now)
}

async function revokeForReuse(store: RefreshTokenStore, record: RefreshTokenRecord, now: Date): Promise<never> {
  await store.revokeFamily(record.familyId, now)
  throw new RefreshTokenError('reused')
}

function newToken(
  session: { familyId: string; userId: string; studioId: string },
  now: Date,
  ttlSeconds = defaultRefreshTokenTtlSeconds,
): { token: string; record: RefreshTokenRecord } {
  const token = randomBytes(32).toString('base64url')
  return {
    token,
    record: {
      hash: hashRefreshToken(token),
      familyId: session.familyId,
      userId: session.userId,
      studioId: session.studioId,
      issuedAt: now,
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
      consumedAt: null,
      replacedBy: null,
      revokedAt: null,
    },
  }
}
