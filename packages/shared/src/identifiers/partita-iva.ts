/**
 * Italian VAT number (partita IVA): 11 digits, the last a check digit (Luhn variant of DM 23/12/1976):
 * odd positions add as they are, even positions are doubled (minus 9 when over 9).
 */
export function isValidPartitaIva(value: string): boolean {
  if (!/^\d{11}$/.test(value)) return false
  if (value === '00000000000') return false
  let sum = 0
  for (let i = 0; i < 10; i++) {
    const digit = value.charCodeAt(i) - 48
    if (i % 2 === 0) sum += digit
    else sum += digit * 2 > 9 ? digit * 2 - 9 : digit * 2
  }
  return (10 - (sum % 10)) % 10 === value.charCodeAt(10) - 48
}
