import { SchemaMigration } from '@fatturapa-hub/shared'

/** The audit listing reads one studio's events newest first by seq; this index serves it without a sort. */
export class Migration20261201000100AuditStudioSeqIndex extends SchemaMigration {
  override up(): void {
    this.schema((schema) =>
      schema.alterTable('audit_event', (table) => {
        table.index(['studio_id', 'seq'], 'audit_event_studio_id_seq_index')
      }),
    )
  }
}
