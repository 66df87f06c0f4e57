import { randomUUID } from 'node:crypto'
import { AppError, ErrorCodes, type UserKind, userClassCodes } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/core'
import type { Config } from '../config.js'
import { assertPasswordAcceptable, generateSystemPassword, hashPassword } from '../passwords/index.js'
import { User } from './user.entity.js'
import { assertUsernameAvailable, usernameKey } from './username.js'

export interface CreateUserInput {
  studioId: string
  username: string
  description: string
  email?: string | null
  kind: UserKind
  clientId?: string | null
  active: boolean
  classes: readonly string[]
  notifyB2bReceived?: boolean
  /** A chosen password; when absent the system assigns one ("password d'ufficio"), to be changed at first sign-in. */
  password?: string
  passwordValidityDays?: number
  passwordWarningDays?: number
  maxDaysWithoutLogin?: number
  expiresOn?: string | null
}

export interface CreatedUser {
  user: User
  /** The plain password, for the credentials e-mail only: it is never stored or logged. */
  password: string
}

/** 422 listing every class code that is not in the catalogue. */
export function assertKnownClasses(classes: readonly string[]): void {
  const unknownClasses = classes.filter((code) => !userClassCodes.includes(code))
  if (unknownClasses.length > 0) {
    throw new AppError(ErrorCodes.ValidationFailed, 422, `Unknown user classes: ${unknownClasses.join(', ')}`, {
      errors: unknownClasses.map((code) => ({ path: '/classes', message: `unknown user class ${code}`, code: 'USER_CLASS_UNKNOWN' })),
    })
  }
}

/** Persists (flush included) a new user; the caller decides about e-mails. */
export async function createUser(em: EntityManager, config: Config, input: CreateUserInput, now = new Date()): Promise<CreatedUser> {
  assertKnownClasses(input.classes)
  await assertUsernameAvailable(em, input.username)
  const systemAssigned = input.password === undefined
  const password = input.password ?? generateSystemPassword(input.username)
  if (!systemAssigned) assertPasswordAcceptable(input.username, password)
  const user = em.create(User, {
    id: randomUUID(),
    studioId: input.studioId,
    username: input.username,
    usernameKey: usernameKey(input.username),
    description: input.description,
    email: input.email ?? null,
    kind: input.kind,
    clientId: input.clientId ?? null,
    active: input.active,
    classes: [...new Set(input.classes)],
    notifyB2bReceived: input.notifyB2bReceived ?? false,
    passwordHash: await hashPassword(password),
    passwordChangedAt: now,
    // Integration users cannot sign in to the portal, so their system password is final (seed, section 1.1).
    passwordIsSystem: systemAssigned && input.kind !== 'integration',
    passwordValidityDays: input.kind === 'integration' ? 0 : (input.passwordValidityDays ?? config.DEFAULT_PASSWORD_VALIDITY_DAYS),
    passwordWarningDays: input.passwordWarningDays ?? config.DEFAULT_PASSWORD_WARNING_DAYS,
    maxDaysWithoutLogin: input.kind === 'integration' ? 0 : (input.maxDaysWithoutLogin ?? config.DEFAULT_MAX_DAYS_WITHOUT_LOGIN),
    expiresOn: input.expiresOn ?? null,
    disabledAt: null,
    disabledReason: null,
    disabledIp: null,
    failedAttempts: 0,
    lastLoginAt: null,
    lastLoginIp: null,
    reactivatedAt: null,
    createdAt: now,
    updatedAt: now,
  })
  await em.flush()
  return { user, password }
}
