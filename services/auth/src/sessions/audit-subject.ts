import { setAuditSubject } from '@fatturapa-hub/shared'
import type { FastifyRequest } from 'fastify'
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
