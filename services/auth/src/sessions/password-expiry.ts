import type { User } from '../users/user.entity.js'

const dayMs = 86_400_000

/** When the password stops being valid, or null when it never expires (validity 0). */
export function passwordExpiresAt(user: Pick<User, 'passwordValidityDays' | 'passwordChangedAt'>): Date | null {
  if (user.passwordValidityDays <= 0) return null
  return new Date(user.passwordChangedAt.getTime() + user.passwordValidityDays * dayMs)
}

export function passwordExpired(user: Pick<User, 'passwordValidityDays' | 'passwordChangedAt'>, now: Date): boolean {
  const expiresAt = passwordExpiresAt(user)
  return expiresAt !== null && expiresAt.getTime() <= now.getTime()
}

/** Whole days left, rounded up, when the warning window has started; otherwise null. */
export function passwordExpiryWarningDays(
  user: Pick<User, 'passwordValidityDays' | 'passwordChangedAt' | 'passwordWarningDays'>,
  now: Date,
): number | null {
  const expiresAt = passwordExpiresAt(user)
  if (expiresAt === null || expiresAt.getTime() <= now.getTime()) return null
  const daysLeft = Math.ceil((expiresAt.getTime() - now.getTime()) / dayMs)
  return daysLeft <= user.passwordWarningDays ? daysLeft : null
}
