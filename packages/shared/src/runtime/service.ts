import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import type { Logger } from 'pino'
import Type, { type Static, type TObject, type TProperties } from 'typebox'
import { authPlugin } from '../auth/plugin.js'
import { createTokenVerifier } from '../auth/verifier.js'
import { loadConfig, serviceConfigFields } from '../config.js'
import {
  type MigrationEntry,
  migrate,
  type OpenDatabaseOptions,
  type Orm,
  openDatabase,
  usesPostgres,
  waitForMigrations,
} from '../db/orm.js'
import { databasePlugin } from '../db/plugin.js'
import { type App, createApp } from '../http/app-factory.js'
import { auditHook } from '../http/audit-hook.js'
import { createLogger } from '../logger.js'
import { createMailer, type MailConfig, type Mailer } from '../mail.js'
import { JobProducer } from '../queues/producer.js'
import { createRedis } from '../queues/redis.js'
import type { RunningWorker } from '../queues/worker.js'
import { ServiceCatalog, type ServiceName } from '../services.js'
import { runUntilSignal } from './lifecycle.js'

export type ServiceConfig = Static<TObject<ReturnType<typeof serviceConfigFields>>>

declare module 'fastify' {
  interface FastifyInstance {
    jobs: JobProducer
    /** Present in services whose configuration includes the mail settings. */
    mailer?: Mailer
  }
}

/** A mailer when the service's configuration carries the mail settings (SMTP_URL / MAIL_DIR). */
export function mailerFor(config: object, logger: Logger): Mailer | undefined {
  return 'MAIL_DIR' in config ? createMailer(config as MailConfig, logger) : undefined
}

export interface ServiceDefinition<C extends ServiceConfig = ServiceConfig> {
  name: ServiceName
  description: string
  version: string
  tags: Array<{ name: string; description: string }>
  configSchema: TObject
  entities: OpenDatabaseOptions['entities']
  migrations: MigrationEntry[]
  /** The service's own routes, registered after the platform plugins. */
  routes: FastifyPluginAsync<{ config: C }>
  /**
   * `jwks` (default): the platform verifies access tokens on every non-public route with the auth service's keys.
   * `own`: the service registers the auth plugin itself (the auth service, which signs the tokens).
   */
  tokenVerification?: 'jwks' | 'own'
  /** Queue consumers of the worker role; absent when the service consumes nothing. */
  workers?: (context: WorkerContext<C>) => RunningWorker[]
}

export interface WorkerContext<C extends ServiceConfig = ServiceConfig> {
  config: C
  orm: Orm
  logger: Logger
  producer: JobProducer
  mailer?: Mailer | undefined
}

// biome-ignore lint/complexity/noBannedTypes: no own fields is the common case
export function serviceConfigSchema<P extends TProperties = {}>(name: ServiceName, own?: P) {
  return Type.Object({ ...serviceConfigFields(ServiceCatalog[name]), ...(own as P) }, { additionalProperties: true })
}

export interface BuildServiceAppOptions<C extends ServiceConfig> {
  config: C
  logger: Logger
  orm: Orm
  producer: JobProducer
}

export const InfoSchema = Type.Object(
  {
    service: Type.String({ description: 'Name of the service that answers: auth, fe-active, fe-passive, …' }),
    version: Type.String(),
    database: Type.Union([Type.Literal('postgresql'), Type.Literal('sqlite')]),
    migrations: Type.Object({ applied: Type.Array(Type.String()), pending: Type.Array(Type.String()) }),
  },
  {
    examples: [
      {
        service: 'fe-active',
        version: '0.1.0',
        database: 'postgresql',
        migrations: { applied: ['Migration20261123000000Init'], pending: [] },
      },
    ],
  },
)

/** Builds the Fastify app of a service without listening: production and tests share this path. */
export async function buildServiceApp<C extends ServiceConfig>(
  definition: ServiceDefinition<C>,
  options: BuildServiceAppOptions<C>,
): Promise<App> {
  const app = await createApp({
    name: definition.name,
    description: definition.description,
    version: definition.version,
    logger: options.logger,
    tags: [...definition.tags, { name: 'ops', description: 'Operational information about the service' }],
    trustProxy: options.config.TRUST_PROXY,
  })
  // First, so every route of the service, whoever registers it, is audited the same way.
  await app.register(auditHook, { service: definition.name, producer: options.producer })
  await app.register(databasePlugin, { orm: options.orm })
  await app.register(
    fp(
      async (instance) => {
        instance.decorate('jobs', options.producer)
        instance.readinessChecks.set('redis', () => options.producer.ping())
        const mailer = mailerFor(options.config, options.logger)
        if (mailer) {
          instance.decorate('mailer', mailer)
          instance.addHook('onClose', async () => mailer.close())
        }
      },
      { name: 'jobs' },
    ),
  )

  app.get(
    '/info',
    {
      // Versions and migration names only: the gateway's readiness view and operators read it without a token.
      config: { public: true },
      schema: {
        tags: ['ops'],
        summary: 'Version and database migration state of the service',
        operationId: `${definition.name}.info`,
        response: { 200: InfoSchema },
      },
    },
    async () => {
      const migrator = options.orm.getMigrator()
      const [applied, pending] = await Promise.all([migrator.getExecutedMigrations(), migrator.getPendingMigrations()])
      return {
        service: definition.name,
        version: definition.version,
        database: usesPostgres(options.orm.config) ? ('postgresql' as const) : ('sqlite' as const),
        migrations: { applied: applied.map((m) => m.name), pending: pending.map((m) => m.name) },
      }
    },
  )

  if (definition.tokenVerification !== 'own') {
    await app.register(authPlugin, { verifier: createTokenVerifier({ jwksUrl: options.config.AUTH_JWKS_URL }) })
  }
  await app.register(definition.routes, { config: options.config })
  return app
}

export interface OpenInfrastructureOptions {
  role: 'server' | 'worker'
  env?: Record<string, string | undefined>
  logger?: Logger
}

/** Configuration, logger, database and queue producer of a service, as its processes (and tests) open them. */
export async function openInfrastructure<C extends ServiceConfig>(definition: ServiceDefinition<C>, options: OpenInfrastructureOptions) {
  const config = loadConfig(definition.configSchema, options.env) as C
  const logger = options.logger ?? createLogger({ name: definition.name, level: config.LOG_LEVEL, base: { role: options.role } })
  const orm = await openDatabase({
    url: config.DATABASE_URL,
    schema: config.DB_SCHEMA,
    entities: definition.entities,
    migrations: definition.migrations,
    logger,
  })
  const producer = new JobProducer(createRedis(config.REDIS_URL, 'producer'), config.REDIS_PREFIX, logger)
  return { config, logger, orm, producer }
}

/** Entry point of `server.ts`: migrate, listen, drain on SIGTERM. */
export async function runServiceServer<C extends ServiceConfig>(definition: ServiceDefinition<C>): Promise<void> {
  const { config, logger, orm, producer } = await openInfrastructure(definition, { role: 'server' })
  await runUntilSignal(logger, config.SHUTDOWN_TIMEOUT_MS, async () => {
    const applied = await migrate(orm, config.DB_SCHEMA)
    if (applied.length > 0) logger.info({ applied }, 'migrations applied')
    producer.connectInBackground()
    const app = await buildServiceApp(definition, { config, logger, orm, producer })
    await app.listen({ host: config.HOST, port: config.PORT })
    // The producer closes after the app: the audit events of the last requests are published while it drains.
    return async () => {
      await app.close()
      await producer.close()
    }
  })
}

/** Entry point of `worker.ts`: wait for the schema, consume, finish active jobs on SIGTERM. */
export async function runServiceWorkers<C extends ServiceConfig>(definition: ServiceDefinition<C>): Promise<void> {
  const { config, logger, orm, producer } = await openInfrastructure(definition, { role: 'worker' })
  await runUntilSignal(logger, config.SHUTDOWN_TIMEOUT_MS, async () => {
    if (!definition.workers) throw new Error(`${definition.name} has no queue consumers; do not start its worker role`)
    await waitForMigrations(orm, definition.migrations, logger)
    producer.connectInBackground()
    const mailer = mailerFor(config, logger)
    const workers = definition.workers({ config, orm, logger, producer, mailer })
    logger.info({ queues: workers.map((running) => running.name) }, 'workers started')
    return async () => {
      await Promise.all(workers.map((running) => running.close()))
      mailer?.close()
      await producer.close()
      await orm.close()
    }
  })
}
