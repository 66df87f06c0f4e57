import { type createProcessedJobTable, SchemaMigration } from '@fatturapa-hub/shared'
import { EntitySchema } from '@mikro-orm/core'

type SchemaBuilder = Parameters<typeof createProcessedJobTable>[0]

/** Which SDICoop service of ours received the message. */
export type SdiChannel = 'trasmissione' | 'ricezione'

export const sdiInboundMessageTable = 'sdi_inbound_message'

/**
 * One SOAP request SDI made to our TrasmissioneFatture (notifications about files we transmitted) or
 * RicezioneFatture (invoices for our recipients, DT) endpoint, stored raw before we answer. Redeliveries of the
 * same (operation, IdentificativoSdI, file name) are stored once.
 */
export class SdiInboundMessage {
  id!: string
  channel!: SdiChannel
  /** `TrasmissioneFatture.RicevutaConsegna`, `RicezioneFatture.RiceviFatture`, … */
  operation!: string
  identificativoSdI!: string
  fileName!: string
  /** SHA-256 (hex) of `file`, as SDI writes it in `Hash`. */
  fileSha256!: string
  file!: Buffer
  /** RiceviFatture only: the MT file (MetadatiInvioFile / FileMetadati). */
  metadataFileName!: string | null
  metadata!: Buffer | null
  /** Two-letter code of the SDI message read from `file` (or from `metadata` for RiceviFatture): RC, NS, MC, NE, DT, AT, MT. */
  messageType!: string | null
  /** Root element of that message: RicevutaScarto, NotificaEsito, FileMetadati, … */
  messageName!: string | null
  messageVocabulary!: 'PA' | 'B2B' | null
  /** Why the message could not be read, or what does not match (operation, IdentificativoSdI, Hash). */
  parseError!: string | null
  receivedAt!: Date
  /** Request id of the HTTP exchange (x-request-id or generated), to find the log lines. */
  requestId!: string
}

export const SdiInboundMessageEntity = new EntitySchema<SdiInboundMessage>({
  class: SdiInboundMessage,
  tableName: sdiInboundMessageTable,
  uniques: [{ name: 'sdi_inbound_message_delivery_unique', properties: ['operation', 'identificativoSdI', 'fileName'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    channel: { type: 'string', columnType: 'varchar(20)' },
    operation: { type: 'string', columnType: 'varchar(80)' },
    identificativoSdI: { type: 'string', fieldName: 'identificativo_sdi', columnType: 'varchar(36)' },
    fileName: { type: 'string', columnType: 'varchar(255)' },
    fileSha256: { type: 'string', fieldName: 'file_sha256', columnType: 'char(64)' },
    file: { type: 'blob', lazy: true },
    metadataFileName: { type: 'string', columnType: 'varchar(255)', nullable: true },
    metadata: { type: 'blob', nullable: true, lazy: true },
    messageType: { type: 'string', columnType: 'varchar(2)', nullable: true },
    messageName: { type: 'string', columnType: 'varchar(64)', nullable: true },
    messageVocabulary: { type: 'string', columnType: 'varchar(3)', nullable: true },
    parseError: { type: 'text', nullable: true },
    receivedAt: { type: 'datetime' },
    requestId: { type: 'string', columnType: 'varchar(128)' },
  },
})

/** DDL of the inbox; services call it from one of their migrations (`this.schema(createSdiInboundMessageTable)`). */
export function createSdiInboundMessageTable(schema: SchemaBuilder): SchemaBuilder {
  return schema.createTable(sdiInboundMessageTable, (table) => {
    table.uuid('id').primary()
    table.string('channel', 20).notNullable()
    table.string('operation', 80).notNullable()
    table.string('identificativo_sdi', 36).notNullable()
    table.string('file_name', 255).notNullable()
    table.specificType('file_sha256', 'char(64)').notNullable()
    table.binary('file').notNullable()
    table.string('metadata_file_name', 255).nullable()
    table.binary('metadata').nullable()
    table.string('message_type', 2).nullable()
    table.string('message_name', 64).nullable()
    table.string('message_vocabulary', 3).nullable()
    table.text('parse_error').nullable()
    table.timestamp('received_at', { useTz: true }).notNullable()
    table.string('request_id', 128).notNullable()
    // Persistent name: the inbox relies on it for idempotent redeliveries.
    table.unique(['operation', 'identificativo_sdi', 'file_name'], { indexName: 'sdi_inbound_message_delivery_unique' })
    table.index(['identificativo_sdi'], 'sdi_inbound_message_identificativo_sdi_index')
    table.index(['received_at'], 'sdi_inbound_message_received_at_index')
  })
}

/**
 * Migration that creates the inbox. A service subclasses it under its own timestamped name:
 * `export class Migration20261215000000SdiInbox extends SdiInboundMessageMigration {}`.
 */
export abstract class SdiInboundMessageMigration extends SchemaMigration {
  override up(): void {
    this.schema(createSdiInboundMessageTable)
  }
}
