import { describe, expect, it } from '@jest/globals'
import {
  counterFromProgressivo,
  InMemoryProgressivoStore,
  maxProgressivoCounter,
  ProgressivoRangeError,
  parseInvoiceFileName,
  progressivoFromCounter,
} from '../../src/names/index.js'

describe('progressivoFromCounter', () => {
  it.each([
    [1, '00001'],
    [9, '00009'],
    [10, '0000A'],
    [35, '0000Z'],
    [36, '00010'],
    [46655, '00ZZZ'],
    [maxProgressivoCounter, 'ZZZZZ'],
  ])('%i → %s', (counter, progressivo) => {
    expect(progressivoFromCounter(counter)).toBe(progressivo)
    expect(counterFromProgressivo(progressivo)).toBe(counter)
    expect(parseInvoiceFileName(`IT01234567890_${progressivo}.xml`).progressivo).toBe(progressivo)
  })

  it.each([0, -1, 1.5, Number.NaN, maxProgressivoCounter + 1, Number.MAX_SAFE_INTEGER + 2])('refuses %d', (counter) => {
    expect(() => progressivoFromCounter(counter)).toThrow(ProgressivoRangeError)
  })

  it('reads lowercase progressivi back as the same counter', () => {
    expect(counterFromProgressivo('00zzz')).toBe(46655)
    expect(() => counterFromProgressivo('000001')).toThrow(ProgressivoRangeError)
  })
})

describe('InMemoryProgressivoStore', () => {
  it('counts per transmitter and never repeats', async () => {
    const store = new InMemoryProgressivoStore({ IT01234567890: 41 })
    expect(await store.next('IT01234567890')).toBe(42)
    expect(await store.next('IT01234567890')).toBe(43)
    expect(await store.next('ITHVQWPH73P42H501Y')).toBe(1)
    const many = await Promise.all(Array.from({ length: 50 }, () => store.next('FRAB')))
    expect(new Set(many).size).toBe(50)
  })

  it('fails when the progressivo space is used up', async () => {
    const store = new InMemoryProgressivoStore({ IT01234567890: maxProgressivoCounter - 1 })
    expect(progressivoFromCounter(await store.next('IT01234567890'))).toBe('ZZZZZ')
    await expect(store.next('IT01234567890')).rejects.toThrow(ProgressivoRangeError)
  })
})
