/**
 * The Italian VAT number (partita IVA): 11 digits, the last one a Luhn-style check digit over the first ten.
 * Odd positions (1st, 3rd, …, 9th) count as they are, even positions are doubled and reduced by 9 when above 9.
 */
export function partitaIvaCheckDigit(firstTenDigits: string): number {
  if (!/^\d{10}$/.test(firstTenDigits)) throw new TypeError('Ten digits are required to compute the check digit')
  let sum = 0
  for (let index = 0; index < 10; index++) {
    const digit = Number(firstTenDigits.charAt(index))
    if (index % 2 === 0) {
      sum += digit
    } else {
      const doubled = digit * 2
      sum += doubled > 9 ? doubled - 9 : doubled
    }
  }
  return (10 - (sum % 10)) % 10
}

export function isValidPartitaIva(value: string): boolean {
  if (!/^\d{11}$/.test(value)) return false
  return partitaIvaCheckDigit(value.slice(0, 10)) === Number(value.charAt(10))
}
