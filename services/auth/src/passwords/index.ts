export { assertPasswordAcceptable } from './assert.js'
export { PasswordErrorCodes, PasswordPolicyError, UsernameTooLongForPasswordError } from './errors.js'
export { generateSystemPassword, systemPasswordLength } from './generate.js'
export { hashPassword, needsRehash, passwordHashParameters, verifyPassword } from './hash.js'
export {
  checkPassword,
  maxPasswordLength,
  maxUsernameLength,
  type PasswordRule,
  type PasswordViolation,
  type PasswordViolationCode,
  PasswordViolationCodes,
  passwordPolicy,
  passwordRules,
} from './policy.js'
export { PasswordRuleSchema, PasswordRulesSchema, PasswordViolationSchema } from './schema.js'
