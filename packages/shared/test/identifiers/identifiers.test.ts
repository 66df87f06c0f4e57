import { describe, expect, it } from '@jest/globals'
import { codiceFiscaleCheckCharacter, isValidCodiceFiscale, isValidPartitaIva } from '../../src/identifiers/index.js'

describe('isValidPartitaIva', () => {
  it.each([
    ['06363391001', true], // Agenzia delle Entrate
    ['01234567890', false], // check digit should be 7
    ['01234567897', true],
    ['0123456789', false], // 10 digits
    ['012345678970', false], // 12 digits
    ['0123456789A', false],
    ['00000000000', false],
    ['12345678903', true],
    ['12345678901', false],
  ])('%s → %s', (value, expected) => {
    expect(isValidPartitaIva(value)).toBe(expected)
  })
})

describe('isValidCodiceFiscale', () => {
  it.each([
    ['RSSMRA80A01H501U', true],
    ['rssmra80a01h501u', true],
    ['RSSMRA80A01H501A', false], // wrong check character
    ['RSSMRA80A41H501Y', true], // woman: day + 40
    ['RSSMRA80A32H501X', false], // day 32 does not exist
    ['RSSMRA80F01H501K', false], // F is not a month letter
    ['RSSMRAUPA01H501U', false], // omocodia letter but wrong check character
    ['RSSMRA80A01H50RU', false], // shape ok, check character no longer matches
    ['06363391001', true], // entity: 11 digits checked as a partita IVA
    ['06363391002', false],
    ['RSSMRA80A01H501', false], // 15 characters
  ])('%s → %s', (value, expected) => {
    expect(isValidCodiceFiscale(value)).toBe(expected)
  })

  it('accepts omocodia substitutions with their recomputed check character', () => {
    const omocode = 'RSSMRA80A01H50R'
    const code = omocode + codiceFiscaleCheckCharacter(omocode)
    expect(isValidCodiceFiscale(code)).toBe(true)
  })
})
