import { SchemaMigration } from '@fatturapa-hub/shared'

/** Outgoing invoices received from the ERP, the SDI identities of their bodies (00404), and their history. */
export class Migration20261216000000Invoices extends SchemaMigration {
  override up(): void {
    this.schema((schema) =>
      schema
        .createTable('invoice', (table) => {
          table.uuid('id').primary()
          table.uuid('studio_id').notNullable()
          table.uuid('client_id').notNullable()
          table.string('cedente_partita_iva', 28).notNullable()
          table.string('format', 5).notNullable()
          table.string('flow', 3).notNullable()
          table.string('state', 20).notNullable()
          table.json('state_snapshot').notNullable()
          table.integer('bodies_count').notNullable()
          table.string('numero', 20).notNullable()
          table.string('data_documento', 10).notNullable()
          table.string('destinatario_denominazione', 200).nullable()
          table.string('destinatario_codice_fiscale', 16).nullable()
          table.string('destinatario_partita_iva', 30).nullable()
          table.string('codice_destinatario', 7).nullable()
          table.string('pec_destinatario', 256).nullable()
          table.string('importo_totale', 32).nullable()
          table.binary('file').notNullable()
          table.specificType('file_sha256', 'char(64)').notNullable()
          table.string('content_kind', 3).notNullable()
          table.string('idempotency_key', 200).nullable()
          table.specificType('request_hash', 'char(64)').nullable()
          table.timestamp('created_at', { useTz: true }).notNullable()
          table.timestamp('updated_at', { useTz: true }).notNullable()
          table.integer('version').notNullable().defaultTo(1)
          table.unique(['studio_id', 'idempotency_key'], { indexName: 'invoice_studio_idempotency_key_unique' })
          table.index(['studio_id', 'state', 'data_documento'], 'invoice_studio_state_date_index')
          table.index(['studio_id', 'cedente_partita_iva', 'numero'], 'invoice_studio_cedente_numero_index')
        })
        .createTable('invoice_identity', (table) => {
          table.uuid('id').primary()
          table.uuid('invoice_id').notNullable().index('invoice_identity_invoice_id_index')
          table.uuid('studio_id').notNullable()
          table.integer('position').notNullable()
          table.string('issuer', 30).notNullable()
          table.string('period', 10).notNullable()
          table.string('numero', 20).notNullable()
          table.boolean('credit_note').notNullable()
          table.index(['studio_id', 'issuer', 'numero', 'period'], 'invoice_identity_lookup_index')
        })
        .createTable('invoice_event', (table) => {
          table.uuid('id').primary()
          table.uuid('invoice_id').notNullable()
          table.timestamp('at', { useTz: true }).notNullable()
          table.string('kind', 40).notNullable()
          table.string('from_state', 20).nullable()
          table.string('to_state', 20).notNullable()
          table.json('details').notNullable()
          table.index(['invoice_id', 'at'], 'invoice_event_invoice_at_index')
        }),
    )
  }
}
