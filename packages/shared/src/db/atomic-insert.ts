import type { EntityManager } from '@mikro-orm/core'
import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex'
import { usesPostgres } from './orm.js'

// biome-ignore lint/suspicious/noExplicitAny: constructors of any entity class
type EntityClass = abstract new (...args: any[]) => object

/** Rows of one entity to insert: property names and values as the entity declares them. */
export interface EntityRows {
  entity: EntityClass
  rows: ReadonlyArray<Record<string, unknown>>
}

/**
 * Inserts new rows of several entities all or nothing, for hot paths. On PostgreSQL it is one statement
 * (data-modifying CTEs): one round trip, atomic without BEGIN/COMMIT, and none of the unit of work's change
 * tracking, which costs more CPU than the inserts themselves. Elsewhere (SQLite, in-process) one transaction of
 * native inserts. The rows are not managed by `em` afterwards. Driver errors are converted as MikroORM converts
 * them (a duplicate key is a UniqueConstraintViolationException on both).
 */
export async function insertAtomically(em: EntityManager, inserts: readonly EntityRows[]): Promise<void> {
  const nonEmpty = inserts.filter((insert) => insert.rows.length > 0)
  if (nonEmpty.length === 0) return
  if (!usesPostgres(em.config)) {
    await em.transactional(async (tx) => {
      for (const { entity, rows } of nonEmpty) await tx.insertMany(entity, rows as never[])
    })
    return
  }
  const knex = (em as SqlEntityManager).getConnection().getKnex()
  const statements = nonEmpty.map(({ entity, rows }) => {
    const { table, columns } = databaseRows(em, entity, rows)
    return knex(table).insert(columns).toSQL()
  })
  const last = statements.pop() as (typeof statements)[number]
  const sql = [
    statements.length > 0 ? `with ${statements.map((statement, index) => `"insert_${index}" as (${statement.sql})`).join(', ')} ` : '',
    last.sql,
  ].join('')
  try {
    await knex.raw(sql, [...statements.flatMap((statement) => statement.bindings), ...last.bindings])
  } catch (error) {
    throw em.getDriver().convertException(error as Error)
  }
}

/**
 * The rows as the database stores them: column names from the entity's metadata, values converted by each
 * property's type (JSON serialised, bigint as text). Properties a row leaves out take the column's default.
 */
function databaseRows(em: EntityManager, entity: EntityRows['entity'], rows: EntityRows['rows']) {
  const meta = em.getMetadata().get(entity.name)
  const platform = em.getPlatform()
  const columns = rows.map((row) => {
    const column: Record<string, unknown> = {}
    for (const prop of meta.props) {
      if (!(prop.name in row)) continue
      let value = row[prop.name]
      if (value !== null && value !== undefined && prop.customType) {
        value = prop.customType.convertToDatabaseValue(value, platform, { mode: 'query-data', key: prop.name, fromQuery: true })
      }
      column[prop.fieldNames[0] as string] = value
    }
    return column
  })
  return { table: meta.tableName, columns }
}
