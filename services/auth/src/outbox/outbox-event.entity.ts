import { EntitySchema, OptionalProps } from '@mikro-orm/core'

/**
 * `pending` until the relay has added the job to its queue; `sent` then; `failed` when the payload can never be
 * published (it does not match the contract), kept for inspection instead of blocking the rows behind it.
 */
export type OutboxStatus = 'pending' | 'sent' | 'failed'

/** An internal row type, not a job: the relay expands it into one `client.changed` row per client. */
export const ClientsBackfillType = 'clients.backfill'

/**
 * Transactional outbox: an event written in the same transaction as the change it describes, published to its
 * queue afterwards by the relay of the worker process. A change is never committed without its event.
 */
export class OutboxEvent {
  declare [OptionalProps]?: 'id' | 'status' | 'attempts' | 'sentAt' | 'lastError'
  /** Insertion order: the relay publishes in this order. */
  id!: string
  /** The job name of the catalogue (e.g. `client.changed`), or `clients.backfill`. */
  type!: string
  payload!: Record<string, unknown>
  createdAt!: Date
  status: OutboxStatus = 'pending'
  attempts = 0
  sentAt: Date | null = null
  lastError: string | null = null
}

export const OutboxEventEntity = new EntitySchema<OutboxEvent>({
  class: OutboxEvent,
  tableName: 'outbox_event',
  indexes: [{ properties: ['status', 'id'], name: 'outbox_event_status_id_index' }],
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    type: { type: 'string', columnType: 'varchar(100)' },
    payload: { type: 'json' },
    createdAt: { type: 'datetime' },
    status: { type: 'string', columnType: 'varchar(10)' },
    attempts: { type: 'integer' },
    sentAt: { type: 'datetime', nullable: true },
    lastError: { type: 'text', nullable: true },
  },
})
