import type { DisabledUserView, UserView } from './schemas.js'
import type { User } from './user.entity.js'

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString())

/** The API shape of a user: everything but the password hash and the lookup key. */
export function toUserView(user: User): UserView {
  return {
    id: user.id,
    username: user.username,
    description: user.description,
    email: user.email,
    kind: user.kind,
    clientId: user.clientId,
    active: user.active,
    disabled: user.disabledAt !== null,
    disabledAt: iso(user.disabledAt),
    disabledReason: user.disabledReason,
    disabledIp: user.disabledIp,
    classes: [...user.classes],
    notifyB2bReceived: user.notifyB2bReceived,
    passwordIsSystem: user.passwordIsSystem,
    passwordChangedAt: user.passwordChangedAt.toISOString(),
    passwordValidityDays: user.passwordValidityDays,
    passwordWarningDays: user.passwordWarningDays,
    maxDaysWithoutLogin: user.maxDaysWithoutLogin,
    expiresOn: user.expiresOn,
    failedAttempts: user.failedAttempts,
    lastLoginAt: iso(user.lastLoginAt),
    lastLoginIp: user.lastLoginIp,
    reactivatedAt: iso(user.reactivatedAt),
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    version: user.version,
  }
}

/** A row of "Elenco Utenti Disattivati" (seed, section 1.3). */
export function toDisabledUserView(user: User): DisabledUserView {
  return {
    id: user.id,
    username: user.username,
    description: user.description,
    kind: user.kind,
    lastLoginAt: iso(user.lastLoginAt),
    expiresOn: user.expiresOn,
    passwordValidityDays: user.passwordValidityDays,
    maxDaysWithoutLogin: user.maxDaysWithoutLogin,
    disabledAt: (user.disabledAt as Date).toISOString(),
    disabledReason: user.disabledReason ?? 'administrator',
    disabledIp: user.disabledIp,
  }
}
