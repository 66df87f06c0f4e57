// Real: PostgreSQL (a database of its own for this file) and Redis; the services are built as in production.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { service as auth } from '@fatturapa-hub/auth/service'
import { service as feActive } from '@fatturapa-hub/fe-active/service'
import { createTestDatabase, startTestService, type TestDatabase, testRedisPrefix } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import pg from 'pg'

/** The auth tables, the same on PostgreSQL (in schema auth) and in the embedded SQLite file. */
const authTables = [
  'app_user',
  'audit_event',
  'client',
  'client_certificate',
  'contract',
  'contract_acceptance',
  'mikro_orm_migrations',
  'outbox_event',
  'platform_secret',
  'processed_job',
  'refresh_token',
  'studio',
]

describe('service migrations', () => {
  let database: TestDatabase
  const prefix = testRedisPrefix()

  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.drop())

  async function tablesBySchema(): Promise<Record<string, string[]>> {
    const client = new pg.Client({ connectionString: database.url })
    await client.connect()
    try {
      const { rows } = await client.query<{ table_schema: string; table_name: string }>(
        `select table_schema, table_name from information_schema.tables
         where table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`,
      )
      const bySchema: Record<string, string[]> = {}
      for (const row of rows) bySchema[row.table_schema] = [...(bySchema[row.table_schema] ?? []), row.table_name]
      return bySchema
    } finally {
      await client.end()
    }
  }

  it('land in each service schema and nothing lands in public', async () => {
    const first = await startTestService(auth, { databaseUrl: database.url, redisPrefix: prefix })
    const second = await startTestService(feActive, { databaseUrl: database.url, redisPrefix: prefix })
    await Promise.all([first.close(), second.close()])

    const tables = await tablesBySchema()
    expect(tables.auth).toEqual(authTables)
    expect(tables.fe_active).toEqual([
      'client_replica',
      'client_signing_preferences',
      'invoice',
      'invoice_event',
      'invoice_identity',
      'mikro_orm_migrations',
      'processed_job',
      'sdi_inbound_message',
      'sdi_message_application',
      'sdi_transmission',
      'signing_credential',
      'studio_settings',
      'transmitter_progressivo',
      'webhook_delivery',
      'webhook_delivery_attempt',
      'webhook_subscription',
    ])
    expect(tables.public).toBeUndefined()
  })

  it('are applied once: a restart finds nothing pending', async () => {
    const again = await startTestService(auth, { databaseUrl: database.url, redisPrefix: prefix })
    const info = (await again.app.inject({ method: 'GET', url: '/info' })).json()
    await again.close()
    expect(info).toMatchObject({
      service: 'auth',
      database: 'postgresql',
      migrations: {
        applied: [
          'Migration20261123000000Init',
          'Migration20261123000100AuditEvent',
          'Migration20261201000000Accounts',
          'Migration20261201000100AuditStudioSeqIndex',
          'Migration20261215000000Outbox',
        ],
        pending: [],
      },
    })
  })

  it('build the same tables in an embedded SQLite file', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'fph-sqlite-')), 'auth.sqlite')
    const embedded = await startTestService(auth, { databaseUrl: `sqlite:${file}`, redisPrefix: prefix })
    const rows = await embedded.orm.em
      .getConnection()
      .execute<Array<{ name: string }>>("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
    const info = (await embedded.app.inject({ method: 'GET', url: '/info' })).json()
    await embedded.close()
    expect(rows.map((row) => row.name)).toEqual(authTables)
    expect(info.database).toBe('sqlite')
  })
})
