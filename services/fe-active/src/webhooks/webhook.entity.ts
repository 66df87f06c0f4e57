import { EntitySchema, OptionalProps } from '@mikro-orm/core'
import type { InvoiceState } from '../invoices/state/index.js'

/** An ERP's endpoint that receives the studio's invoice events. Never deleted: deactivated, deliveries kept. */
export class WebhookSubscription {
  declare [OptionalProps]?: 'description' | 'states' | 'version'
  id!: string
  studioId!: string
  url!: string
  description: string | null = null
  /** Target states that trigger a delivery; null: every state change. */
  states: InvoiceState[] | null = null
  /**
   * The signing key, `whsec_<base64 of 32 random bytes>` (Standard Webhooks). Kept usable (not hashed) because we
   * sign with it; returned only at creation and rotation.
   */
  secret!: string
  active!: boolean
  createdAt!: Date
  updatedAt!: Date
  version = 1
}

export const WebhookSubscriptionEntity = new EntitySchema<WebhookSubscription>({
  class: WebhookSubscription,
  tableName: 'webhook_subscription',
  indexes: [{ name: 'webhook_subscription_studio_index', properties: ['studioId', 'active'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    studioId: { type: 'uuid' },
    url: { type: 'string', columnType: 'varchar(2000)' },
    description: { type: 'string', columnType: 'varchar(500)', nullable: true },
    states: { type: 'json', nullable: true },
    secret: { type: 'string', columnType: 'varchar(100)' },
    active: { type: 'boolean' },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
    version: { type: 'integer', version: true, default: 1 },
  },
})

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed'

/**
 * One invoice event to deliver to one subscription (unique per pair). Each try is a `webhook.deliver` job whose
 * attempt number is `nextAttempt`: a job for any other number is stale (already done, or superseded by a manual
 * redelivery) and does nothing.
 */
export class WebhookDelivery {
  declare [OptionalProps]?: 'lastAttempt' | 'nextAttempt' | 'nextAttemptAt' | 'nextAttemptManual' | 'lastStatusCode' | 'deliveredAt'
  id!: string
  subscriptionId!: string
  studioId!: string
  eventId!: string
  feedSeq!: string
  status!: WebhookDeliveryStatus
  /** The highest attempt number recorded (manual redeliveries may skip a superseded number). */
  lastAttempt = 0
  nextAttempt: number | null = 1
  nextAttemptAt: Date | null = null
  nextAttemptManual = false
  lastStatusCode: number | null = null
  deliveredAt: Date | null = null
  createdAt!: Date
  updatedAt!: Date
}

export const WebhookDeliveryEntity = new EntitySchema<WebhookDelivery>({
  class: WebhookDelivery,
  tableName: 'webhook_delivery',
  uniques: [{ name: 'webhook_delivery_subscription_event_unique', properties: ['subscriptionId', 'eventId'] }],
  indexes: [
    { name: 'webhook_delivery_subscription_created_index', properties: ['subscriptionId', 'createdAt'] },
    { name: 'webhook_delivery_due_index', properties: ['status', 'nextAttemptAt'] },
    { name: 'webhook_delivery_event_index', properties: ['eventId'] },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    subscriptionId: { type: 'uuid' },
    studioId: { type: 'uuid' },
    eventId: { type: 'uuid' },
    feedSeq: { type: 'bigint' },
    status: { type: 'string', columnType: 'varchar(12)' },
    lastAttempt: { type: 'integer', default: 0 },
    nextAttempt: { type: 'integer', nullable: true },
    nextAttemptAt: { type: 'datetime', nullable: true },
    nextAttemptManual: { type: 'boolean', default: false },
    lastStatusCode: { type: 'integer', nullable: true },
    deliveredAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
  },
})

/** The delivery log: one row per HTTP attempt, whatever its outcome. */
export class WebhookDeliveryAttempt {
  id!: string
  deliveryId!: string
  attempt!: number
  manual!: boolean
  startedAt!: Date
  durationMs!: number
  statusCode!: number | null
  /** The first characters of the receiver's answer. */
  responseExcerpt!: string | null
  error!: string | null
  success!: boolean
}

export const WebhookDeliveryAttemptEntity = new EntitySchema<WebhookDeliveryAttempt>({
  class: WebhookDeliveryAttempt,
  tableName: 'webhook_delivery_attempt',
  uniques: [{ name: 'webhook_delivery_attempt_unique', properties: ['deliveryId', 'attempt'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    deliveryId: { type: 'uuid' },
    attempt: { type: 'integer' },
    manual: { type: 'boolean' },
    startedAt: { type: 'datetime' },
    durationMs: { type: 'integer' },
    statusCode: { type: 'integer', nullable: true },
    responseExcerpt: { type: 'string', columnType: 'varchar(500)', nullable: true },
    error: { type: 'text', nullable: true },
    success: { type: 'boolean' },
  },
})
