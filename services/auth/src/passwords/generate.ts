import { randomInt } from 'node:crypto'
import { UsernameTooLongForPasswordError } from './errors.js'
import { checkPassword, maxPasswordLength, maxUsernameLength, passwordPolicy } from './policy.js'

/** Returns an integer in [0, max), uniformly. Injectable only so tests can drive the worst cases. */
export type RandomIndex = (max: number) => number

// A system password ("password d'ufficio") is read from an e-mail and typed by hand, so characters that
// look alike in common fonts (I l 1, O 0) are left out. `<` and `>` are left out because mail templates
// escape or strip them as HTML; the remaining symbols still satisfy the policy.
const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const digits = '23456789'
const symbols = passwordPolicy.requiredSymbols.filter((symbol) => symbol !== '<' && symbol !== '>').join('')
const anyCharacter = letters + digits + symbols

/** 16 characters from ~60 give about 94 bits; 12 is the floor we aim for whenever the user name allows it. */
export const systemPasswordLength = 16

/**
 * A random password that satisfies the policy for `username`: the minimum of each required class is drawn
 * first, the rest from all classes, then the positions are shuffled so the classes are not in fixed places.
 * `crypto.randomInt` is a CSPRNG and rejects biased draws, so every choice is uniform.
 */
export function generateSystemPassword(username: string, randomIndex: RandomIndex = randomInt): string {
  const length = Math.min(systemPasswordLength, maxPasswordLength(username))
  if (length < passwordPolicy.minLength) throw new UsernameTooLongForPasswordError(maxUsernameLength)

  const pick = (alphabet: string): string => alphabet.charAt(randomIndex(alphabet.length))
  const characters: string[] = []
  for (let i = 0; i < passwordPolicy.minDigits; i++) characters.push(pick(digits))
  for (let i = 0; i < passwordPolicy.minLetters; i++) characters.push(pick(letters))
  characters.push(pick(symbols))
  while (characters.length < length) characters.push(pick(anyCharacter))
  shuffle(characters, randomIndex)

  const password = characters.join('')
  // Cheap insurance: a policy change that the alphabets above no longer satisfy must fail here, not at the user.
  const violations = checkPassword(username, password)
  if (violations.length > 0) throw new Error(`Generated password violates the policy: ${violations.map((v) => v.code).join(', ')}`)
  return password
}

/** Fisher–Yates: every permutation is equally likely when `randomIndex` is uniform. */
function shuffle(items: string[], randomIndex: RandomIndex): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomIndex(i + 1)
    const item = items[i] as string
    items[i] = items[j] as string
    items[j] = item
  }
}
