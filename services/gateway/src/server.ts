import { createLogger, createRedis, loadConfig, runUntilSignal } from '@fatturapa-hub/shared'
import { buildGateway, listenGateway } from './app.js'
import { ConfigSchema } from './config.js'

const config = loadConfig(ConfigSchema)
const logger = createLogger({ name: 'gateway', level: config.LOG_LEVEL, base: { role: 'server' } })

await runUntilSignal(logger, config.SHUTDOWN_TIMEOUT_MS, async () => {
  const redis = createRedis(config.REDIS_URL, 'client')
  redis.on('error', (error) => logger.warn({ err: error }, 'redis error'))
  await redis.connect()
  const app = await buildGateway({ config, logger, redis })
  // HTTPS when GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE are set, HTTP otherwise.
  await listenGateway(app, { host: config.HOST, port: config.PORT })
  return async () => {
    await app.close()
    redis.disconnect()
  }
})
