import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import pg from 'pg'
import type { Logger } from 'pino'
import { migrate, type Orm } from '../db/orm.js'
import type { App } from '../http/app-factory.js'
import { createLogger } from '../logger.js'
import type { JobProducer } from '../queues/producer.js'
import { buildServiceApp, openInfrastructure, type ServiceConfig, type ServiceDefinition } from '../runtime/service.js'

/** Admin connection used to create one database per test file; trust auth on the CI machines. */
export const testPostgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export function uniqueId(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`
}

export interface TestDatabase {
  url: string
  name: string
  drop(): Promise<void>
}

/** A fresh PostgreSQL database for one test file, so files run in parallel without sharing state. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = uniqueId('fph_test')
  const admin = new pg.Client({ connectionString: testPostgresUrl })
  await admin.connect()
  try {
    await admin.query(`create database "${name}"`)
  } finally {
    await admin.end()
  }
  const url = new URL(testPostgresUrl)
  url.pathname = `/${name}`
  return {
    name,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: testPostgresUrl })
      await client.connect()
      try {
        await client.query(`drop database if exists "${name}" with (force)`)
      } finally {
        await client.end()
      }
    },
  }
}

/** A Redis key prefix of its own for one test file. */
export function testRedisPrefix(): string {
  return uniqueId('fphtest')
}

export interface CapturedLogs {
  logger: Logger
  lines(): Array<Record<string, unknown>>
}

/** A real pino logger whose JSON lines are kept in memory for assertions. */
export function captureLogs(name: string, level = 'debug'): CapturedLogs {
  const chunks: string[] = []
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk))
      callback()
    },
  })
  const logger = createLogger({ name, level, destination })
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}

export interface TestService<C extends ServiceConfig> {
  app: App
  orm: Orm
  producer: JobProducer
  config: C
  close(): Promise<void>
}

/**
 * Builds a service exactly as its server does (migrations, ORM, real Redis producer) against the given
 * database, without listening. The caller owns the database's lifetime.
 */
export async function startTestService<C extends ServiceConfig>(
  definition: ServiceDefinition<C>,
  options: { databaseUrl: string; redisPrefix: string; logger?: Logger; env?: Record<string, string> },
): Promise<TestService<C>> {
  const { config, orm, producer, logger } = await openInfrastructure(definition, {
    role: 'server',
    env: {
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: testRedisUrl,
      REDIS_PREFIX: options.redisPrefix,
      LOG_LEVEL: 'warn',
      // Read by the auth service only (its key-encryption secret); other services ignore unknown variables.
      AUTH_SECRET: 'test-auth-secret-0123456789abcdef0123456789',
      ...options.env,
    },
    ...(options.logger ? { logger: options.logger } : {}),
  })
  await migrate(orm, config.DB_SCHEMA)
  await producer.connect()
  const app = await buildServiceApp(definition, { config, logger, orm, producer })
  await app.ready()
  return {
    app,
    orm,
    producer,
    config,
    async close() {
      await app.close()
      await producer.close()
    },
  }
}

export * from '../auth/testing.js'
export * from './openapi.js'
export * from './smtp.js'
