import { AppError, ErrorCodes, effectivePermissions } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/core'
import type { Static } from 'typebox'
import { User } from '../users/user.entity.js'
import { accessTokenInputFor } from './issue-session.js'
import { passwordExpiresAt } from './password-expiry.js'
import type { ProfileSchema } from './schemas.js'

export type Profile = Static<typeof ProfileSchema>

/** The signed-in user as stored now (not as the token says), with what the classes grant. */
export async function profileOf(em: EntityManager, userId: string, now = new Date()): Promise<Profile> {
  const user = await em.findOne(User, { id: userId })
  if (user === null) throw new AppError(ErrorCodes.Unauthorized, 401, 'The user of this token no longer exists.')
  const { permissions, menu } = effectivePermissions(user.kind, user.classes)
  const claims = await accessTokenInputFor(em, user, now)
  const expiresAt = passwordExpiresAt(user)
  return {
    id: user.id,
    username: user.username,
    description: user.description,
    email: user.email,
    kind: user.kind,
    studioId: user.studioId,
    classes: [...user.classes],
    permissions,
    menu,
    passwordExpiresAt: expiresAt === null ? null : expiresAt.toISOString(),
    mustChangePassword: claims.mustChangePassword === true,
    contractsPending: claims.contractsPending === true,
    lastLoginAt: user.lastLoginAt === null ? null : user.lastLoginAt.toISOString(),
  }
}
