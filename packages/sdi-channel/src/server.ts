import {
  buildServiceApp,
  migrate,
  openInfrastructure,
  runUntilSignal,
  type ServiceConfig,
  type ServiceDefinition,
} from '@fatturapa-hub/shared'
import { type SdiInboundConfig, sdiInboundMode } from './config.js'
import { listenSdiEndpoint } from './tls-listener.js'

/**
 * `runServiceServer` of a service with SDI endpoints: migrate, listen on the service port, and, when
 * SDI_INBOUND_TLS_* is configured, on the mutual-TLS listener of the SDI endpoints too. On SIGTERM the TLS
 * listener stops first (SDI retries what it could not deliver), then the app drains.
 */
export async function runSdiServiceServer<C extends ServiceConfig & SdiInboundConfig>(definition: ServiceDefinition<C>): Promise<void> {
  const { config, logger, orm, producer } = await openInfrastructure(definition, { role: 'server' })
  await runUntilSignal(logger, config.SHUTDOWN_TIMEOUT_MS, async () => {
    // Before anything listens: a half-configured TLS listener is a boot error, not a silent plain endpoint.
    const mode = sdiInboundMode(config)
    const applied = await migrate(orm, config.DB_SCHEMA)
    if (applied.length > 0) logger.info({ applied }, 'migrations applied')
    producer.connectInBackground()
    const app = await buildServiceApp(definition, { config, logger, orm, producer })
    await app.listen({ host: config.HOST, port: config.PORT })
    const sdi = mode.kind === 'tls' ? await listenSdiEndpoint(app, mode.tls) : undefined
    if (mode.kind === 'off') logger.info('SDI endpoints not served: set SDI_INBOUND_TLS_* (production) or SDI_INBOUND_PLAIN_HTTP=true')
    return async () => {
      await sdi?.close()
      await app.close()
      await producer.close()
    }
  })
}
