import { SchemaMigration } from '@fatturapa-hub/shared'

/** fe-active's replica of auth's clients, fed by `client.changed` (platform.clients). */
export class Migration20261215000000ClientReplica extends SchemaMigration {
  override up(): void {
    this.schema((schema) =>
      schema.createTable('client_replica', (table) => {
        table.uuid('client_id').primary()
        table.uuid('studio_id').notNullable().index('client_replica_studio_id_index')
        table.string('codice_soggetto', 20).notNullable()
        table.string('denominazione', 200).notNullable()
        table.string('partita_iva', 11).nullable().index('client_replica_partita_iva_index')
        table.string('codice_fiscale', 16).nullable()
        table.string('codice_destinatario', 7).nullable()
        table.string('pec', 320).nullable()
        table.timestamp('fe_attiva_enabled_at', { useTz: true }).nullable()
        table.timestamp('fe_passiva_enabled_at', { useTz: true }).nullable()
        table.integer('version').notNullable()
        table.timestamp('updated_at', { useTz: true }).notNullable()
        table.timestamp('changed_at', { useTz: true }).notNullable()
        table.timestamp('replicated_at', { useTz: true }).notNullable()
      }),
    )
  }
}
