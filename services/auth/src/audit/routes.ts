import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Permissions, problemResponses, requirePermission } from '@fatturapa-hub/shared'
import { findStudioAuditEvents } from './audit-log.js'
import { AuditEventListQuerySchema, AuditEventListSchema, AuditVerificationQuerySchema, AuditVerificationSchema } from './schemas.js'
import { verifyAuditChain } from './verify-chain.js'

/** The operations log ("Registro operazioni") of the caller's studio, and the integrity check of the chain. */
export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const canRead = requirePermission(Permissions.AuditRead)

  app.get(
    '/audit/events',
    {
      preHandler: canRead,
      schema: {
        tags: ['audit'],
        summary: "List the operations log of the caller's studio",
        description:
          "Every operation of every service on the studio's data: who, what, on which resource, when, from which IP, and the outcome. Newest first, by seq; pass `nextCursor` as `before` for the next page. Filters combine with AND; `from` is inclusive, `to` exclusive. Events of other studios and platform events are never listed.",
        operationId: 'auth.listAuditEvents',
        querystring: AuditEventListQuerySchema,
        response: { 200: AuditEventListSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => findStudioAuditEvents(app.orm.em, request.user.studio, request.query),
  )

  app.get(
    '/audit/verification',
    {
      preHandler: canRead,
      schema: {
        tags: ['audit'],
        summary: 'Verify the hash chain of the operations log',
        description:
          'Recomputes the hash of every event of the platform-wide chain and checks each link to its predecessor. A modified row is reported as content-altered at its seq, a deleted or inserted row as link-broken at the seq after it. Only the outcome is returned, never the content of any event. With `fromSeq`, checks from that seq on (incremental check after an earlier verification).',
        operationId: 'auth.verifyAuditChain',
        querystring: AuditVerificationQuerySchema,
        response: { 200: AuditVerificationSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const result = await verifyAuditChain(
        app.orm.em.fork(),
        request.query.fromSeq === undefined ? {} : { fromSeq: request.query.fromSeq },
      )
      if (result.valid) return { ok: true, checked: result.events, ...(result.lastSeq === undefined ? {} : { lastSeq: result.lastSeq }) }
      request.log.error({ seq: result.brokenAt, problem: result.problem }, 'audit chain verification failed')
      return { ok: false, checked: result.events, firstFailure: { seq: result.brokenAt, kind: result.problem } }
    },
  )
}
