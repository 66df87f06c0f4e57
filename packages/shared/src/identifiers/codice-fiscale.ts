import { isValidPartitaIva } from './partita-iva.js'

// Values of characters in odd positions (1st, 3rd, …) for the check character (DM 12/03/1974, art. 7).
const oddValues: Record<string, number> = {
  '0': 1,
  '1': 0,
  '2': 5,
  '3': 7,
  '4': 9,
  '5': 13,
  '6': 15,
  '7': 17,
  '8': 19,
  '9': 21,
  A: 1,
  B: 0,
  C: 5,
  D: 7,
  E: 9,
  F: 13,
  G: 15,
  H: 17,
  I: 19,
  J: 21,
  K: 2,
  L: 4,
  M: 18,
  N: 20,
  O: 11,
  P: 3,
  Q: 6,
  R: 8,
  S: 12,
  T: 14,
  U: 16,
  V: 10,
  W: 22,
  X: 25,
  Y: 24,
  Z: 23,
}

// Letters that replace digits when two people would get the same code (omocodia), in order 0–9.
const omocodia = 'LMNPQRSTUV'
const digitOrOmocodia = `[0-9${omocodia}]`
const personalShape = new RegExp(`^[A-Z]{6}${digitOrOmocodia}{2}[ABCDEHLMPRST]${digitOrOmocodia}{2}[A-Z]${digitOrOmocodia}{3}[A-Z]$`)

export function codiceFiscaleCheckCharacter(first15: string): string {
  let sum = 0
  for (let i = 0; i < 15; i++) {
    const character = first15[i] as string
    if (i % 2 === 0) sum += oddValues[character] ?? Number.NaN
    else sum += /\d/.test(character) ? Number(character) : character.charCodeAt(0) - 65
  }
  return String.fromCharCode(65 + (sum % 26))
}

/**
 * Codice fiscale of a person (16 characters, with omocodia substitutions) or of an entity (11 digits,
 * checked like a partita IVA). Case-insensitive, as SDI accepts lowercase input.
 */
export function isValidCodiceFiscale(value: string): boolean {
  const code = value.toUpperCase()
  if (/^\d{11}$/.test(code)) return isValidPartitaIva(code)
  if (!personalShape.test(code)) return false
  if (!isValidBirthDay(code)) return false
  return codiceFiscaleCheckCharacter(code.slice(0, 15)) === code[15]
}

/** Day of birth 1–31, or 41–71 for women; omocodia letters stand for digits. */
function isValidBirthDay(code: string): boolean {
  const day = Number(
    code
      .slice(9, 11)
      .split('')
      .map((character) => (omocodia.includes(character) ? String(omocodia.indexOf(character)) : character))
      .join(''),
  )
  return (day >= 1 && day <= 31) || (day >= 41 && day <= 71)
}
