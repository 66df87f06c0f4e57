import { PasswordPolicyError } from './errors.js'
import { checkPassword } from './policy.js'

/** For request handlers: throws a 422 listing every violated rule, or returns when the password is acceptable. */
export function assertPasswordAcceptable(username: string, password: string): void {
  const violations = checkPassword(username, password)
  if (violations.length > 0) throw new PasswordPolicyError(violations)
}
