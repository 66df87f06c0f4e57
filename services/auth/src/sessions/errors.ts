import { AppError } from '@fatturapa-hub/shared'
import type { DisabledReason } from '../users/user.entity.js'

/** Stable codes: clients switch on them, renaming one is a breaking change. */
export const SessionErrorCodes = {
  InvalidCredentials: 'INVALID_CREDENTIALS',
  UserDisabled: 'USER_DISABLED',
  UserInactive: 'USER_INACTIVE',
  UserExpired: 'USER_EXPIRED',
  PortalLoginNotAllowed: 'PORTAL_LOGIN_NOT_ALLOWED',
  IntegrationUserRequired: 'INTEGRATION_USER_REQUIRED',
  PasswordReused: 'PASSWORD_REUSED',
} as const

export type SessionErrorCode = (typeof SessionErrorCodes)[keyof typeof SessionErrorCodes]

/** Wrong user name or password: one answer for both, so the response does not tell which one was wrong. */
export function invalidCredentials(attemptsLeft?: number): AppError {
  return new AppError(
    SessionErrorCodes.InvalidCredentials,
    401,
    'The user name or the password is wrong.',
    attemptsLeft === undefined ? undefined : { attemptsLeft },
  )
}

const disabledDetail: Record<DisabledReason | 'unknown', string> = {
  'failed-logins': 'The user has been disabled after three wrong passwords; the administrator (ADM) must reactivate it.',
  inactivity: 'The user has been disabled because it did not sign in for too long; the administrator (ADM) must reactivate it.',
  administrator: 'The user has been disabled; the administrator (ADM) must reactivate it.',
  unknown: 'The user has been disabled; the administrator (ADM) must reactivate it.',
}

/**
 * `reason` says why only when the caller has just caused the disabling (third wrong password, inactivity found
 * after a correct password); a user already disabled gets the generic text, before any password check.
 */
export function userDisabled(reason: DisabledReason | 'unknown' = 'unknown'): AppError {
  return new AppError(SessionErrorCodes.UserDisabled, 403, disabledDetail[reason])
}

export function userInactive(): AppError {
  return new AppError(SessionErrorCodes.UserInactive, 403, 'The user is not active yet ("Non attivo"); the administrator must activate it.')
}

export function userExpired(): AppError {
  return new AppError(SessionErrorCodes.UserExpired, 403, 'The user expired on its expiry date ("data scadenza utente").')
}

export function portalLoginNotAllowed(): AppError {
  return new AppError(
    SessionErrorCodes.PortalLoginNotAllowed,
    403,
    'APIREST integration users cannot sign in to the portal; they obtain tokens from POST /sessions/token.',
  )
}

export function integrationUserRequired(): AppError {
  return new AppError(
    SessionErrorCodes.IntegrationUserRequired,
    403,
    'Only APIREST integration users obtain tokens here; administrators and operators sign in with POST /sessions.',
  )
}

export function passwordReused(): AppError {
  return new AppError(SessionErrorCodes.PasswordReused, 422, 'The new password must differ from the current one.', {
    errors: [
      { path: '/newPassword', message: 'The new password must differ from the current one.', code: SessionErrorCodes.PasswordReused },
    ],
  })
}
