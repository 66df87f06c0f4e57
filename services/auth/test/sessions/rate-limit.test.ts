// Real: PostgreSQL, Redis (the rate-limit counters) and an SMTP server on loopback. Nothing is mocked.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type AuthTest, startAuthTest } from '../support/auth-test.js'
import { post } from './helpers.js'

describe('sessions: sign-in rate limit', () => {
  let auth: AuthTest
  beforeAll(async () => {
    auth = await startAuthTest({ LOGIN_RATE_LIMIT_PER_MINUTE: '3' })
  })
  afterAll(async () => auth?.close())

  it('answers 429 RATE_LIMITED after the limit per minute and client IP', async () => {
    const attempt = () => post(auth, '/sessions', { username: 'NOBODY@nowhere', password: 'wrong.password' })
    for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401)
    const response = await auth.service.app.inject({
      method: 'POST',
      url: '/sessions',
      payload: { username: 'NOBODY@nowhere', password: 'wrong.password' },
    })
    expect(response.statusCode).toBe(429)
    expect(response.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 })
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0)

    expect(await countKeys(auth)).toBeGreaterThan(0)
  })

  it('limits POST /sessions/token on its own and leaves other routes alone', async () => {
    const token = () => post(auth, '/sessions/token', { username: 'NOBODY@nowhere', password: 'wrong.password' })
    for (let i = 0; i < 3; i++) expect((await token()).status).toBe(401)
    expect(await token()).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } })
    for (let i = 0; i < 5; i++) expect((await post(auth, '/sessions/refresh', { refreshToken: 'unknown' })).status).toBe(401)
  })
})

/** The counters live in Redis under the service's prefix, shared by every replica. */
async function countKeys(auth: AuthTest): Promise<number> {
  const { Redis } = await import('ioredis')
  const redis = new Redis(auth.service.config.REDIS_URL)
  try {
    return (await redis.keys(`${auth.service.config.REDIS_PREFIX}:auth-login-rl:*`)).length
  } finally {
    redis.disconnect()
  }
}
