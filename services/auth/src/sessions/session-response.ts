import type { EntityManager } from '@mikro-orm/core'
import type { AuthRuntime } from '../runtime.js'
import type { User } from '../users/user.entity.js'
import { type IssuedSession, issueSession } from './issue-session.js'
import { passwordExpiresAt, passwordExpiryWarningDays } from './password-expiry.js'

export interface SessionWarning {
  code: 'PASSWORD_EXPIRING'
  message: string
  daysLeft: number
}

export interface SessionBody extends IssuedSession {
  passwordExpiresAt: string | null
  warnings: SessionWarning[]
}

/** What sign-in, token, refresh and password change answer: the tokens plus what the portal shows the user. */
export function sessionBody(session: IssuedSession, user: User, now: Date): SessionBody {
  const expiresAt = passwordExpiresAt(user)
  const warnings: SessionWarning[] = []
  const daysLeft = session.mustChangePassword ? null : passwordExpiryWarningDays(user, now)
  if (daysLeft !== null) {
    warnings.push({
      code: 'PASSWORD_EXPIRING',
      message: `The password expires in ${daysLeft} ${daysLeft === 1 ? 'day' : 'days'}; change it to keep signing in without interruption.`,
      daysLeft,
    })
  }
  return { ...session, passwordExpiresAt: expiresAt === null ? null : expiresAt.toISOString(), warnings }
}

export async function issueSessionBody(em: EntityManager, runtime: AuthRuntime, user: User, now = new Date()): Promise<SessionBody> {
  return sessionBody(await issueSession(em, runtime, user, now), user, now)
}
