// Real: an embedded SQLite file shared by this process's ORM and a second process writing to it, as a service's
// HTTP process and its worker share theirs.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { migrate, type Orm, openDatabase, SchemaMigration } from '../src/db/index.js'
import { createLogger } from '../src/logger.js'

class Migration20260101000000Counters extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((schema) =>
      schema.createTable('counter', (table) => {
        table.integer('id').primary()
        table.integer('value').notNullable()
      }),
    )
  }
}

// The driver MikroORM's SQLite package loads, for the other process.
const betterSqlite = createRequire(createRequire(import.meta.url).resolve('@mikro-orm/better-sqlite')).resolve('better-sqlite3')

/** Another process on the same file: on a line from us it increments counter 2 (waiting for the lock like ours). */
const otherProcessScript = `
const Database = require(process.env.BETTER_SQLITE)
const db = new Database(process.env.DATABASE_FILE)
db.pragma('busy_timeout = 10000')
process.stdout.write('ready\\n')
process.stdin.once('data', () => {
  process.stdout.write('writing\\n')
  db.prepare('update counter set value = value + 10 where id = 2').run()
  process.stdout.write('written\\n')
  db.close()
})
`

describe('transactions on the embedded SQLite file', () => {
  let directory: string
  let orm: Orm

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'fph-sqlite-tx-'))
    orm = await openDatabase({
      url: `sqlite:${join(directory, 'test.sqlite')}`,
      schema: 'sqlite_tx_test',
      entities: [],
      migrations: [{ name: 'Migration20260101000000Counters', class: Migration20260101000000Counters }],
      logger: createLogger({ name: 'sqlite-tx-test', level: 'silent' }),
    })
    await migrate(orm, 'sqlite_tx_test')
    await orm.em.getConnection().execute('insert into counter (id, value) values (1, 0), (2, 0)')
  })
  afterAll(async () => {
    await orm?.close()
    rmSync(directory, { recursive: true, force: true })
  })

  it('writes what a transaction read although the other process committed in between (no SQLITE_BUSY_SNAPSHOT)', async () => {
    const other = spawn(process.execPath, ['-e', otherProcessScript], {
      env: { ...process.env, BETTER_SQLITE: betterSqlite, DATABASE_FILE: join(directory, 'test.sqlite') },
      stdio: ['pipe', 'pipe', 'inherit'],
    })
    let output = ''
    other.stdout.on('data', (chunk: Buffer) => {
      output += String(chunk)
    })
    const saw = async (line: string) => {
      while (!output.includes(`${line}\n`)) {
        if (other.exitCode !== null) throw new Error(`the other process exited: ${output}`)
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    }
    const exited = once(other, 'exit')
    await saw('ready')

    await orm.em.fork().transactional(async (tx) => {
      const [row] = await tx.execute<Array<{ value: number }>>('select value from counter where id = 1')
      // The other process writes now, between our read and our write: with a deferred BEGIN it commits at once
      // and our write below is refused; with BEGIN IMMEDIATE it waits for our commit.
      other.stdin.end('go\n')
      await saw('writing')
      await new Promise((resolve) => setTimeout(resolve, 300))
      await tx.execute('update counter set value = ? where id = 1', [(row?.value ?? 0) + 1])
    })
    const [code] = await exited
    expect(code).toBe(0)
    expect(output).toContain('written')
    const rows = await orm.em.getConnection().execute<Array<{ id: number; value: number }>>('select id, value from counter order by id')
    expect(rows.map((row) => [row.id, row.value])).toEqual([
      [1, 1],
      [2, 10],
    ])
  })

  it('still runs nested transactions (savepoints) inside an immediate one', async () => {
    await orm.em.fork().transactional(async (tx) => {
      await tx.transactional(async (inner) => {
        await inner.execute('update counter set value = value + 1 where id = 1')
      })
    })
    const [row] = await orm.em.getConnection().execute<Array<{ value: number }>>('select value from counter where id = 1')
    expect(row?.value).toBe(2)
  })
})
