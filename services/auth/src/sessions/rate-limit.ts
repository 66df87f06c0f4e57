import rateLimit from '@fastify/rate-limit'
import { AppError, connectRedis, createRedis, ErrorCodes, withTimeout } from '@fatturapa-hub/shared'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'

const connectTimeoutMs = 2000

/**
 * Registers @fastify/rate-limit in the calling (encapsulated) plugin with `global: false`: only routes carrying
 * `config.rateLimit` (see `loginRateLimit`) are limited, per client IP, in Redis so every replica shares the
 * count. A Redis outage lets sign-ins through (logged): availability of sign-in wins, and the lockout after three
 * wrong passwords, kept in PostgreSQL, still stops guessing of any one user's password.
 */
export async function registerLoginRateLimit(app: FastifyInstance, config: Config): Promise<void> {
  const redis = createRedis(config.REDIS_URL, 'client')
  redis.on('error', (error) => app.log.warn({ err: error }, 'login rate-limit redis error'))
  app.addHook('onReady', async () => {
    try {
      await withTimeout(connectRedis(redis), connectTimeoutMs, 'redis')
    } catch (error) {
      app.log.warn({ err: error }, 'login rate-limit redis unavailable at start; sign-in is not rate limited until it is back')
    }
  })
  app.addHook('onClose', async () => {
    if (redis.status === 'ready') await redis.quit()
    else redis.disconnect()
  })
  await app.register(rateLimit, {
    global: false,
    redis,
    nameSpace: `${config.REDIS_PREFIX}:auth-login-rl:`,
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new AppError(
        ErrorCodes.RateLimited,
        context.statusCode,
        `Rate limit of ${context.max} sign-in requests per minute exceeded; retry in ${context.after}.`,
      ),
  })
}

export function loginRateLimit(config: Config) {
  return { max: config.LOGIN_RATE_LIMIT_PER_MINUTE, timeWindow: 60_000 }
}
