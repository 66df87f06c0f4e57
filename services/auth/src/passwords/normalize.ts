/**
 * The same password typed on different systems can arrive composed ("é", U+00E9) or decomposed
 * ("e" + U+0301). Canonical composition (NFC) makes both the same string, so policy checks, hashing and
 * verification all see one form. NFKC is deliberately not used: it would silently turn look-alikes such as
 * the full-width "＄" into "$" and make them count as the required symbol.
 */
export function normalizePassword(value: string): string {
  return value.normalize('NFC')
}

/** Length in Unicode code points, so "😀" is one character, not two UTF-16 units. */
export function codePointLength(value: string): number {
  let length = 0
  for (const _ of value) length++
  return length
}
