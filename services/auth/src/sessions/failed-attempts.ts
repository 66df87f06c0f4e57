import { usesPostgres } from '@fatturapa-hub/shared'
import { type EntityManager, type FindOneOptions, LockMode } from '@mikro-orm/core'
import type { AuthRuntime } from '../runtime.js'
import { type DisabledReason, User } from '../users/user.entity.js'
import { invalidCredentials, userDisabled } from './errors.js'

/** Seed, section 1.3: three attempts, then only the administrator can reactivate the user. */
export const maxFailedAttempts = 3

/**
 * Reads the user for an update that must not interleave with another request's: `select … for update` on
 * PostgreSQL; on SQLite the transaction holds the file's write lock from its start (`BEGIN IMMEDIATE`, see
 * openDatabase). `refresh` because a lock on a row whose data came from the identity map would protect stale values.
 */
export function lockedUserOptions(em: EntityManager): FindOneOptions<User> {
  const postgres = usesPostgres(em.config)
  return postgres ? { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true } : { refresh: true }
}

export function disableUser(user: User, reason: DisabledReason, ip: string, now: Date): void {
  user.disabledAt = now
  user.disabledReason = reason
  user.disabledIp = ip
  user.updatedAt = now
}

/**
 * Counts a wrong password and always throws: 401 with the attempts left, or 403 when this was the third
 * consecutive failure (the user is disabled, from this IP, and loses every session). The count runs in a
 * transaction holding the row lock, so parallel wrong attempts are counted one after the other and exactly one
 * of them disables the user; attempts arriving after that are answered as for a disabled user, uncounted.
 */
export async function registerFailedAttempt(
  em: EntityManager,
  runtime: AuthRuntime,
  userId: string,
  ip: string,
  now = new Date(),
): Promise<never> {
  const outcome = await em.fork().transactional(async (tx) => {
    const user = await tx.findOneOrFail(User, { id: userId }, lockedUserOptions(tx))
    if (user.disabledAt !== null) return { kind: 'already-disabled' as const }
    user.failedAttempts += 1
    user.updatedAt = now
    if (user.failedAttempts >= maxFailedAttempts) {
      disableUser(user, 'failed-logins', ip, now)
      return { kind: 'disabled' as const }
    }
    return { kind: 'counted' as const, attemptsLeft: maxFailedAttempts - user.failedAttempts }
  })
  if (outcome.kind === 'counted') throw invalidCredentials(outcome.attemptsLeft)
  if (outcome.kind === 'disabled') {
    await runtime.refreshTokens.revokeUser(userId, now)
    throw userDisabled('failed-logins')
  }
  throw userDisabled()
}
