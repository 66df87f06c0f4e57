import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AppError, authenticatedUser, Permissions, problemResponses, requirePermission } from '@fatturapa-hub/shared'
import type { Config } from '../config.js'
import { changeInvoiceFields, toInvoiceChange } from '../events/payload.js'
import { Invoice, InvoiceEvent } from '../invoices/invoice.entity.js'
import { nonPublicUrlReason } from './address-policy.js'
import {
  ChangesPageSchema,
  ChangesQuerySchema,
  CreateWebhookSchema,
  DeliveryIdParamsSchema,
  DeliveryListQuerySchema,
  DeliveryListSchema,
  RedeliveryResponseSchema,
  toDeliveryView,
  toWebhookView,
  UpdateWebhookSchema,
  WebhookErrorCodes,
  WebhookIdParamsSchema,
  WebhookListSchema,
  WebhookViewSchema,
  WebhookWithSecretSchema,
} from './schemas.js'
import { generateWebhookSecret } from './signature.js'
import { WebhookDelivery, WebhookDeliveryAttempt, WebhookSubscription } from './webhook.entity.js'

function checkUrl(url: string, allowPrivateNetworks: boolean): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new AppError(WebhookErrorCodes.UrlInvalid, 400, `Expected an absolute http(s) URL, received ${JSON.stringify(url.slice(0, 100))}`)
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new AppError(WebhookErrorCodes.UrlInvalid, 400, `Expected an http(s) URL, received the scheme ${parsed.protocol}`)
  }
  if (parsed.username || parsed.password) throw new AppError(WebhookErrorCodes.UrlInvalid, 400, 'The URL must not carry credentials')
  const reason = allowPrivateNetworks ? null : nonPublicUrlReason(parsed)
  if (reason !== null) {
    throw new AppError(WebhookErrorCodes.UrlNotAllowed, 400, `Webhooks are delivered to public internet addresses only: ${reason}`)
  }
  return parsed.toString()
}

/** Feed cursors are the decimal feed position; anything else is refused with a stable code. */
function parseCursor(after: string | undefined): string | null {
  if (after === undefined) return null
  if (!/^(0|[1-9]\d{0,17})$/.test(after)) {
    throw new AppError(WebhookErrorCodes.CursorInvalid, 400, 'Expected `after` to be a nextCursor returned by this feed', {
      after: after.slice(0, 40),
    })
  }
  return after
}

/** Webhook subscriptions, their delivery log and manual redelivery, and the changes feed. */
export const webhooksRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const allowPrivateNetworks = config.WEBHOOK_ALLOW_PRIVATE_NETWORKS
  // Subscribing is part of integrating the ERP that sends invoices; reading needs the invoices' read permission.
  const canManage = requirePermission(Permissions.FeActiveSend)
  const canRead = requirePermission(Permissions.FeActiveRead)

  const findSubscription = async (studioId: string, id: string) => {
    const subscription = await app.orm.em.fork().findOne(WebhookSubscription, { id, studioId })
    // Another studio's id answers as an unknown one.
    if (subscription === null) throw new AppError(WebhookErrorCodes.WebhookNotFound, 404, `No webhook ${id} in your studio`)
    return subscription
  }

  app.post(
    '/webhooks',
    {
      preHandler: canManage,
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe a webhook',
        description:
          'Registers an http(s) URL that receives a signed POST (Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`) for every state change of the studio’s invoices, or only for the listed target `states`. Answers 201 with the signing `secret`, shown only here and at rotation. Failed deliveries are retried with exponential backoff (30 s, 2 min, 10 min, 1 h, 6 h, 12 h, 24 h). 400 WEBHOOK_URL_INVALID for a URL that is not http(s); 400 WEBHOOK_URL_NOT_ALLOWED for a loopback, private or link-local address or `localhost`, unless the operator set WEBHOOK_ALLOW_PRIVATE_NETWORKS (a name is checked again on its resolved addresses at each delivery).',
        operationId: 'fe-active.createWebhook',
        body: CreateWebhookSchema,
        response: { 201: WebhookWithSecretSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const user = authenticatedUser(request)
      const now = new Date()
      const em = app.orm.em.fork()
      const subscription = em.create(WebhookSubscription, {
        id: randomUUID(),
        studioId: user.studio,
        url: checkUrl(request.body.url, allowPrivateNetworks),
        description: request.body.description ?? null,
        states: request.body.states ?? null,
        secret: generateWebhookSecret(),
        active: true,
        createdAt: now,
        updatedAt: now,
      })
      await em.flush()
      reply.code(201)
      return { ...toWebhookView(subscription), secret: subscription.secret }
    },
  )

  app.get(
    '/webhooks',
    {
      preHandler: canRead,
      schema: {
        tags: ['webhooks'],
        summary: 'List the webhooks',
        description: 'Every webhook subscription of the caller’s studio, active and deactivated, oldest first. Secrets are never listed.',
        operationId: 'fe-active.listWebhooks',
        response: { 200: WebhookListSchema, ...problemResponses(401, 403) },
      },
    },
    async (request) => {
      const items = await app.orm.em
        .fork()
        .find(WebhookSubscription, { studioId: authenticatedUser(request).studio }, { orderBy: { createdAt: 'asc', id: 'asc' } })
      return { items: items.map(toWebhookView) }
    },
  )

  app.get(
    '/webhooks/:id',
    {
      preHandler: canRead,
      schema: {
        tags: ['webhooks'],
        summary: 'Read a webhook',
        description: 'One subscription of the caller’s studio (without its secret); another studio’s id answers 404 WEBHOOK_NOT_FOUND.',
        operationId: 'fe-active.getWebhook',
        params: WebhookIdParamsSchema,
        response: { 200: WebhookViewSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => toWebhookView(await findSubscription(authenticatedUser(request).studio, request.params.id)),
  )

  app.patch(
    '/webhooks/:id',
    {
      preHandler: canManage,
      schema: {
        tags: ['webhooks'],
        summary: 'Change a webhook',
        description:
          'Changes the URL, the description, the state filter (null: every state change) or `active`. Events committed while a webhook is inactive are not delivered to it later; the changes feed keeps them. 404 WEBHOOK_NOT_FOUND, 400 WEBHOOK_URL_INVALID, 400 WEBHOOK_URL_NOT_ALLOWED.',
        operationId: 'fe-active.updateWebhook',
        params: WebhookIdParamsSchema,
        body: UpdateWebhookSchema,
        response: { 200: WebhookViewSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const em = app.orm.em.fork()
      const subscription = await em.findOne(WebhookSubscription, { id: request.params.id, studioId: authenticatedUser(request).studio })
      if (subscription === null)
        throw new AppError(WebhookErrorCodes.WebhookNotFound, 404, `No webhook ${request.params.id} in your studio`)
      const { url, description, states, active } = request.body
      if (url !== undefined) subscription.url = checkUrl(url, allowPrivateNetworks)
      if (description !== undefined) subscription.description = description
      if (states !== undefined) subscription.states = states
      if (active !== undefined) subscription.active = active
      subscription.updatedAt = new Date()
      await em.flush()
      return toWebhookView(subscription)
    },
  )

  app.delete(
    '/webhooks/:id',
    {
      preHandler: canManage,
      schema: {
        tags: ['webhooks'],
        summary: 'Deactivate a webhook',
        description:
          'Stops the deliveries to the webhook (it stays listed as inactive, with its delivery log; PATCH `active: true` resumes it). Answers 204; 404 WEBHOOK_NOT_FOUND.',
        operationId: 'fe-active.deleteWebhook',
        params: WebhookIdParamsSchema,
        response: { 204: { type: 'null', description: 'Deactivated.' }, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const studioId = authenticatedUser(request).studio
      const changed = await app.orm.em
        .fork()
        .nativeUpdate(WebhookSubscription, { id: request.params.id, studioId }, { active: false, updatedAt: new Date() })
      if (changed === 0) throw new AppError(WebhookErrorCodes.WebhookNotFound, 404, `No webhook ${request.params.id} in your studio`)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/webhooks/:id/secret',
    {
      preHandler: canManage,
      schema: {
        tags: ['webhooks'],
        summary: 'Rotate the signing secret',
        description:
          'Replaces the secret at once and answers it (shown only now); attempts from now on are signed with the new one. 404 WEBHOOK_NOT_FOUND.',
        operationId: 'fe-active.rotateWebhookSecret',
        params: WebhookIdParamsSchema,
        response: { 200: WebhookWithSecretSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const em = app.orm.em.fork()
      const subscription = await em.findOne(WebhookSubscription, { id: request.params.id, studioId: authenticatedUser(request).studio })
      if (subscription === null)
        throw new AppError(WebhookErrorCodes.WebhookNotFound, 404, `No webhook ${request.params.id} in your studio`)
      subscription.secret = generateWebhookSecret()
      subscription.updatedAt = new Date()
      await em.flush()
      return { ...toWebhookView(subscription), secret: subscription.secret }
    },
  )

  app.get(
    '/webhooks/:id/deliveries',
    {
      preHandler: canRead,
      schema: {
        tags: ['webhooks'],
        summary: 'Delivery log of a webhook',
        description:
          'The deliveries of the webhook, newest first, each with its status (pending, delivered, failed), the next attempt planned, and every attempt made (time, HTTP status, the first 500 characters of the answer, error, duration). 404 WEBHOOK_NOT_FOUND.',
        operationId: 'fe-active.listWebhookDeliveries',
        params: WebhookIdParamsSchema,
        querystring: DeliveryListQuerySchema,
        response: { 200: DeliveryListSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const subscription = await findSubscription(authenticatedUser(request).studio, request.params.id)
      const { page, pageSize } = request.query
      const em = app.orm.em.fork()
      const [deliveries, total] = await em.findAndCount(
        WebhookDelivery,
        { subscriptionId: subscription.id },
        { orderBy: { createdAt: 'desc', feedSeq: 'desc' }, limit: pageSize, offset: (page - 1) * pageSize },
      )
      const attempts =
        deliveries.length === 0
          ? []
          : await em.find(WebhookDeliveryAttempt, { deliveryId: { $in: deliveries.map((d) => d.id) } }, { orderBy: { attempt: 'asc' } })
      return {
        items: deliveries.map((delivery) =>
          toDeliveryView(
            delivery,
            attempts.filter((attempt) => attempt.deliveryId === delivery.id),
          ),
        ),
        page,
        pageSize,
        total,
      }
    },
  )

  app.post(
    '/webhook-deliveries/:id/redelivery',
    {
      preHandler: canManage,
      schema: {
        tags: ['webhooks'],
        summary: 'Deliver again now',
        description:
          'Queues a new attempt of the delivery now, whatever its status (delivered, failed or waiting for a retry: a retry already planned is replaced by this attempt). The attempt is marked manual in the log; if it fails, the usual backoff follows while attempts remain. Answers 202; 404 WEBHOOK_DELIVERY_NOT_FOUND.',
        operationId: 'fe-active.redeliverWebhook',
        params: DeliveryIdParamsSchema,
        response: { 202: RedeliveryResponseSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const studioId = authenticatedUser(request).studio
      const em = app.orm.em.fork()
      const attempt = await em.transactional(async (tx) => {
        const delivery = await tx.findOne(WebhookDelivery, { id: request.params.id, studioId })
        if (delivery === null)
          throw new AppError(WebhookErrorCodes.DeliveryNotFound, 404, `No webhook delivery ${request.params.id} in your studio`)
        const next = Math.max(delivery.lastAttempt, delivery.nextAttempt ?? 0) + 1
        // Conditional on what was read: a concurrent attempt or redelivery makes this one retry from the start.
        const changed = await tx.nativeUpdate(
          WebhookDelivery,
          { id: delivery.id, lastAttempt: delivery.lastAttempt, nextAttempt: delivery.nextAttempt },
          { status: 'pending', nextAttempt: next, nextAttemptAt: new Date(), nextAttemptManual: true, updatedAt: new Date() },
        )
        if (changed === 0) throw new AppError('CONFLICT', 409, 'The delivery changed meanwhile; retry the request')
        return next
      })
      try {
        await app.jobs.enqueue('webhook.deliver', { v: 1, deliveryId: request.params.id, attempt, requestId: request.id })
      } catch (error) {
        request.log.warn({ err: error }, 'redelivery not queued now; the webhook sweeper will queue it')
      }
      reply.code(202)
      return { deliveryId: request.params.id, attempt, status: 'pending' as const }
    },
  )

  app.get(
    '/invoice-changes',
    {
      preHandler: canRead,
      schema: {
        tags: ['webhooks'],
        summary: 'Changes feed: invoice events since a cursor',
        description:
          'Every event of the studio’s invoices (state changes and the other history entries, each with the invoice as it is now), in the order their transactions were committed, after `after`. An ERP that synchronises periodically keeps the `nextCursor` and asks again; nothing is skipped and nothing repeats. The items have the shape of the webhook payload. 400 FEED_CURSOR_INVALID for a cursor this feed did not return.',
        operationId: 'fe-active.listInvoiceChanges',
        querystring: ChangesQuerySchema,
        response: { 200: ChangesPageSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const studioId = authenticatedUser(request).studio
      const after = parseCursor(request.query.after)
      const limit = request.query.limit
      const em = app.orm.em.fork()
      const events = await em.find(
        InvoiceEvent,
        { studioId, feedSeq: after === null ? { $ne: null } : { $gt: after } },
        { orderBy: { feedSeq: 'asc' }, limit: limit + 1 },
      )
      const page = events.slice(0, limit)
      const invoiceIds = [...new Set(page.map((event) => event.invoiceId))]
      const invoices =
        invoiceIds.length === 0 ? [] : await em.find(Invoice, { id: { $in: invoiceIds } }, { fields: [...changeInvoiceFields] })
      const byId = new Map(invoices.map((invoice) => [invoice.id, invoice]))
      return {
        items: page.map((event) => toInvoiceChange(event, byId.get(event.invoiceId) ?? null)),
        nextCursor: page.length > 0 ? String(page.at(-1)?.feedSeq) : after,
        hasMore: events.length > limit,
      }
    },
  )
}
