import { EntitySchema } from '@mikro-orm/core'
import type { Knex } from '@mikro-orm/knex'

/** Inbox of handled job ids: makes every consumer idempotent when BullMQ delivers a job twice. */
export class ProcessedJob {
  jobId!: string
  queue!: string
  name!: string
  processedAt!: Date
}

export const ProcessedJobEntity = new EntitySchema<ProcessedJob>({
  class: ProcessedJob,
  tableName: 'processed_job',
  properties: {
    jobId: { type: 'string', columnType: 'varchar(255)', primary: true },
    queue: { type: 'string', columnType: 'varchar(100)' },
    name: { type: 'string', columnType: 'varchar(100)' },
    processedAt: { type: 'datetime' },
  },
})

export function createProcessedJobTable(schema: Knex.SchemaBuilder): Knex.SchemaBuilder {
  return schema.createTable('processed_job', (table) => {
    table.string('job_id', 255).primary()
    table.string('queue', 100).notNullable()
    table.string('name', 100).notNullable()
    table.timestamp('processed_at', { useTz: true }).notNullable()
  })
}
