import { describe, expect, it } from '@jest/globals'
import { Value } from 'typebox/value'
import {
  assertPasswordAcceptable,
  checkPassword,
  maxPasswordLength,
  maxUsernameLength,
  PasswordErrorCodes,
  PasswordPolicyError,
  PasswordRulesSchema,
  type PasswordViolationCode,
  PasswordViolationCodes,
  PasswordViolationSchema,
  passwordPolicy,
  passwordRules,
} from '../../src/passwords/index.js'

const {
  TooShort: SHORT,
  TooFewDigits: DIGITS,
  TooFewLetters: LETTERS,
  SymbolMissing: SYMBOL,
  ForbiddenCharacter: FORBIDDEN,
  TooLongWithUsername: TOO_LONG,
} = PasswordViolationCodes

// The API user of the seed's credentials e-mail: 23 code points, so passwords of at most 17 fit.
const apiUser = 'APIREST_wt00000@wt00000'
const user = 'mario'

type Row = [label: string, username: string, password: string, expected: PasswordViolationCode[]]

function expectCodes(username: string, password: string, expected: PasswordViolationCode[]) {
  expect(checkPassword(username, password).map((violation) => violation.code)).toEqual(expected)
}

describe('checkPassword', () => {
  describe('length', () => {
    it.each<Row>([
      ['8 characters is enough', user, 'abcde12$', []],
      // Eight characters are the sum of the other minimums, so a 7-character password always breaks one more rule.
      ['7 characters is too short', user, 'abcd12$', [SHORT, LETTERS]],
      ['7 characters, 5 letters, 1 digit', user, 'abcde1$', [SHORT, DIGITS]],
      ['empty password', user, '', [SHORT, DIGITS, LETTERS, SYMBOL]],
      ['a long password is fine with a short user name', user, 'abcdefghijklmnopqrstuvwxyz12345$.', []],
    ])('%s', (_label, username, password, expected) => expectCodes(username, password, expected))
  })

  describe('digits', () => {
    it.each<Row>([
      ['0 digits', user, 'abcdefg$', [DIGITS]],
      ['1 digit', user, 'abcdef1$', [DIGITS]],
      ['2 digits', user, 'abcde12$', []],
      ['2 digits, not adjacent', user, '1abcde$9', []],
      ['every digit counts', user, 'abcde$0123456789', []],
    ])('%s', (_label, username, password, expected) => expectCodes(username, password, expected))
  })

  describe('letters', () => {
    it.each<Row>([
      ['4 letters', user, 'abcd123$', [LETTERS]],
      ['5 letters', user, 'abcd1e2$', []],
      ['5 upper-case letters', user, 'ABCDE12$', []],
      ['5 letters, mixed case, spread out', user, 'a1B$c2De', []],
      ['z and Z are letters', user, 'zZzZz12$', []],
    ])('%s', (_label, username, password, expected) => expectCodes(username, password, expected))
  })

  describe('required symbols', () => {
    it.each(passwordPolicy.requiredSymbols.map((symbol) => [symbol]))('%s satisfies the rule', (symbol) => {
      expectCodes(user, `abcde12${symbol}`, [])
      expectCodes(user, `${symbol}abcde12`, [])
    })

    it.each([['#'], ['_'], ['%'], ['?'], ['*'], ['+'], [','], ['/'], ['\\'], [' '], ['&'], ['='], ['~']])(
      '%s is not one of the required symbols',
      (other) => expectCodes(user, `abcde12${other}`, [SYMBOL]),
    )

    it('no symbol at all', () => expectCodes(user, 'abcde123', [SYMBOL]))
  })

  describe('forbidden characters', () => {
    it.each<Row>([
      ['@ with a valid symbol', user, 'abcde12$@', [FORBIDDEN]],
      [': with a valid symbol', user, 'abcde12$:', [FORBIDDEN]],
      ['@ as the only symbol', user, 'abcde12@', [SYMBOL, FORBIDDEN]],
      [': as the only symbol', user, 'abcde12:', [SYMBOL, FORBIDDEN]],
      ['@ at the start', user, '@abcde12$', [FORBIDDEN]],
      ['both, repeated, reported once', user, '@@abcde12$::', [FORBIDDEN]],
    ])('%s', (_label, username, password, expected) => expectCodes(username, password, expected))

    it('names each forbidden character found once', () => {
      const [violation] = checkPassword(user, '@@abcde12$::')
      expect(violation?.message).toMatch(/: @ :$/)
    })

    it('the user name may contain @ (as the API user does)', () => expectCodes(apiUser, 'abcde12$', []))
  })

  describe('user name plus password', () => {
    it.each<Row>([
      ['23 + 17 = 40', apiUser, 'abcdefghij12345$.', []],
      ['23 + 18 = 41', apiUser, 'abcdefghij12345$.k', [TOO_LONG]],
      ['5 + 35 = 40', user, `abcde12$${'x'.repeat(27)}`, []],
      ['5 + 36 = 41', user, `abcde12$${'x'.repeat(28)}`, [TOO_LONG]],
      ['32 + 8 = 40', 'u'.repeat(32), 'abcde12$', []],
      ['33 + 8 = 41', 'u'.repeat(33), 'abcde12$', [TOO_LONG]],
      ['empty user name, 40', '', `abcde12$${'x'.repeat(32)}`, []],
      ['empty user name, 41', '', `abcde12$${'x'.repeat(33)}`, [TOO_LONG]],
      ['user name alone over 40', 'u'.repeat(45), 'abcde12$', [TOO_LONG]],
    ])('%s', (_label, username, password, expected) => expectCodes(username, password, expected))

    it('tells how long the password may be for that user name', () => {
      const [violation] = checkPassword(apiUser, 'abcdefghij12345$.k')
      expect(violation?.message).toContain('at most 17 characters')
      expect(maxPasswordLength(apiUser)).toBe(17)
      expect(maxUsernameLength).toBe(32)
    })
  })

  describe('several rules at once', () => {
    it.each<Row>([
      ['short, 1 digit, 2 letters, no symbol, forbidden', user, 'ab1@:', [SHORT, DIGITS, LETTERS, SYMBOL, FORBIDDEN]],
      ['every rule', 'u'.repeat(35), '@@@@@@', [SHORT, DIGITS, LETTERS, SYMBOL, FORBIDDEN, TOO_LONG]],
      ['long, no digits, forbidden, too long', apiUser, 'abcdefghijklmnopq:$', [DIGITS, FORBIDDEN, TOO_LONG]],
      ['only digits', user, '12345678', [LETTERS, SYMBOL]],
    ])('%s', (_label, username, password, expected) => expectCodes(username, password, expected))
  })

  describe('non-ASCII characters', () => {
    it.each<Row>([
      // Decision: only A-Z and a-z are "lettere dell'alfabeto"; accented letters are allowed but do not count.
      ['accented letters do not count as letters', user, 'àèìòù12$', [LETTERS]],
      ['4 ASCII letters and an accented one', user, 'abcdè12$', [LETTERS]],
      ['5 ASCII letters and an accented one', user, 'abcdeè12$', []],
      ['Cyrillic letters do not count', user, 'абвгд12$', [LETTERS]],
      ['Arabic-Indic digits do not count', user, 'abcde١٢$', [DIGITS]],
      ['full-width digits do not count', user, 'abcde１２$', [DIGITS]],
      ['a full-width $ is not the symbol', user, 'abcde12＄', [SYMBOL]],
      ['a full-width @ is not the forbidden character', user, 'abcde12$＠', []],
      // '😀' is 2 UTF-16 units but 1 code point: 7 ASCII characters plus the emoji are 8 characters.
      ['an emoji is one character towards the minimum', user, 'abcde1$😀', [DIGITS]],
      ['23 + 17 code points (26 UTF-16 units) = 40', apiUser, `abcde12$${'😀'.repeat(9)}`, []],
      ['23 + 18 code points = 41', apiUser, `abcde12$${'😀'.repeat(10)}`, [TOO_LONG]],
      // NFC: "e" + combining acute is the same password as "é", one character.
      ['decomposed accents count once', apiUser, `abcde12$${'e\u0301'.repeat(9)}`, []],
      ['decomposed accents in the user name count once', `${'e\u0301'.repeat(23)}`, `abcde12$${'x'.repeat(9)}`, []],
      ['accented user name, 40', 'Niccolò.Càrdini', `abcde12$${'x'.repeat(17)}`, []],
      ['accented user name, 41', 'Niccolò.Càrdini', `abcde12$${'x'.repeat(18)}`, [TOO_LONG]],
    ])('%s', (_label, username, password, expected) => expectCodes(username, password, expected))
  })

  it('messages are English sentences that never repeat the password', () => {
    const password = 'q@:'
    for (const violation of checkPassword('u'.repeat(40), password)) {
      expect(violation.message).toMatch(/^The (password|user name) .+[.:]/)
      expect(violation.message).not.toContain('q')
      expect(Value.Check(PasswordViolationSchema, violation)).toBe(true)
    }
  })
})

describe('passwordRules', () => {
  it('describes every code exactly once, in reporting order', () => {
    expect(passwordRules.map((rule) => rule.code)).toEqual(Object.values(PasswordViolationCodes))
  })

  it('carries the limits of the seed', () => {
    const byCode = new Map(passwordRules.map((rule) => [rule.code, rule]))
    expect(byCode.get(SHORT)?.limit).toBe(8)
    expect(byCode.get(DIGITS)?.limit).toBe(2)
    expect(byCode.get(LETTERS)?.limit).toBe(5)
    expect(byCode.get(SYMBOL)?.characters).toEqual(['$', '.', ';', '!', '-', '<', '>'])
    expect(byCode.get(FORBIDDEN)?.characters).toEqual(['@', ':'])
    expect(byCode.get(TOO_LONG)?.limit).toBe(40)
  })

  it('matches the API schema', () => {
    expect(Value.Check(PasswordRulesSchema, passwordRules)).toBe(true)
  })

  it('cannot be changed at runtime', () => {
    expect(Object.isFrozen(passwordRules)).toBe(true)
    expect(Object.isFrozen(passwordPolicy)).toBe(true)
    expect(Object.isFrozen(passwordPolicy.requiredSymbols)).toBe(true)
    expect(passwordRules.every((rule) => Object.isFrozen(rule))).toBe(true)
  })
})

describe('assertPasswordAcceptable', () => {
  it('returns for an acceptable password', () => {
    expect(() => assertPasswordAcceptable(apiUser, 'abcde12$')).not.toThrow()
  })

  it('throws a 422 that lists every violation with its code', () => {
    let caught: unknown
    try {
      assertPasswordAcceptable(user, 'ab1@')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(PasswordPolicyError)
    const error = caught as PasswordPolicyError
    expect(error.code).toBe(PasswordErrorCodes.PolicyViolation)
    expect(error.statusCode).toBe(422)
    expect(error.violations.map((violation) => violation.code)).toEqual([SHORT, DIGITS, LETTERS, SYMBOL, FORBIDDEN])
    expect(error.extensions?.errors).toEqual(
      error.violations.map((violation) => ({ path: '/password', code: violation.code, message: violation.message })),
    )
  })
})
