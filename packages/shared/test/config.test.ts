import { describe, expect, it } from '@jest/globals'
import Type from 'typebox'
import { ConfigError, describeConfig, loadConfig, serviceConfigFields } from '../src/config.js'

const schema = Type.Object(serviceConfigFields({ name: 'fe-active', defaultPort: 3002 }))

describe('loadConfig', () => {
  it('applies defaults and converts numbers from strings', () => {
    const config = loadConfig(schema, { PORT: '4100' })
    expect(config.PORT).toBe(4100)
    expect(config.DB_SCHEMA).toBe('fe_active')
    expect(config.DATABASE_URL).toBe('sqlite:./data/fe-active.sqlite')
    expect(config.LOG_LEVEL).toBe('info')
  })

  it('names every bad variable and what it received', () => {
    expect(() => loadConfig(schema, { PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' })).toThrow(ConfigError)
    try {
      loadConfig(schema, { PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' })
    } catch (error) {
      const message = (error as ConfigError).message
      expect(message).toMatch(/PORT: .*\(got "abc"\)/)
      expect(message).toMatch(/DATABASE_URL: .*\(got "mysql:\/\/x"\)/)
      expect(message).toMatch(/LOG_LEVEL: /)
    }
  })

  it('reports a missing required variable as not set', () => {
    const required = Type.Object({ SECRET_KEY: Type.String({ minLength: 1 }) })
    expect(() => loadConfig(required, {})).toThrow(/SECRET_KEY: .*\(not set\)/)
  })

  it('describes each variable for the README table', () => {
    const rows = describeConfig(schema)
    expect(rows.find((row) => row.name === 'PORT')).toMatchObject({ default: '3002', required: false })
  })
})
