import { type AccessTokenClaims, AppError, ErrorCodes, effectivePermissions, type Mailer, romeToday } from '@fatturapa-hub/shared'
import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core'
import { Client } from '../clients/client.entity.js'
import type { Config } from '../config.js'
import type { RefreshTokenStore } from '../tokens/index.js'
import { assertKnownClasses, createUser } from './create-user.js'
import type { CreateUserRequest, UpdateUserRequest } from './schemas.js'
import { findStudio, flushOrConflict, versionConflict } from './studio-users.js'
import type { User } from './user.entity.js'
import { newUserCredentialsEmail } from './user-emails.js'
import { studioUsername } from './username.js'

export interface UserManagementContext {
  em: EntityManager
  config: Config
  mailer: Mailer
  refreshTokens: RefreshTokenStore
  /** Who is asking: the studio, for isolation, and their permissions, so nobody grants more than they hold. */
  actor: AccessTokenClaims
  ip: string
  log: { warn(object: object, message: string): void }
  now: Date
}

export interface CreatedStudioUser {
  user: User
  credentialsEmailSent: boolean
}

/** "Creazione Operatore" (seed, section 1.4): operators start "Non attivo"; integration users act for a client. */
export async function createStudioUser(ctx: UserManagementContext, body: CreateUserRequest): Promise<CreatedStudioUser> {
  const studio = await findStudio(ctx.em, ctx.actor.studio)
  const username = studioUsername(body.username.trim(), studio.code)
  assertKnownClasses(body.classes)
  assertGrantable(ctx.actor, body.classes)
  assertExpiryNotPast(body.expiresOn, ctx.now)
  const systemAssigned = chooseSystemPassword(body)
  let clientId: string | null = null
  if (body.kind === 'integration') {
    assertIntegrationPasswordRules(body)
    clientId = await integrationClientId(ctx.em, studio.id, body.clientId)
  } else if (body.clientId !== undefined) {
    throw validation('/clientId', 'only integration users are linked to a client', 'CLIENT_ONLY_FOR_INTEGRATION')
  }
  let created: Awaited<ReturnType<typeof createUser>>
  try {
    created = await createUser(
      ctx.em,
      ctx.config,
      {
        studioId: studio.id,
        username,
        description: body.description.trim(),
        email: body.email ?? null,
        kind: body.kind,
        clientId,
        active: body.kind === 'integration',
        classes: body.classes,
        ...(body.notifyB2bReceived === undefined ? {} : { notifyB2bReceived: body.notifyB2bReceived }),
        ...(systemAssigned || body.password === undefined ? {} : { password: body.password }),
        ...(body.passwordValidityDays === undefined ? {} : { passwordValidityDays: body.passwordValidityDays }),
        ...(body.passwordWarningDays === undefined ? {} : { passwordWarningDays: body.passwordWarningDays }),
        ...(body.maxDaysWithoutLogin === undefined ? {} : { maxDaysWithoutLogin: body.maxDaysWithoutLogin }),
        expiresOn: body.expiresOn ?? null,
      },
      ctx.now,
    )
  } catch (error) {
    // Two concurrent creations of the same name: the unique index decides, the loser gets the same 409.
    if (error instanceof UniqueConstraintViolationException)
      throw new AppError('USERNAME_TAKEN', 409, `The user name ${username} is already in use`)
    throw error
  }
  if (!systemAssigned) return { user: created.user, credentialsEmailSent: false }
  const credentialsEmailSent = await sendSafely(ctx, created.user, () =>
    ctx.mailer.send(
      newUserCredentialsEmail({
        to: created.user.email ?? studio.email,
        username: created.user.username,
        description: created.user.description,
        kind: created.user.kind,
        portalUrl: ctx.config.PORTAL_URL,
        password: created.password,
        createdAt: ctx.now,
      }),
    ),
  )
  return { user: created.user, credentialsEmailSent }
}

export async function updateStudioUser(ctx: UserManagementContext, user: User, body: UpdateUserRequest): Promise<User> {
  if (body.version !== undefined && body.version !== user.version) throw versionConflict()
  // Whoever could change the administrator's (or a stronger user's) e-mail could have its password reset sent to themselves.
  const limitsChanged = [body.expiresOn, body.passwordValidityDays, body.passwordWarningDays, body.maxDaysWithoutLogin].some(
    (value) => value !== undefined,
  )
  assertMayManage(ctx.actor, user, limitsChanged)
  if (body.classes !== undefined) {
    if (user.kind === 'admin') {
      throw validation('/classes', 'the administrator holds every permission; its classes cannot be changed', 'ADMIN_CLASSES_NOT_EDITABLE')
    }
    assertKnownClasses(body.classes)
    assertGrantable(ctx.actor, body.classes)
  }
  if (user.kind === 'integration') assertIntegrationPasswordRules(body)
  if (body.expiresOn !== undefined && body.expiresOn !== user.expiresOn) assertExpiryNotPast(body.expiresOn, ctx.now)
  const changes: Partial<User> = {
    ...(body.description === undefined ? {} : { description: body.description.trim() }),
    ...(body.email === undefined ? {} : { email: body.email }),
    ...(body.classes === undefined ? {} : { classes: [...new Set(body.classes)] }),
    ...(body.notifyB2bReceived === undefined ? {} : { notifyB2bReceived: body.notifyB2bReceived }),
    ...(body.expiresOn === undefined ? {} : { expiresOn: body.expiresOn }),
    ...(body.passwordValidityDays === undefined ? {} : { passwordValidityDays: body.passwordValidityDays }),
    ...(body.passwordWarningDays === undefined ? {} : { passwordWarningDays: body.passwordWarningDays }),
    ...(body.maxDaysWithoutLogin === undefined ? {} : { maxDaysWithoutLogin: body.maxDaysWithoutLogin }),
  }
  if (Object.keys(changes).length === 0) return user
  ctx.em.assign(user, { ...changes, updatedAt: ctx.now })
  await flushOrConflict(ctx.em)
  return user
}

export async function activateUser(ctx: UserManagementContext, user: User): Promise<User> {
  assertMayManage(ctx.actor, user)
  if (user.active) return user
  ctx.em.assign(user, { active: true, updatedAt: ctx.now })
  await flushOrConflict(ctx.em)
  return user
}

/** Disables the user at once and ends their sessions; an access token already issued lives until it expires. */
export async function deactivateUser(ctx: UserManagementContext, user: User): Promise<User> {
  if (user.id === ctx.actor.sub) throw new AppError('CANNOT_DISABLE_SELF', 409, 'You cannot deactivate your own user.')
  if (user.kind === 'admin') throw new AppError('ADMIN_CANNOT_BE_DISABLED', 409, 'The administrator of the studio cannot be deactivated.')
  assertMayManage(ctx.actor, user)
  if (user.disabledAt === null) {
    ctx.em.assign(user, { disabledAt: ctx.now, disabledReason: 'administrator', disabledIp: ctx.ip, updatedAt: ctx.now })
    await flushOrConflict(ctx.em)
  }
  await ctx.refreshTokens.revokeUser(user.id, ctx.now)
  return user
}

/** Runs the send, reporting failure as false: the change it announces is already committed and stands. */
export async function sendSafely(ctx: UserManagementContext, user: User, send: () => Promise<unknown>): Promise<boolean> {
  try {
    await send()
    return true
  } catch (error) {
    ctx.log.warn({ userId: user.id, reason: error instanceof Error ? error.message : String(error) }, 'user e-mail not sent')
    return false
  }
}

/** A manager who is not the administrator may link only classes whose permissions they hold themselves. */
/**
 * Who may act on an existing user: the administrator on anyone; another manager only on users whose permissions
 * are all among their own (otherwise changing the e-mail and resetting the password would hand them a more
 * powerful account), never on the administrator, and not on their own account limits (expiry, validity,
 * inactivity), which only the administrator sets.
 */
export function assertMayManage(actor: AccessTokenClaims, target: User, limitsChanged = false): void {
  if (actor.kind === 'admin') return
  if (target.kind === 'admin') {
    throw new AppError('ADMIN_ACCOUNT_PROTECTED', 403, 'Only the administrator can manage the administrator user.')
  }
  const beyond = effectivePermissions(target.kind, target.classes).permissions.filter(
    (permission) => !actor.permissions.includes(permission),
  )
  if (beyond.length > 0) {
    throw new AppError(ErrorCodes.Forbidden, 403, `The user holds permissions you do not hold: ${beyond.join(', ')}.`)
  }
  if (limitsChanged && target.id === actor.sub) {
    throw new AppError(ErrorCodes.Forbidden, 403, 'Only the administrator changes your account limits.')
  }
}

function assertGrantable(actor: AccessTokenClaims, classes: readonly string[]): void {
  if (actor.kind === 'admin') return
  const missing = effectivePermissions('operator', classes).permissions.filter((permission) => !actor.permissions.includes(permission))
  if (missing.length > 0) {
    throw new AppError(ErrorCodes.Forbidden, 403, `You cannot grant permissions you do not hold: ${missing.join(', ')}.`)
  }
}

function chooseSystemPassword(body: CreateUserRequest): boolean {
  if (body.password !== undefined && body.systemPassword === true) {
    throw validation('/password', 'give either a password or systemPassword: true, not both', 'PASSWORD_WITH_SYSTEM_PASSWORD')
  }
  if (body.password === undefined && body.systemPassword === false) {
    throw validation('/password', 'a password is required when systemPassword is false', 'PASSWORD_REQUIRED')
  }
  return body.password === undefined
}

/** Integration users never sign in to the portal: their password does not expire and inactivity does not disable them. */
function assertIntegrationPasswordRules(body: {
  passwordValidityDays?: number | undefined
  maxDaysWithoutLogin?: number | undefined
}): void {
  const errors = (['passwordValidityDays', 'maxDaysWithoutLogin'] as const)
    .filter((field) => body[field] !== undefined && body[field] !== 0)
    .map((field) => ({ path: `/${field}`, message: 'must be 0 for integration users', code: 'NOT_APPLICABLE_TO_INTEGRATION' }))
  if (errors.length > 0)
    throw new AppError(ErrorCodes.ValidationFailed, 422, 'Integration users keep their password and never expire for inactivity.', {
      errors,
    })
}

function assertExpiryNotPast(expiresOn: string | null | undefined, now: Date): void {
  if (expiresOn != null && expiresOn < romeToday(now)) {
    throw validation('/expiresOn', `must not be before today (${romeToday(now)})`, 'EXPIRES_ON_IN_PAST')
  }
}

async function integrationClientId(em: EntityManager, studioId: string, clientId: string | undefined): Promise<string> {
  const client = clientId === undefined ? null : await em.findOne(Client, { id: clientId, studioId })
  if (client?.partitaIva == null) {
    throw new AppError(
      'INTEGRATION_CLIENT_INVALID',
      422,
      'An integration user needs clientId of a client of this studio that has a VAT number (partita IVA).',
    )
  }
  return client.id
}

function validation(path: string, message: string, code: string): AppError {
  return new AppError(ErrorCodes.ValidationFailed, 422, `${path.slice(1)}: ${message}`, { errors: [{ path, message, code }] })
}
