import { createProcessedJobTable, SchemaMigration } from '@fatturapa-hub/shared'

export class Migration20261123000000Init extends SchemaMigration {
  override up(): void {
    this.schema(createProcessedJobTable)
  }
}
