import { describe, expect, it } from '@jest/globals'
import { isValidPartitaIva, partitaIvaCheckDigit } from '../../src/certificates/partita-iva.js'

describe('partita IVA', () => {
  it('accepts numbers whose last digit is the check digit', () => {
    for (const value of ['02038490237', '12345678903', '00743110157', '03386690170']) expect(isValidPartitaIva(value)).toBe(true)
  })

  it('computes the check digit from the first ten digits', () => {
    expect(partitaIvaCheckDigit('0203849023')).toBe(7)
    expect(partitaIvaCheckDigit('0338669017')).toBe(0)
  })

  it('refuses a wrong check digit, wrong length and non-digits', () => {
    for (const value of ['02038490238', '0203849023', '020384902370', 'IT02038490237', '0203849023a', '']) {
      expect(isValidPartitaIva(value)).toBe(false)
    }
  })
})
