import { codePointLength, normalizePassword } from './normalize.js'

/**
 * The password rules of the product (seed document, section 1.2 "Cambio password"):
 * at least 8 characters, at least 2 digits, at least 5 letters of the alphabet, at least one of
 * `$ . ; ! - < >`, none of `@ :`, and user name plus password at most 40 characters.
 *
 * Letters and digits are ASCII only (A–Z, a–z, 0–9). "Lettere dell'alfabeto" reads most naturally as the
 * 26 letters of the Latin alphabet, and counting accented letters ("è", "à") or other scripts would accept
 * passwords that a stricter reading of the same rule rejects. Non-ASCII characters are still allowed in a
 * password; they only do not count towards the letter or digit minimums. They do count towards the lengths.
 */
export const passwordPolicy = Object.freeze({
  minLength: 8,
  minDigits: 2,
  minLetters: 5,
  requiredSymbols: Object.freeze(['$', '.', ';', '!', '-', '<', '>'] as const),
  forbiddenCharacters: Object.freeze(['@', ':'] as const),
  maxUsernamePlusPasswordLength: 40,
})

/** Stable codes: clients switch on them, so renaming one is a breaking change. */
export const PasswordViolationCodes = Object.freeze({
  TooShort: 'PASSWORD_TOO_SHORT',
  TooFewDigits: 'PASSWORD_TOO_FEW_DIGITS',
  TooFewLetters: 'PASSWORD_TOO_FEW_LETTERS',
  SymbolMissing: 'PASSWORD_SYMBOL_MISSING',
  ForbiddenCharacter: 'PASSWORD_FORBIDDEN_CHARACTER',
  TooLongWithUsername: 'PASSWORD_TOO_LONG_WITH_USERNAME',
} as const)

export type PasswordViolationCode = (typeof PasswordViolationCodes)[keyof typeof PasswordViolationCodes]

export interface PasswordViolation {
  readonly code: PasswordViolationCode
  readonly message: string
}

/** A rule as data, for the API to describe the policy to clients before they submit a password. */
export interface PasswordRule {
  readonly code: PasswordViolationCode
  readonly description: string
  /** The numeric bound of the rule, when it has one. */
  readonly limit?: number
  /** The characters the rule is about, when it is about characters. */
  readonly characters?: readonly string[]
}

const symbolList = passwordPolicy.requiredSymbols.join(' ')
const forbiddenList = passwordPolicy.forbiddenCharacters.join(' ')

/** In the order violations are reported. */
export const passwordRules: readonly PasswordRule[] = Object.freeze(
  [
    {
      code: PasswordViolationCodes.TooShort,
      description: `The password must be at least ${passwordPolicy.minLength} characters long.`,
      limit: passwordPolicy.minLength,
    },
    {
      code: PasswordViolationCodes.TooFewDigits,
      description: `The password must contain at least ${passwordPolicy.minDigits} digits (0-9).`,
      limit: passwordPolicy.minDigits,
    },
    {
      code: PasswordViolationCodes.TooFewLetters,
      description: `The password must contain at least ${passwordPolicy.minLetters} letters of the alphabet (A-Z, a-z; accented letters do not count).`,
      limit: passwordPolicy.minLetters,
    },
    {
      code: PasswordViolationCodes.SymbolMissing,
      description: `The password must contain at least one of these characters: ${symbolList}`,
      characters: passwordPolicy.requiredSymbols,
    },
    {
      code: PasswordViolationCodes.ForbiddenCharacter,
      description: `The password must not contain these characters: ${forbiddenList}`,
      characters: passwordPolicy.forbiddenCharacters,
    },
    {
      code: PasswordViolationCodes.TooLongWithUsername,
      description: `The user name and the password together must not exceed ${passwordPolicy.maxUsernamePlusPasswordLength} characters.`,
      limit: passwordPolicy.maxUsernamePlusPasswordLength,
    },
  ].map((rule) => Object.freeze(rule)),
)

const symbols: ReadonlySet<string> = new Set(passwordPolicy.requiredSymbols)
const forbidden: ReadonlySet<string> = new Set(passwordPolicy.forbiddenCharacters)
const asciiLetter = /^[A-Za-z]$/
const asciiDigit = /^[0-9]$/

/** The longest user name for which some password can still satisfy the policy (40 - 8 = 32). */
export const maxUsernameLength = passwordPolicy.maxUsernamePlusPasswordLength - passwordPolicy.minLength

/** The longest password the policy allows for this user name; below `minLength` no password is possible. */
export function maxPasswordLength(username: string): number {
  return passwordPolicy.maxUsernamePlusPasswordLength - codePointLength(normalizePassword(username))
}

/**
 * Every rule the password breaks, in the order of `passwordRules`; empty when it is acceptable.
 * All violations are reported at once so the user can fix them in one go.
 */
export function checkPassword(username: string, password: string): PasswordViolation[] {
  const normalized = normalizePassword(password)
  let length = 0
  let digits = 0
  let letters = 0
  let hasSymbol = false
  const forbiddenFound: string[] = []
  for (const character of normalized) {
    length++
    if (asciiDigit.test(character)) digits++
    else if (asciiLetter.test(character)) letters++
    else if (symbols.has(character)) hasSymbol = true
    else if (forbidden.has(character) && !forbiddenFound.includes(character)) forbiddenFound.push(character)
  }

  // Messages state the rule, never facts about the password (such as its length): they reach logs and responses.
  const violations: PasswordViolation[] = []
  const add = (code: PasswordViolationCode, message: string) => violations.push({ code, message })
  if (length < passwordPolicy.minLength) {
    add(PasswordViolationCodes.TooShort, `The password must be at least ${passwordPolicy.minLength} characters long.`)
  }
  if (digits < passwordPolicy.minDigits) {
    add(PasswordViolationCodes.TooFewDigits, `The password must contain at least ${passwordPolicy.minDigits} digits.`)
  }
  if (letters < passwordPolicy.minLetters) {
    add(PasswordViolationCodes.TooFewLetters, `The password must contain at least ${passwordPolicy.minLetters} letters A-Z or a-z.`)
  }
  if (!hasSymbol) {
    add(PasswordViolationCodes.SymbolMissing, `The password must contain at least one of these characters: ${symbolList}`)
  }
  if (forbiddenFound.length > 0) {
    add(PasswordViolationCodes.ForbiddenCharacter, `The password must not contain these characters: ${forbiddenFound.join(' ')}`)
  }
  const allowed = maxPasswordLength(username)
  if (length > allowed) {
    add(
      PasswordViolationCodes.TooLongWithUsername,
      `The user name and the password together must not exceed ${passwordPolicy.maxUsernamePlusPasswordLength} characters: for this user name the password can be at most ${Math.max(allowed, 0)} characters long.`,
    )
  }
  return violations
}
