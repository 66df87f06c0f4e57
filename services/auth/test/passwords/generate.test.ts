import { describe, expect, it } from '@jest/globals'
import { generateSystemPassword, type RandomIndex } from '../../src/passwords/generate.js'
import {
  checkPassword,
  PasswordErrorCodes,
  passwordPolicy,
  systemPasswordLength,
  UsernameTooLongForPasswordError,
} from '../../src/passwords/index.js'

const iterations = 1_000
const codePoints = (value: string) => [...value].length

describe('generateSystemPassword', () => {
  it.each([
    ['an empty user name', '', 16],
    ['a short user name', 'mario.rossi', 16],
    ['the API user', 'APIREST_wt00000@wt00000', 16],
    ['a 24-character user name', 'u'.repeat(24), 16],
    ['a 28-character user name (12 left)', 'u'.repeat(28), 12],
    ['a 29-character user name (11 left)', 'u'.repeat(29), 11],
    ['a 32-character user name (8 left)', 'u'.repeat(32), 8],
    ['an accented 30-character user name', 'è'.repeat(30), 10],
  ])(`satisfies the policy ${iterations} times for %s`, (_label, username, expectedLength) => {
    for (let i = 0; i < iterations; i++) {
      const password = generateSystemPassword(username)
      expect(codePoints(password)).toBe(expectedLength)
      expect(checkPassword(username, password)).toEqual([])
    }
  })

  it('is at least 12 characters long whenever the user name allows it', () => {
    expect(systemPasswordLength).toBeGreaterThanOrEqual(12)
    for (let length = 0; length <= 28; length++) {
      expect(codePoints(generateSystemPassword('u'.repeat(length)))).toBeGreaterThanOrEqual(12)
    }
  })

  it('refuses a user name that leaves no room for a valid password', () => {
    expect(() => generateSystemPassword('u'.repeat(33))).toThrow(UsernameTooLongForPasswordError)
    try {
      generateSystemPassword('u'.repeat(33))
    } catch (error) {
      expect((error as UsernameTooLongForPasswordError).code).toBe(PasswordErrorCodes.UsernameTooLong)
      expect((error as UsernameTooLongForPasswordError).statusCode).toBe(422)
    }
  })

  // Drive the generator with fixed "random" sources: the extremes of every draw must still satisfy the policy.
  it.each<[string, RandomIndex]>([
    ['always the first choice', () => 0],
    ['always the last choice', (max) => max - 1],
    ['always the middle choice', (max) => Math.floor(max / 2)],
  ])('satisfies the policy when the random source returns %s', (_label, randomIndex) => {
    for (const username of ['', 'APIREST_wt00000@wt00000', 'u'.repeat(32)]) {
      expect(checkPassword(username, generateSystemPassword(username, randomIndex))).toEqual([])
    }
  })

  it('draws only within the bounds it asks for', () => {
    const bounds: number[] = []
    generateSystemPassword('mario', (max) => {
      bounds.push(max)
      return 0
    })
    expect(bounds.every((max) => Number.isInteger(max) && max >= 1)).toBe(true)
    // One draw per character plus one per shuffle step.
    expect(bounds).toHaveLength(systemPasswordLength + systemPasswordLength - 1)
  })

  it('uses only unambiguous, mail-safe characters, and every one of them', () => {
    const seen = new Set<string>()
    for (let i = 0; i < iterations; i++) for (const character of generateSystemPassword('mario')) seen.add(character)
    const expected = new Set('ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789$.;!-')
    expect([...seen].sort()).toEqual([...expected].sort())
    for (const ambiguous of ['I', 'l', '1', 'O', '0', '<', '>', ...passwordPolicy.forbiddenCharacters]) {
      expect(seen.has(ambiguous)).toBe(false)
    }
  })

  it('never repeats itself', () => {
    const passwords = new Set(Array.from({ length: iterations }, () => generateSystemPassword('mario')))
    expect(passwords.size).toBe(iterations)
  })

  it('shuffles positions: any class can come first or last', () => {
    const classOf = (character: string) => (/[0-9]/.test(character) ? 'digit' : /[A-Za-z]/.test(character) ? 'letter' : 'symbol')
    const first = new Set<string>()
    const last = new Set<string>()
    for (let i = 0; i < iterations; i++) {
      const password = generateSystemPassword('mario')
      first.add(classOf(password.charAt(0)))
      last.add(classOf(password.charAt(password.length - 1)))
    }
    expect([...first].sort()).toEqual(['digit', 'letter', 'symbol'])
    expect([...last].sort()).toEqual(['digit', 'letter', 'symbol'])
  })
})
