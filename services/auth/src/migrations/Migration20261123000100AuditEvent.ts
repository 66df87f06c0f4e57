import { SchemaMigration } from '@fatturapa-hub/shared'

export class Migration20261123000100AuditEvent extends SchemaMigration {
  override up(): void {
    this.schema((schema) =>
      schema.createTable('audit_event', (table) => {
        table.bigIncrements('seq').primary()
        table.string('event_id', 200).notNullable().unique()
        table.timestamp('occurred_at', { useTz: true }).notNullable()
        table.timestamp('recorded_at', { useTz: true }).notNullable()
        table.string('service', 50).notNullable()
        table.string('action', 100).notNullable()
        table.string('outcome', 10).notNullable()
        table.string('studio_id', 100).nullable().index('audit_event_studio_id_index')
        table.string('actor_kind', 20).notNullable()
        table.string('actor_user_id', 100).nullable()
        table.string('actor_username', 200).nullable()
        table.string('resource_type', 100).nullable()
        table.string('resource_id', 200).nullable()
        table.string('ip', 64).nullable()
        table.string('request_id', 128).nullable()
        table.text('details').nullable()
        table.specificType('prev_hash', 'char(64)').notNullable()
        table.specificType('hash', 'char(64)').notNullable()
      }),
    )
  }
}
