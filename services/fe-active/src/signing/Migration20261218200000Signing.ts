import { SchemaMigration } from '@fatturapa-hub/shared'

/** Signing certificates of the clients and of the intermediary (sealed PKCS#8 key and chain), and the clients' signing choices. */
export class Migration20261218200000Signing extends SchemaMigration {
  override up(): void {
    this.schema((schema) =>
      schema
        .createTable('signing_credential', (table) => {
          table.uuid('id').primary()
          table.uuid('studio_id').notNullable()
          table.string('owner', 40).notNullable()
          table.string('subject', 1000).notNullable()
          table.string('common_name', 300).nullable()
          table.string('subject_serial_number', 100).nullable()
          table.string('fiscal_code', 16).nullable()
          table.string('serial_number', 100).notNullable()
          table.string('issuer', 1000).notNullable()
          table.timestamp('not_before', { useTz: true }).notNullable()
          table.timestamp('not_after', { useTz: true }).notNullable()
          table.string('fingerprint_sha256', 100).notNullable()
          table.json('key_usage').notNullable()
          table.text('sealed').notNullable()
          table.timestamp('created_at', { useTz: true }).notNullable()
          table.timestamp('updated_at', { useTz: true }).notNullable()
          table.unique(['studio_id', 'owner'], { indexName: 'signing_credential_studio_owner_unique' })
        })
        .createTable('client_signing_preferences', (table) => {
          table.uuid('client_id').primary()
          table.uuid('studio_id').notNullable()
          table.boolean('sign_fpr12').notNullable()
          table.timestamp('updated_at', { useTz: true }).notNullable()
        }),
    )
  }
}
