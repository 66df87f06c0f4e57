import { AppError } from '@fatturapa-hub/shared'
import { generateSystemPassword, hashPassword } from '../passwords/index.js'
import { assertMayManage, sendSafely, type UserManagementContext } from './manage-users.js'
import { findStudio, flushOrConflict } from './studio-users.js'
import type { User } from './user.entity.js'
import { reactivationEmail, reactivationWithResetEmail } from './user-emails.js'

export interface ReactivatedUser {
  user: User
  emailSent: boolean
}

/** "Riattiva utente" (seed, section 1.3): the user signs in again with the password they had. */
export async function reactivateUser(ctx: UserManagementContext, user: User): Promise<ReactivatedUser> {
  assertMayManage(ctx.actor, user)
  assertDisabled(user)
  const studio = await findStudio(ctx.em, user.studioId)
  clearDisabled(ctx, user)
  await flushOrConflict(ctx.em)
  const emailSent = await sendSafely(ctx, user, () =>
    ctx.mailer.send(
      reactivationEmail({
        to: user.email ?? studio.email,
        username: user.username,
        description: user.description,
        kind: user.kind,
        portalUrl: ctx.config.PORTAL_URL,
        reactivatedAt: ctx.now,
      }),
    ),
  )
  return { user, emailSent }
}

/** "Riattiva con Reset Password" (seed, section 1.3): a new system password, to change at the first access. */
export async function reactivateUserWithReset(ctx: UserManagementContext, user: User): Promise<ReactivatedUser> {
  assertMayManage(ctx.actor, user)
  assertDisabled(user)
  clearDisabled(ctx, user)
  return assignSystemPassword(ctx, user, false)
}

/**
 * A new system password for a user who is not disabled (forgotten password, or a reset whose e-mail never
 * arrived). Only the administrator resets the administrator: the e-mail goes to the address whoever edits the
 * administrator could have changed.
 */
export async function resetUserPassword(ctx: UserManagementContext, user: User): Promise<ReactivatedUser> {
  assertMayManage(ctx.actor, user)
  if (user.disabledAt !== null) {
    throw new AppError('USER_DISABLED', 409, `The user ${user.username} is disabled: use reactivate-with-reset.`)
  }
  ctx.em.assign(user, { failedAttempts: 0, updatedAt: ctx.now })
  return assignSystemPassword(ctx, user, true)
}

async function assignSystemPassword(ctx: UserManagementContext, user: User, resetOnly: boolean): Promise<ReactivatedUser> {
  const studio = await findStudio(ctx.em, user.studioId)
  const password = generateSystemPassword(user.username)
  ctx.em.assign(user, {
    passwordHash: await hashPassword(password),
    passwordChangedAt: ctx.now,
    // Integration users cannot sign in to change it, so their system password is final (seed, section 1.1).
    passwordIsSystem: user.kind !== 'integration',
  })
  await flushOrConflict(ctx.em)
  await ctx.refreshTokens.revokeUser(user.id, ctx.now)
  const emailSent = await sendSafely(ctx, user, () =>
    ctx.mailer.send(
      reactivationWithResetEmail({
        to: user.email ?? studio.email,
        username: user.username,
        description: user.description,
        kind: user.kind,
        portalUrl: ctx.config.PORTAL_URL,
        reactivatedAt: ctx.now,
        password,
        resetOnly,
      }),
    ),
  )
  return { user, emailSent }
}

function assertDisabled(user: User): void {
  if (user.disabledAt === null) throw new AppError('USER_NOT_DISABLED', 409, `The user ${user.username} is not disabled.`)
}

function clearDisabled(ctx: UserManagementContext, user: User): void {
  ctx.em.assign(user, {
    disabledAt: null,
    disabledReason: null,
    disabledIp: null,
    failedAttempts: 0,
    reactivatedAt: ctx.now,
    updatedAt: ctx.now,
  })
}
