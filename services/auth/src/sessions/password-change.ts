import { AppError, ErrorCodes } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/core'
import { checkPassword, hashPassword, PasswordPolicyError, verifyPassword } from '../passwords/index.js'
import { normalizePassword } from '../passwords/normalize.js'
import type { AuthRuntime } from '../runtime.js'
import { User } from '../users/user.entity.js'
import { accountRefusal } from './account-status.js'
import { invalidCredentials, passwordReused, portalLoginNotAllowed, userDisabled } from './errors.js'
import { lockedUserOptions, registerFailedAttempt } from './failed-attempts.js'
import { issueSessionBody, type SessionBody } from './session-response.js'

export interface PasswordChangeInput {
  userId: string
  currentPassword: string
  newPassword: string
  ip: string
}

/**
 * The change at first sign-in (seed, section 1.2) and any later one. A wrong current password counts towards
 * the lockout like a wrong sign-in. Every existing session of the user ends; the answer is a new one.
 */
export async function changePassword(
  em: EntityManager,
  runtime: AuthRuntime,
  input: PasswordChangeInput,
  now = new Date(),
): Promise<SessionBody> {
  const found = await em.fork().findOne(User, { id: input.userId })
  if (found === null) throw new AppError(ErrorCodes.Unauthorized, 401, 'The user of this token no longer exists.')
  if (found.kind === 'integration') throw portalLoginNotAllowed()
  if (found.disabledAt !== null) throw userDisabled()
  if (!(await verifyPassword(found.passwordHash, input.currentPassword))) {
    await registerFailedAttempt(em, runtime, found.id, input.ip, now)
  }
  const refusal = accountRefusal(found, now)
  if (refusal !== null) throw refusal
  const violations = checkPassword(found.username, input.newPassword)
  if (violations.length > 0) throw new PasswordPolicyError(violations, '/newPassword')
  if (normalizePassword(input.newPassword) === normalizePassword(input.currentPassword)) throw passwordReused()
  const newHash = await hashPassword(input.newPassword)

  const outcome = await em.fork().transactional(async (tx) => {
    const user = await tx.findOneOrFail(User, { id: found.id }, lockedUserOptions(tx))
    if (user.passwordHash !== found.passwordHash) return { kind: 'refused' as const, error: invalidCredentials() }
    const lateRefusal = accountRefusal(user, now)
    if (lateRefusal !== null) return { kind: 'refused' as const, error: lateRefusal }
    user.passwordHash = newHash
    user.passwordIsSystem = false
    user.passwordChangedAt = now
    user.failedAttempts = 0
    user.updatedAt = now
    return { kind: 'changed' as const, user }
  })
  if (outcome.kind === 'refused') throw outcome.error
  await runtime.refreshTokens.revokeUser(found.id, now)
  return issueSessionBody(em, runtime, outcome.user, now)
}
