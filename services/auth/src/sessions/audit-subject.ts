import { setAuditSubject } from '@fatturapa-hub/shared'
import type { FastifyRequest } from 'fastify'
import { RefreshTokenError } from '../tokens/index.js'
import type { User } from '../users/user.entity.js'

/**
 * Names the user a public sign-in route acted on, so the audit event of the request (success or refusal) says who
 * tried, from which IP, without the password.
 */
export function auditSignInSubject(request: FastifyRequest): (user: User) => void {
  return (user) =>
    setAuditSubject(request, {
      studioId: user.studioId,
      actor: { kind: user.kind === 'integration' ? 'integration' : 'user', userId: user.id, username: user.username },
      resource: { type: 'users', id: user.id },
    })
}

/**
 * Audits every sign-in attempt, also for user names that match nobody (password guessing, user enumeration):
 * the typed user name, never the password, until `auditSignInSubject` names the user found.
 */
export function auditSignInAttempt(request: FastifyRequest, username: string): void {
  setAuditSubject(request, { actor: { kind: 'anonymous', username: username.slice(0, 200) }, resource: { type: 'sessions' } })
}

/** Records why a refresh was refused (`reused` means a stolen token was probably replayed) before rethrowing. */
export async function auditRefreshRefusal<T>(request: FastifyRequest, refresh: () => Promise<T>): Promise<T> {
  try {
    return await refresh()
  } catch (error) {
    if (error instanceof RefreshTokenError) {
      setAuditSubject(request, { actor: { kind: 'anonymous' }, resource: { type: 'sessions' }, details: { reason: error.reason } })
    }
    throw error
  }
}
