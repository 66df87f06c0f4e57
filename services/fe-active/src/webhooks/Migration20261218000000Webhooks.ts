import { SchemaMigration } from '@fatturapa-hub/shared'

/** Webhook subscriptions of the ERPs, one delivery per (subscription, invoice event), and the log of every attempt. */
export class Migration20261218000000Webhooks extends SchemaMigration {
  override up(): void {
    this.schema((schema) =>
      schema
        .createTable('webhook_subscription', (table) => {
          table.uuid('id').primary()
          table.uuid('studio_id').notNullable()
          table.string('url', 2000).notNullable()
          table.string('description', 500).nullable()
          table.json('states').nullable()
          table.string('secret', 100).notNullable()
          table.boolean('active').notNullable()
          table.timestamp('created_at', { useTz: true }).notNullable()
          table.timestamp('updated_at', { useTz: true }).notNullable()
          table.integer('version').notNullable().defaultTo(1)
          table.index(['studio_id', 'active'], 'webhook_subscription_studio_index')
        })
        .createTable('webhook_delivery', (table) => {
          table.uuid('id').primary()
          table.uuid('subscription_id').notNullable()
          table.uuid('studio_id').notNullable()
          table.uuid('event_id').notNullable()
          table.bigInteger('feed_seq').notNullable()
          table.string('status', 12).notNullable()
          table.integer('last_attempt').notNullable().defaultTo(0)
          table.integer('next_attempt').nullable()
          table.timestamp('next_attempt_at', { useTz: true }).nullable()
          table.boolean('next_attempt_manual').notNullable().defaultTo(false)
          table.integer('last_status_code').nullable()
          table.timestamp('delivered_at', { useTz: true }).nullable()
          table.timestamp('created_at', { useTz: true }).notNullable()
          table.timestamp('updated_at', { useTz: true }).notNullable()
          table.unique(['subscription_id', 'event_id'], { indexName: 'webhook_delivery_subscription_event_unique' })
          table.index(['subscription_id', 'created_at'], 'webhook_delivery_subscription_created_index')
          table.index(['status', 'next_attempt_at'], 'webhook_delivery_due_index')
          table.index(['event_id'], 'webhook_delivery_event_index')
        })
        .createTable('webhook_delivery_attempt', (table) => {
          table.uuid('id').primary()
          table.uuid('delivery_id').notNullable()
          table.integer('attempt').notNullable()
          table.boolean('manual').notNullable()
          table.timestamp('started_at', { useTz: true }).notNullable()
          table.integer('duration_ms').notNullable()
          table.integer('status_code').nullable()
          table.string('response_excerpt', 500).nullable()
          table.text('error').nullable()
          table.boolean('success').notNullable()
          table.unique(['delivery_id', 'attempt'], { indexName: 'webhook_delivery_attempt_unique' })
        }),
    )
    // The dispatcher's work list: the events of invoice_event not yet dispatched, in (at, id) order.
    this.addSql('create index invoice_event_undispatched_index on invoice_event (at, id) where dispatched_at is null')
  }
}
