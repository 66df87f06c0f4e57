import { SchemaMigration } from '@fatturapa-hub/shared'

/**
 * Invoices transmitted to SDI elsewhere and imported for preservation: `invoice.origin` ('platform' for everything
 * stored before). An import is idempotent per studio and file: the partial unique index lets one of two concurrent
 * imports of the same bytes win (the other answers the winner), and serves the replay lookup. Partial indexes exist
 * on PostgreSQL and SQLite alike, so the same statement builds the embedded file.
 */
export class Migration20261219000000Imports extends SchemaMigration {
  override up(): void {
    this.schema((schema) =>
      schema.alterTable('invoice', (table) => {
        table.string('origin', 10).notNullable().defaultTo('platform')
      }),
    )
    this.addSql("create unique index invoice_import_studio_sha256_unique on invoice (studio_id, file_sha256) where origin = 'import'")
  }
}
