import { type AppError, romeToday } from '@fatturapa-hub/shared'
import type { User } from '../users/user.entity.js'
import { userDisabled, userExpired, userInactive } from './errors.js'

const dayMs = 86_400_000

/** `expiresOn` is the last day the user may sign in. */
export function userExpiredOn(user: Pick<User, 'expiresOn'>, now: Date): boolean {
  return user.expiresOn !== null && user.expiresOn < romeToday(now)
}

/** Inactivity counts from the latest of the last sign-in, the last reactivation and the creation. */
export function lastActivityAt(user: Pick<User, 'lastLoginAt' | 'reactivatedAt' | 'createdAt'>): Date {
  const times = [user.lastLoginAt, user.reactivatedAt, user.createdAt].filter((time): time is Date => time !== null)
  return new Date(Math.max(...times.map((time) => time.getTime())))
}

export function inactivityExceeded(
  user: Pick<User, 'maxDaysWithoutLogin' | 'lastLoginAt' | 'reactivatedAt' | 'createdAt'>,
  now: Date,
): boolean {
  if (user.maxDaysWithoutLogin <= 0) return false
  return now.getTime() - lastActivityAt(user).getTime() > user.maxDaysWithoutLogin * dayMs
}

/**
 * Why a user who proved their password still may not have a session, checked at sign-in and at every refresh:
 * disabled, not active ("Non attivo"), or past the expiry date. Inactivity is separate because it changes state.
 */
export function accountRefusal(user: Pick<User, 'disabledAt' | 'active' | 'expiresOn'>, now: Date): AppError | null {
  if (user.disabledAt !== null) return userDisabled()
  if (!user.active) return userInactive()
  if (userExpiredOn(user, now)) return userExpired()
  return null
}
