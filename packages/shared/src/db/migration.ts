import type { Knex } from '@mikro-orm/knex'
import { Migration } from '@mikro-orm/migrations'

/**
 * Base of every migration. Tables are written with the knex schema builder and never qualified with a
 * schema: the connection's search_path points at the service's own schema on PostgreSQL, and the same
 * migration produces the right DDL for the embedded SQLite file. The column types live here only: entities declare
 * dates as `type: 'datetime'` without a `columnType`, because with one MikroORM hands SQLite's stored epoch
 * milliseconds back as numbers instead of Dates.
 */
export abstract class SchemaMigration extends Migration {
  protected schema(build: (schema: Knex.SchemaBuilder) => Knex.SchemaBuilder): void {
    const knex = this.getKnex()
    for (const statement of build(knex.schema).toSQL()) {
      this.addSql(knex.raw(statement.sql, statement.bindings ?? []))
    }
  }
}
