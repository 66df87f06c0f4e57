import { describe, expect, it } from '@jest/globals'
import { formatRomeDateTime, romeTime, romeToday } from '../src/time/rome.js'

describe('Europe/Rome time', () => {
  it('uses the winter and summer offsets and the Italian calendar day', () => {
    expect(romeTime(new Date('2026-01-15T23:30:00Z'))).toEqual({ date: '2026-01-16', time: '00:30:00', offset: '+01:00' })
    expect(romeTime(new Date('2026-07-15T22:30:00Z'))).toEqual({ date: '2026-07-16', time: '00:30:00', offset: '+02:00' })
  })

  it('switches offset at the daylight-saving changes', () => {
    // 29 March 2026 02:00 CET → 03:00 CEST; 25 October 2026 03:00 CEST → 02:00 CET.
    expect(romeTime(new Date('2026-03-29T00:59:59Z')).offset).toBe('+01:00')
    expect(romeTime(new Date('2026-03-29T01:00:00Z'))).toMatchObject({ time: '03:00:00', offset: '+02:00' })
    expect(romeTime(new Date('2026-10-25T00:59:59Z'))).toMatchObject({ time: '02:59:59', offset: '+02:00' })
    expect(romeTime(new Date('2026-10-25T01:00:00Z'))).toMatchObject({ time: '02:00:00', offset: '+01:00' })
  })

  it('formats days and times as Italian readers expect', () => {
    expect(romeToday(new Date('2026-12-31T23:00:00Z'))).toBe('2027-01-01')
    expect(formatRomeDateTime(new Date('2018-07-06T12:30:05Z'))).toBe('06/07/2018 alle 14:30')
    expect(formatRomeDateTime(new Date('2018-07-06T12:30:05Z'), { seconds: true })).toBe('06/07/2018 alle 14:30:05')
  })
})
