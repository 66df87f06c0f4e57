import { randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { AccessTokenClaims } from '../auth/claims.js'
import type { AuditRecordV1 } from '../queues/contract.js'
import type { JobProducer } from '../queues/producer.js'

export type AuditActor = AuditRecordV1['actor']
export type AuditDetails = Record<string, string | number | boolean>

/** What a handler tells the audit hook about the request, when the token alone cannot (public routes). */
export interface AuditSubject {
  studioId?: string
  actor?: AuditActor
  resource?: { type: string; id?: string }
  details?: AuditDetails
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set through `setAuditSubject`; null until a handler names the subject. */
    auditSubject: AuditSubject | null
  }
}

/**
 * Names who acted and on what, for the audit event of this request. Public routes (sign-in, password reset) are
 * audited only once their handler called this; on authenticated routes it overrides what the token says. Calls
 * merge, so a handler may name the actor first and add details later. Never put secrets in `details`.
 */
export function setAuditSubject(request: FastifyRequest, subject: AuditSubject): void {
  const previous = request.auditSubject ?? {}
  const details = previous.details || subject.details ? { ...previous.details, ...subject.details } : undefined
  request.auditSubject = { ...previous, ...subject, ...(details ? { details } : {}) }
}

export interface AuditHookOptions {
  /** Service name recorded on every event. */
  service: string
  producer: JobProducer
}

// Path parameters that identify the resource, in order of preference. Other parameters (a reset token, say)
// never reach the log; parameters named `<something>Id` are identifiers too.
const resourceIdParams = ['id', 'clientId', 'userId', 'serialNumber', 'invoiceId', 'studioId', 'contractId', 'packageId', 'documentId']

/**
 * One audit event per request that matched a route, published to the audit queue after the response is sent.
 * Public routes (probes, OpenAPI, JWKS) stay out unless their handler called `setAuditSubject`. Only the route
 * pattern, method, status and identifiers are recorded: never bodies, headers or query strings, which may carry
 * passwords and tokens. A queue outage is logged with the event id and never affects the response.
 */
export const auditHook = fp<AuditHookOptions>(
  async (app, { service, producer }) => {
    app.decorateRequest('auditSubject', null)
    const pending = new Set<Promise<void>>()

    app.addHook('onResponse', async (request, reply) => {
      let record: AuditRecordV1 | undefined
      try {
        record = auditRecordOf(service, request, reply)
      } catch (error) {
        request.log.error({ err: error }, 'audit event could not be built')
        return
      }
      if (record === undefined) return
      const publishing = publish(producer, record, request)
      pending.add(publishing)
      void publishing.then(() => pending.delete(publishing))
    })

    // Events of the last requests are still being published when the server drains.
    app.addHook('onClose', async () => {
      await Promise.all(pending)
    })
  },
  { name: 'audit-hook', fastify: '5.x' },
)

async function publish(producer: JobProducer, record: AuditRecordV1, request: FastifyRequest): Promise<void> {
  try {
    await producer.enqueue('audit.record', record)
  } catch (error) {
    request.log.error(
      { err: error, eventId: record.eventId, action: record.action, outcome: record.outcome },
      'audit event could not be published',
    )
  }
}

/** The event of a finished request, or undefined when the request is not audited. */
export function auditRecordOf(service: string, request: FastifyRequest, reply: FastifyReply): AuditRecordV1 | undefined {
  const route = request.routeOptions.url
  if (route === undefined || request.is404) return undefined
  const subject = request.auditSubject ?? null
  if (request.routeOptions.config.public === true && subject === null) return undefined
  const schema = request.routeOptions.schema as { operationId?: string; tags?: string[] } | undefined
  const user = (request as { user?: AccessTokenClaims | null }).user ?? null
  const studioId = subject?.studioId ?? user?.studio
  const resourceType = schema?.tags?.[0]
  const resourceId = resourceIdOf(request.params)
  const resource =
    subject?.resource ??
    (resourceType ? { type: clip(resourceType, 100), ...(resourceId === undefined ? {} : { id: resourceId }) } : undefined)
  return {
    v: 1,
    eventId: eventIdOf(request, service),
    occurredAt: new Date().toISOString(),
    service,
    action: clip(schema?.operationId ?? `${request.method} ${route}`, 100),
    outcome: reply.statusCode < 400 ? 'success' : 'failure',
    ...(studioId ? { studioId: clip(studioId, 100) } : {}),
    actor: subject?.actor ?? actorOf(user),
    ...(resource ? { resource } : {}),
    ip: clip(request.ip, 64),
    requestId: clip(request.id, 128),
    details: { ...subject?.details, method: request.method, route, statusCode: reply.statusCode },
  }
}

function actorOf(user: AccessTokenClaims | null): AuditActor {
  if (user === null) return { kind: 'anonymous' }
  return {
    kind: user.kind === 'integration' ? 'integration' : 'user',
    userId: clip(user.sub, 100),
    username: clip(user.username, 200),
  }
}

function resourceIdOf(params: unknown): string | undefined {
  if (params === null || typeof params !== 'object') return undefined
  const values = params as Record<string, unknown>
  const name = resourceIdParams.find((key) => typeof values[key] === 'string') ?? Object.keys(values).find((key) => /Id$/.test(key))
  const value = name === undefined ? undefined : values[name]
  return typeof value === 'string' && value !== '' ? clip(value, 200) : undefined
}

/**
 * Request id, service and a per-request nonce. The nonce matters: request ids come from the caller's
 * `x-request-id`, and the consumer records an event id once, so an id made of the request id alone would let a
 * caller replay an earlier request id and have its own operation silently dropped from the log. The record is
 * built once per request, so publishing it again (same job id) is still stored once.
 */
function eventIdOf(request: FastifyRequest, service: string): string {
  const requestPart = request.id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 128)
  return `${requestPart}.${service}.${randomBytes(8).toString('hex')}`
}

function clip(value: string, max: number): string {
  return value.length > max ? value.slice(0, max) : value
}
