import { setTimeout as sleep } from 'node:timers/promises'
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite'
import type { Configuration } from '@mikro-orm/core'
import { type EntitySchema, type LoggerNamespace, MikroORM, type Options } from '@mikro-orm/core'
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/knex'
import { type Migration, Migrator } from '@mikro-orm/migrations'
import { PostgreSqlDriver } from '@mikro-orm/postgresql'
import type { Logger } from 'pino'
import { type DatabaseTarget, describeDatabase, parseDatabaseUrl } from './database-url.js'
import { ProcessedJobEntity } from './processed-job.js'

export type Orm = MikroORM<AbstractSqlDriver, EntityManager>

export interface MigrationEntry {
  name: string
  class: new (...args: ConstructorParameters<typeof Migration>) => Migration
}

export interface OpenDatabaseOptions {
  url: string
  /** The service's PostgreSQL schema; every table of the service, and its migration table, live there. */
  schema: string
  // biome-ignore lint/suspicious/noExplicitAny: entity schemas of any entity class
  entities: Array<EntitySchema<any, any>>
  migrations: MigrationEntry[]
  logger: Logger
}

const migrationTable = 'mikro_orm_migrations'

export async function openDatabase(options: OpenDatabaseOptions): Promise<Orm> {
  const target = parseDatabaseUrl(options.url)
  const log = options.logger.child({ component: 'database' })
  const shared: Options = {
    entities: [ProcessedJobEntity, ...options.entities] as Options['entities'],
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true, warnWhenNoEntities: false },
    extensions: [Migrator],
    migrations: {
      tableName: migrationTable,
      migrationsList: options.migrations,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    allowGlobalContext: false,
    debug: log.isLevelEnabled('trace') ? (['query'] as LoggerNamespace[]) : false,
    logger: (message) => log.trace(message),
  }
  log.debug({ database: describeDatabase(target, options.schema) }, 'opening database')
  const orm = await MikroORM.init(
    target.kind === 'postgresql' ? postgresOptions(target, options.schema, shared) : sqliteOptions(target, shared),
  )
  if (target.kind === 'postgresql') {
    await orm.em.getConnection().execute(`create schema if not exists "${options.schema}"`)
  }
  return orm as Orm
}

function postgresOptions(target: Extract<DatabaseTarget, { kind: 'postgresql' }>, schema: string, shared: Options): Options {
  return {
    ...shared,
    driver: PostgreSqlDriver,
    clientUrl: target.clientUrl,
    schema,
    // Unqualified names resolve in the service schema only, so nothing can land in `public`.
    driverOptions: { connection: { options: `-c search_path="${schema}"` } },
    pool: { min: 0, max: 10 },
  }
}

function sqliteOptions(target: Extract<DatabaseTarget, { kind: 'sqlite' }>, shared: Options): Options {
  return {
    ...shared,
    driver: BetterSqliteDriver,
    dbName: target.file,
    pool: {
      min: 1,
      max: 1,
      // The HTTP process and the worker process of a service share the file: WAL lets readers and the
      // writer proceed together, and the busy timeout queues writers instead of failing.
      afterCreate: (connection: SqliteConnection, done: (error: Error | null, connection: unknown) => void) => {
        connection.pragma('journal_mode = WAL')
        connection.pragma('busy_timeout = 10000')
        connection.pragma('synchronous = NORMAL')
        beginTransactionsImmediate(connection)
        done(null, connection)
      },
    },
  }
}

interface SqliteConnection {
  pragma(sql: string): unknown
  prepare(sql: string): unknown
}

/**
 * Our transactions read, then write what they read (on PostgreSQL under `select … for update`). On SQLite a
 * deferred `BEGIN` takes the write lock only at the first write, and if the other process of the service committed
 * since the transaction's first read, that write fails at once with SQLITE_BUSY_SNAPSHOT: the busy timeout does not
 * apply (a sign-in answered 500 while the auth worker wrote audit records). `BEGIN IMMEDIATE` takes the write lock,
 * or waits for it, before the first read. Knex opens every transaction with exactly `BEGIN;` (nested ones use
 * savepoints), and its better-sqlite3 client prepares each statement on the connection, so that is where it is swapped.
 */
function beginTransactionsImmediate(connection: SqliteConnection): void {
  const prepare = connection.prepare.bind(connection)
  connection.prepare = (sql: string) => prepare(sql === 'BEGIN;' ? 'BEGIN IMMEDIATE;' : sql)
}

/** Whether the configuration of an ORM, an EntityManager or a migration is PostgreSQL's (else: the embedded SQLite file). */
export function usesPostgres(config: Pick<Configuration, 'get'>): boolean {
  return config.get('driver')?.name === PostgreSqlDriver.name
}

/**
 * Applies pending migrations. On PostgreSQL an advisory lock serialises replicas starting together;
 * the lock is per schema so services do not wait for each other.
 */
export async function migrate(orm: Orm, schema: string): Promise<string[]> {
  const isPostgres = usesPostgres(orm.config)
  const knex = orm.em.getConnection().getKnex()
  if (!isPostgres) return (await orm.getMigrator().up()).map((migration) => migration.name)
  const connection = await knex.client.acquireConnection()
  try {
    await knex.raw('select pg_advisory_lock(hashtext(?))', [`fph-migrate-${schema}`]).connection(connection)
    return (await orm.getMigrator().up()).map((migration) => migration.name)
  } finally {
    await knex
      .raw('select pg_advisory_unlock(hashtext(?))', [`fph-migrate-${schema}`])
      .connection(connection)
      .catch(() => undefined)
    await knex.client.releaseConnection(connection)
  }
}

/**
 * Worker processes do not migrate; they wait until the HTTP role of the same service has. The check only
 * reads the migration table, so it cannot race the migrator.
 */
export async function waitForMigrations(orm: Orm, migrations: MigrationEntry[], logger: Logger, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let logged = false
  for (;;) {
    const applied = await orm.em
      .getConnection()
      .execute<Array<{ name: string }>>(`select name from ${migrationTable}`)
      .then((rows) => new Set(rows.map((row) => row.name)))
      .catch(() => new Set<string>())
    const pending = migrations.map((migration) => migration.name).filter((name) => !applied.has(name))
    if (pending.length === 0) return
    if (Date.now() > deadline) throw new Error(`database schema not migrated after ${timeoutMs} ms: ${pending.join(', ')} pending`)
    if (!logged) logger.info({ pending }, 'waiting for migrations')
    logged = true
    await sleep(250)
  }
}

export async function pingDatabase(orm: Orm): Promise<void> {
  await orm.em.getConnection().execute('select 1')
}
