import { AppError } from '@fatturapa-hub/shared'
import type { PasswordViolation } from './policy.js'

export const PasswordErrorCodes = Object.freeze({
  PolicyViolation: 'PASSWORD_POLICY_VIOLATION',
  UsernameTooLong: 'USERNAME_TOO_LONG_FOR_PASSWORD',
} as const)

/**
 * A password the policy rejects. Each violation becomes an entry of the problem's `errors` array, with the
 * rule's own code, so clients can highlight every broken rule without parsing messages.
 */
export class PasswordPolicyError extends AppError {
  readonly violations: readonly PasswordViolation[]

  constructor(violations: readonly PasswordViolation[], path = '/password') {
    super(PasswordErrorCodes.PolicyViolation, 422, 'The password does not satisfy the password policy.', {
      errors: violations.map((violation) => ({ path, message: violation.message, code: violation.code })),
    })
    this.name = 'PasswordPolicyError'
    this.violations = violations
  }
}

/** No password can satisfy the policy: the user name leaves fewer characters than the minimum length. */
export class UsernameTooLongForPasswordError extends AppError {
  constructor(maxUsernameLength: number) {
    super(
      PasswordErrorCodes.UsernameTooLong,
      422,
      `The user name is too long: with the password it must not exceed the policy's limit, so it can be at most ${maxUsernameLength} characters long.`,
    )
    this.name = 'UsernameTooLongForPasswordError'
  }
}
