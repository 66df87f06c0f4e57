import { SchemaMigration } from '@fatturapa-hub/shared'

/**
 * The pipeline after reception: the server-signed file, transmissions to SDI with a persistent progressivo per
 * transmitter, the application of stored SDI messages, the studio's parameters, and the invoice events as an ordered outbox (feed position,
 * dispatch to webhooks, e-mails and domain queues).
 */
export class Migration20261217000000Transmission extends SchemaMigration {
  override up(): void {
    this.schema((schema) =>
      schema
        .alterTable('invoice', (table) => {
          // Invoices stored before this column have none: read again from their file by the transmission step.
          table.string('transmitter', 30).notNullable().defaultTo('')
          table.binary('signed_file').nullable()
          table.timestamp('signed_at', { useTz: true }).nullable()
          table.string('file_name', 60).nullable()
          table.string('identificativo_sdi', 36).nullable()
          table.timestamp('transmitted_at', { useTz: true }).nullable()
          table.integer('transmission_attempts').notNullable().defaultTo(0)
          /** When the worker looks at the invoice again: a retry after backoff, the end of a reconciliation wait. */
          table.timestamp('next_action_at', { useTz: true }).nullable()
          table.index(['next_action_at'], 'invoice_next_action_at_index')
          table.index(['identificativo_sdi'], 'invoice_identificativo_sdi_index')
        })
        .alterTable('invoice_event', (table) => {
          table.uuid('studio_id').nullable()
          table.bigInteger('feed_seq').nullable()
          table.timestamp('dispatched_at', { useTz: true }).nullable()
          table.unique(['feed_seq'], { indexName: 'invoice_event_feed_seq_unique' })
          table.index(['studio_id', 'feed_seq'], 'invoice_event_studio_feed_index')
        })
        .createTable('sdi_transmission', (table) => {
          table.uuid('id').primary()
          table.uuid('invoice_id').notNullable()
          table.uuid('studio_id').notNullable()
          table.integer('attempt').notNullable()
          table.string('transmitter', 30).notNullable()
          table.string('progressivo', 5).notNullable()
          table.string('file_name', 60).notNullable()
          table.specificType('file_sha256', 'char(64)').notNullable()
          table.string('status', 12).notNullable()
          table.timestamp('started_at', { useTz: true }).notNullable()
          table.timestamp('finished_at', { useTz: true }).nullable()
          table.string('identificativo_sdi', 36).nullable()
          table.string('data_ora_ricezione', 40).nullable()
          table.string('error_code', 40).nullable()
          table.text('error_message').nullable()
          // Not unique: after an ambiguous attempt the file is re-sent under the same name (SDI answers 00002 if it has it).
          table.index(['file_name'], 'sdi_transmission_file_name_index')
          table.unique(['invoice_id', 'attempt'], { indexName: 'sdi_transmission_invoice_attempt_unique' })
          table.index(['status', 'started_at'], 'sdi_transmission_status_index')
        })
        .createTable('transmitter_progressivo', (table) => {
          table.string('transmitter', 30).primary()
          table.integer('last_counter').notNullable()
        })
        .createTable('studio_settings', (table) => {
          table.uuid('studio_id').primary()
          table.boolean('fe_attiva_enabled').notNullable()
          table.string('deletion_policy', 20).notNullable()
          table.boolean('require_contract_acceptance').notNullable()
          table.string('notification_user_class', 50).nullable()
          table.string('default_channel', 20).notNullable()
          table.timestamp('updated_at', { useTz: true }).notNullable()
          table.integer('version').notNullable().defaultTo(1)
        })
        .createTable('sdi_message_application', (table) => {
          table.uuid('message_id').primary()
          table.uuid('invoice_id').nullable().index('sdi_message_application_invoice_index')
          table.string('decision', 20).notNullable()
          table.text('detail').nullable()
          table.timestamp('applied_at', { useTz: true }).notNullable()
        }),
    )
    this.addSql('update invoice_event set studio_id = (select invoice.studio_id from invoice where invoice.id = invoice_event.invoice_id)')
  }
}
