import Type, { type Static } from 'typebox'
import { InvoiceChangeSchema } from '../events/payload.js'
import { type InvoiceState, invoiceStates } from '../invoices/state/index.js'
import type { WebhookDelivery, WebhookDeliveryAttempt, WebhookSubscription } from './webhook.entity.js'

const exampleSubscriptionId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'
const exampleDeliveryId = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f'

export const WebhookErrorCodes = {
  WebhookNotFound: 'WEBHOOK_NOT_FOUND',
  DeliveryNotFound: 'WEBHOOK_DELIVERY_NOT_FOUND',
  UrlInvalid: 'WEBHOOK_URL_INVALID',
  UrlNotAllowed: 'WEBHOOK_URL_NOT_ALLOWED',
  CursorInvalid: 'FEED_CURSOR_INVALID',
} as const

const StateSchema = Type.Unsafe<InvoiceState>({ type: 'string', enum: [...invoiceStates] })
const StatesSchema = Type.Union(
  // Null first: with type coercion a null would otherwise become an empty string or array.
  [Type.Null(), Type.Array(StateSchema, { minItems: 1, maxItems: invoiceStates.length, uniqueItems: true })],
  { description: 'Target states that trigger a delivery; null or absent: every state change (creation included).' },
)
const UrlSchema = Type.String({
  minLength: 8,
  maxLength: 2000,
  pattern: '^[Hh][Tt][Tt][Pp][Ss]?://',
  description: 'http(s) URL that receives a signed POST for each matching event.',
  examples: ['https://erp.example.com/hooks/fatturapa'],
})

export const WebhookIdParamsSchema = Type.Object({ id: Type.String({ format: 'uuid', description: 'Webhook subscription id.' }) })
export const DeliveryIdParamsSchema = Type.Object({ id: Type.String({ format: 'uuid', description: 'Webhook delivery id.' }) })

export const CreateWebhookSchema = Type.Object(
  {
    url: UrlSchema,
    description: Type.Optional(Type.String({ maxLength: 500 })),
    states: Type.Optional(StatesSchema),
  },
  {
    additionalProperties: false,
    examples: [{ url: 'https://erp.example.com/hooks/fatturapa', description: 'ERP sync', states: ['SCARTATA', 'CONSEGNATA'] }],
  },
)
export type CreateWebhook = Static<typeof CreateWebhookSchema>

export const UpdateWebhookSchema = Type.Object(
  {
    url: Type.Optional(UrlSchema),
    description: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 500 })])),
    states: Type.Optional(StatesSchema),
    active: Type.Optional(Type.Boolean({ description: 'false pauses deliveries (pending retries then fail); true resumes.' })),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ active: false }] },
)
export type UpdateWebhook = Static<typeof UpdateWebhookSchema>

const webhookProperties = {
  id: Type.String({ format: 'uuid' }),
  url: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  states: Type.Union([Type.Array(StateSchema), Type.Null()], { description: 'null: every state change.' }),
  active: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
}
const exampleWebhook = {
  id: exampleSubscriptionId,
  url: 'https://erp.example.com/hooks/fatturapa',
  description: 'ERP sync',
  states: null,
  active: true,
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
}

export const WebhookViewSchema = Type.Object(webhookProperties, { examples: [exampleWebhook] })
export type WebhookView = Static<typeof WebhookViewSchema>

export const WebhookWithSecretSchema = Type.Object(
  {
    ...webhookProperties,
    secret: Type.String({
      description:
        'Signing secret (Standard Webhooks, `whsec_…`): shown only now. Verify `webhook-signature` = `v1,` + base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>` keyed with the base64-decoded part after `whsec_`.',
    }),
  },
  { examples: [{ ...exampleWebhook, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }] },
)

export const WebhookListSchema = Type.Object({ items: Type.Array(WebhookViewSchema) }, { examples: [{ items: [exampleWebhook] }] })

const AttemptSchema = Type.Object({
  attempt: Type.Integer({ minimum: 1 }),
  manual: Type.Boolean({ description: 'A redelivery asked through the API.' }),
  startedAt: Type.String({ format: 'date-time' }),
  durationMs: Type.Integer(),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  responseExcerpt: Type.Union([Type.String(), Type.Null()], { description: 'First 500 characters of the answer.' }),
  error: Type.Union([Type.String(), Type.Null()]),
  success: Type.Boolean(),
})

const DeliveryStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')])

export const DeliveryViewSchema = Type.Object({
  id: Type.String({ format: 'uuid', description: 'Also the `webhook-id` header of each attempt.' }),
  subscriptionId: Type.String({ format: 'uuid' }),
  eventId: Type.String({ format: 'uuid', description: 'The invoice event (the payload’s `id`).' }),
  feedSeq: Type.String(),
  status: DeliveryStatusSchema,
  lastAttempt: Type.Integer({ description: 'Number of the last attempt made (0: none yet).' }),
  nextAttempt: Type.Union([Type.Integer(), Type.Null()]),
  nextAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  deliveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  attempts: Type.Array(AttemptSchema, { description: 'Every attempt, oldest first.' }),
})

const exampleDelivery = {
  id: exampleDeliveryId,
  subscriptionId: exampleSubscriptionId,
  eventId: '0b6f1c7e-2d4a-4e8b-9c1d-5e6f7a8b9c0d',
  feedSeq: '1042',
  status: 'pending',
  lastAttempt: 1,
  nextAttempt: 2,
  nextAttemptAt: '2026-12-01T10:05:31.000Z',
  lastStatusCode: 503,
  deliveredAt: null,
  createdAt: '2026-12-01T10:05:00.000Z',
  attempts: [
    {
      attempt: 1,
      manual: false,
      startedAt: '2026-12-01T10:05:00.100Z',
      durationMs: 84,
      statusCode: 503,
      responseExcerpt: 'Service Unavailable',
      error: 'HTTP 503',
      success: false,
    },
  ],
}

export const DeliveryListQuerySchema = Type.Object({
  page: Type.Integer({ minimum: 1, maximum: 100000, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
})

export const DeliveryListSchema = Type.Object(
  {
    items: Type.Array(DeliveryViewSchema, { description: 'Newest first.' }),
    page: Type.Integer(),
    pageSize: Type.Integer(),
    total: Type.Integer(),
  },
  { examples: [{ items: [exampleDelivery], page: 1, pageSize: 20, total: 1 }] },
)

export const RedeliveryResponseSchema = Type.Object(
  {
    deliveryId: Type.String({ format: 'uuid' }),
    attempt: Type.Integer({ description: 'Number of the attempt queued now.' }),
    status: DeliveryStatusSchema,
  },
  { examples: [{ deliveryId: exampleDeliveryId, attempt: 3, status: 'pending' }] },
)

export const ChangesQuerySchema = Type.Object({
  after: Type.Optional(
    Type.String({
      maxLength: 40,
      description: 'Opaque cursor: the `nextCursor` of the previous page (absent: from the beginning).',
      examples: ['1042'],
    }),
  ),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
})

export const ChangesPageSchema = Type.Object(
  {
    items: Type.Array(InvoiceChangeSchema, { description: 'In feed order (commit order).' }),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `after` next time; the same cursor when nothing new (null only when the feed is still empty).',
    }),
    hasMore: Type.Boolean({ description: 'true: more items are ready now; ask again at once.' }),
  },
  { examples: [{ items: (InvoiceChangeSchema as { examples?: unknown[] }).examples ?? [], nextCursor: '1042', hasMore: false }] },
)

export function toWebhookView(subscription: WebhookSubscription): WebhookView {
  return {
    id: subscription.id,
    url: subscription.url,
    description: subscription.description,
    states: subscription.states,
    active: subscription.active,
    createdAt: new Date(subscription.createdAt).toISOString(),
    updatedAt: new Date(subscription.updatedAt).toISOString(),
  }
}

const iso = (date: Date | null) => (date === null ? null : new Date(date).toISOString())

export function toDeliveryView(delivery: WebhookDelivery, attempts: readonly WebhookDeliveryAttempt[]): Static<typeof DeliveryViewSchema> {
  return {
    id: delivery.id,
    subscriptionId: delivery.subscriptionId,
    eventId: delivery.eventId,
    feedSeq: String(delivery.feedSeq),
    status: delivery.status,
    lastAttempt: delivery.lastAttempt,
    nextAttempt: delivery.nextAttempt,
    nextAttemptAt: iso(delivery.nextAttemptAt),
    lastStatusCode: delivery.lastStatusCode,
    deliveredAt: iso(delivery.deliveredAt),
    createdAt: new Date(delivery.createdAt).toISOString(),
    attempts: attempts.map((attempt) => ({
      attempt: attempt.attempt,
      manual: attempt.manual,
      startedAt: new Date(attempt.startedAt).toISOString(),
      durationMs: attempt.durationMs,
      statusCode: attempt.statusCode,
      responseExcerpt: attempt.responseExcerpt,
      error: attempt.error,
      success: attempt.success,
    })),
  }
}
