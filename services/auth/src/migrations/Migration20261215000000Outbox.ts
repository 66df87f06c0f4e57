import { SchemaMigration } from '@fatturapa-hub/shared'

/**
 * The transactional outbox of auth's events. The one row inserted here asks the relay for a snapshot of every
 * client that exists before the outbox does: written once, by the migration that creates the table, so no client
 * change can slip in between (every later change writes its own row).
 */
export class Migration20261215000000Outbox extends SchemaMigration {
  override up(): void {
    this.schema((schema) =>
      schema.createTable('outbox_event', (table) => {
        table.bigIncrements('id').primary()
        table.string('type', 100).notNullable()
        table.json('payload').notNullable()
        table.timestamp('created_at', { useTz: true }).notNullable()
        table.string('status', 10).notNullable().defaultTo('pending')
        table.integer('attempts').notNullable().defaultTo(0)
        table.timestamp('sent_at', { useTz: true }).nullable()
        table.text('last_error').nullable()
        table.index(['status', 'id'], 'outbox_event_status_id_index')
      }),
    )
    this.addSql(
      this.getKnex()('outbox_event').insert({
        type: 'clients.backfill',
        payload: JSON.stringify({ reason: 'outbox created' }),
        created_at: new Date(),
        status: 'pending',
        attempts: 0,
      }),
    )
  }
}
