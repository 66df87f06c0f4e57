// insertAtomically on both databases the platform runs on: a real PostgreSQL database of its own (one statement
// with data-modifying CTEs) and an SQLite file (one transaction).
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { EntitySchema, UniqueConstraintViolationException } from '@mikro-orm/core'
import { insertAtomically, migrate, type Orm, openDatabase, SchemaMigration } from '../src/db/index.js'
import { createLogger } from '../src/logger.js'
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js'

class Batch {
  id!: string
  label!: string
  details!: Record<string, unknown>
  amountCents!: bigint | null
  createdAt!: Date
  file!: Buffer
  version!: number
}

class BatchItem {
  id!: string
  batchId!: string
  position!: number
  flagged!: boolean
}

const BatchEntity = new EntitySchema<Batch>({
  class: Batch,
  tableName: 'atomic_batch',
  properties: {
    id: { type: 'uuid', primary: true },
    label: { type: 'string', columnType: 'varchar(40)' },
    details: { type: 'json' },
    amountCents: { type: 'bigint', nullable: true },
    createdAt: { type: 'datetime' },
    file: { type: 'blob' },
    version: { type: 'integer', default: 1 },
  },
})

const BatchItemEntity = new EntitySchema<BatchItem>({
  class: BatchItem,
  tableName: 'atomic_batch_item',
  properties: {
    id: { type: 'uuid', primary: true },
    batchId: { type: 'uuid' },
    position: { type: 'integer' },
    flagged: { type: 'boolean' },
  },
})

class Migration20260101000000AtomicInsert extends SchemaMigration {
  override async up(): Promise<void> {
    this.schema((schema) =>
      schema
        .createTable('atomic_batch', (table) => {
          table.uuid('id').primary()
          table.string('label', 40).notNullable().unique()
          table.json('details').notNullable()
          table.bigInteger('amount_cents').nullable()
          table.datetime('created_at', { useTz: true }).notNullable()
          table.binary('file').notNullable()
          table.integer('version').notNullable().defaultTo(1)
        })
        .createTable('atomic_batch_item', (table) => {
          table.uuid('id').primary()
          table.uuid('batch_id').notNullable()
          table.integer('position').notNullable()
          table.boolean('flagged').notNullable()
        }),
    )
  }
}

const databases: Array<[string, () => Promise<{ url: string; drop(): Promise<void> }>]> = [
  ['PostgreSQL', async () => createTestDatabase()],
  [
    'SQLite',
    async () => {
      const directory = mkdtempSync(join(tmpdir(), 'fph-atomic-insert-'))
      return { url: `sqlite:${join(directory, 'test.sqlite')}`, drop: async () => rmSync(directory, { recursive: true, force: true }) }
    },
  ],
]

describe.each(databases)('insertAtomically on %s', (_name, createDatabase) => {
  let database: TestDatabase | { url: string; drop(): Promise<void> }
  let orm: Orm

  beforeAll(async () => {
    database = await createDatabase()
    const logger = createLogger({ name: 'atomic-insert-test', level: 'silent' })
    orm = await openDatabase({
      url: database.url,
      schema: 'atomic_insert_test',
      entities: [BatchEntity, BatchItemEntity],
      migrations: [{ name: 'Migration20260101000000AtomicInsert', class: Migration20260101000000AtomicInsert }],
      logger,
    })
    await migrate(orm, 'atomic_insert_test')
  })
  afterAll(async () => {
    await orm?.close()
    await database?.drop()
  })

  const batchRow = (label: string) => ({
    id: randomUUID(),
    label,
    details: { note: "it's a test?", nested: [1, 2] },
    amountCents: 123456789012n,
    createdAt: new Date('2026-12-02T10:00:00.123Z'),
    file: Buffer.from([0, 1, 2, 255]),
  })

  it('stores the rows of every entity, with the types converted as the ORM reads them back', async () => {
    const batch = batchRow(`first-${randomUUID().slice(0, 8)}`)
    const items = [1, 2, 3].map((position) => ({ id: randomUUID(), batchId: batch.id, position, flagged: position === 2 }))
    await insertAtomically(orm.em.fork(), [
      { entity: Batch, rows: [batch] },
      { entity: BatchItem, rows: items },
    ])
    const em = orm.em.fork()
    const stored = await em.findOneOrFail(Batch, { id: batch.id })
    expect(stored).toMatchObject({ label: batch.label, details: batch.details, amountCents: batch.amountCents, version: 1 })
    expect(stored.createdAt.toISOString()).toBe(batch.createdAt.toISOString())
    expect(Buffer.from(stored.file)).toEqual(batch.file)
    const storedItems = await em.find(BatchItem, { batchId: batch.id }, { orderBy: { position: 'asc' } })
    expect(storedItems.map((item) => [item.position, item.flagged])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ])
  })

  it('stores nothing when one row is refused, and names a duplicate key as MikroORM does', async () => {
    const label = `taken-${randomUUID().slice(0, 8)}`
    await insertAtomically(orm.em.fork(), [{ entity: Batch, rows: [batchRow(label)] }])
    const itemId = randomUUID()
    const again = batchRow(label)
    await expect(
      insertAtomically(orm.em.fork(), [
        { entity: BatchItem, rows: [{ id: itemId, batchId: again.id, position: 1, flagged: true }] },
        { entity: Batch, rows: [again] },
      ]),
    ).rejects.toBeInstanceOf(UniqueConstraintViolationException)
    expect(await orm.em.fork().count(BatchItem, { id: itemId })).toBe(0)
    expect(await orm.em.fork().count(Batch, { label })).toBe(1)
  })

  it('does nothing for no rows', async () => {
    await expect(insertAtomically(orm.em.fork(), [{ entity: BatchItem, rows: [] }])).resolves.toBeUndefined()
  })
})
