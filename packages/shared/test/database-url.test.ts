import { describe, expect, it } from '@jest/globals'
import { parseDatabaseUrl } from '../src/db/database-url.js'

describe('parseDatabaseUrl', () => {
  it.each([
    ['postgres://u:p@db:5432/fph', { kind: 'postgresql', clientUrl: 'postgres://u:p@db:5432/fph' }],
    ['postgresql://db/fph', { kind: 'postgresql', clientUrl: 'postgresql://db/fph' }],
    ['sqlite:./data/auth.sqlite', { kind: 'sqlite', file: '/srv/data/auth.sqlite' }],
    ['sqlite:///var/lib/fph/auth.sqlite', { kind: 'sqlite', file: '/var/lib/fph/auth.sqlite' }],
  ])('reads %s', (url, expected) => {
    expect(parseDatabaseUrl(url, '/srv')).toEqual(expected)
  })

  it.each(['mysql://db/fph', 'sqlite:', 'auth.sqlite'])('refuses %s', (url) => {
    expect(() => parseDatabaseUrl(url, '/srv')).toThrow(/DATABASE_URL/)
  })
})
