import { AppError, ErrorCodes } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/core'
import type { AuthRuntime } from '../runtime.js'
import { revokeRefreshToken, rotateRefreshToken } from '../tokens/index.js'
import { User } from '../users/user.entity.js'
import { accountRefusal } from './account-status.js'
import { assertClientCertificate, integrationCertificateHolder } from './client-certificate.js'
import { continueSession } from './issue-session.js'
import { type SessionBody, sessionBody } from './session-response.js'

/**
 * Rotates the refresh token and issues the access token from the user as they are now. A user who was deleted,
 * disabled, deactivated or reached the expiry date ends the session (the whole family is revoked). Integration
 * users in client-certificate mode must present their certificate at every refresh too, or a refresh token would
 * outlive the certificate's revocation.
 */
export async function refreshSession(
  em: EntityManager,
  runtime: AuthRuntime,
  token: string,
  options: { clientCertificate?: string | undefined; ip: string; onUserFound?: (user: User) => void },
  now = new Date(),
): Promise<SessionBody> {
  const rotated = await rotateRefreshToken(runtime.refreshTokens, token, { ttlSeconds: runtime.config.REFRESH_TOKEN_TTL_DAYS * 86400, now })
  const fork = em.fork()
  const user = await fork.findOne(User, { id: rotated.userId })
  if (user !== null) options.onUserFound?.(user)
  // Read after the successor was stored: a password change committed before this read is seen here, and one
  // committed after it revokes the successor too, so no refresh slips through a password change or reset.
  const credentialsChanged = user !== null && rotated.previousIssuedAt !== undefined && user.passwordChangedAt > rotated.previousIssuedAt
  if (user === null || credentialsChanged || accountRefusal(user, now) !== null) {
    await runtime.refreshTokens.revokeFamily(rotated.familyId, now)
    throw new AppError(ErrorCodes.Unauthorized, 401, 'The session has ended: the user can no longer sign in.')
  }
  if (user.kind === 'integration' && runtime.config.CLIENT_CERTIFICATE_REQUIRED) {
    try {
      await assertClientCertificate(em, runtime, await integrationCertificateHolder(em, user), options.clientCertificate, now)
    } catch (error) {
      await runtime.refreshTokens.revokeFamily(rotated.familyId, now)
      throw error
    }
  }
  // A refresh is an access ("data ultimo accesso"): a user working on refreshed sessions is not inactive.
  await fork.nativeUpdate(User, { id: user.id }, { lastLoginAt: now, lastLoginIp: options.ip })
  const session = await continueSession(em, runtime, user, { token: rotated.token, expiresAt: rotated.expiresAt }, now)
  return sessionBody(session, user, now)
}

/** Sign-out: ends the session of the token; unknown or already revoked tokens are ignored. */
export async function endSession(runtime: AuthRuntime, token: string, now = new Date()): Promise<void> {
  await revokeRefreshToken(runtime.refreshTokens, token, now)
}
