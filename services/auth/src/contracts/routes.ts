import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AppError, ErrorCodes, Permissions, problemResponses, requirePermission } from '@fatturapa-hub/shared'
import type { FilterQuery } from '@mikro-orm/core'
import { issueAccessTokenOnly } from '../sessions/issue-session.js'
import { Studio } from '../studios/studio.entity.js'
import { User } from '../users/user.entity.js'
import { acceptContracts, userMayHaveSession } from './accept.js'
import { acceptanceEmail } from './acceptance-email.js'
import { Contract } from './contract.entity.js'
import { ContractAcceptance } from './contract-acceptance.entity.js'
import { currentContracts } from './pending.js'
import { publishContract } from './publish.js'
import {
  AcceptanceListQuerySchema,
  AcceptanceListSchema,
  AcceptContractsBodySchema,
  AcceptContractsResponseSchema,
  ContractIdParamsSchema,
  CurrentContractListSchema,
  maxContractBytes,
  NotModifiedSchema,
  PdfBodySchema,
  PdfResponseSchema,
  PublishContractQuerySchema,
  PublishedContractSchema,
  toAcceptance,
  toPublishedContract,
} from './schemas.js'

/**
 * Contract documents and their acceptance (seed, section 1.3). Every route stays reachable while the caller's
 * contracts are pending: users must read and accept them, and whoever manages them must be able to correct a
 * wrong upload before accepting it.
 */
export const contractsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const canManage = requirePermission(Permissions.ContractsManage)
  const pendingAllowed = { allowContractsPending: true }

  app.addContentTypeParser('application/pdf', { parseAs: 'buffer', bodyLimit: maxContractBytes }, (_request, body, done) => {
    done(null, body)
  })

  app.post(
    '/contracts',
    {
      preHandler: canManage,
      bodyLimit: maxContractBytes,
      config: pendingAllowed,
      schema: {
        tags: ['contracts'],
        summary: 'Publish a new version of a contract',
        description:
          'The body is the PDF itself (Content-Type application/pdf, at most 10 MiB). The version is the highest published for the code plus one; every user must accept it again. 415 UNSUPPORTED_MEDIA_TYPE for another content type, 422 CONTRACT_NOT_PDF when the bytes are not a PDF, 409 CONTRACT_VERSION_CONFLICT when another version was published concurrently, 409 CONTRACT_UNCHANGED when the latest version already has the same document and title.',
        operationId: 'auth.publishContract',
        consumes: ['application/pdf'],
        querystring: PublishContractQuerySchema,
        body: PdfBodySchema,
        response: { 201: PublishedContractSchema, ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const document: unknown = request.body
      if (!Buffer.isBuffer(document)) {
        throw new AppError(ErrorCodes.UnsupportedMediaType, 415, 'Send the contract as the raw body with Content-Type application/pdf')
      }
      const contract = await publishContract(app.orm.em, {
        studioId: request.user.studio,
        code: request.query.code,
        title: request.query.title,
        document,
        publishedBy: request.user.sub,
      })
      reply.code(201)
      return toPublishedContract(contract)
    },
  )

  app.get(
    '/contracts',
    {
      config: pendingAllowed,
      schema: {
        tags: ['contracts'],
        summary: 'The current contracts and whether the caller accepted them',
        description:
          'The newest version of each contract of the studio, with the caller’s acceptance. Reachable while contracts are pending: this is what the portal shows after the first password change.',
        operationId: 'auth.listCurrentContracts',
        response: { 200: CurrentContractListSchema, ...problemResponses(401, 403) },
      },
    },
    async (request) => {
      const em = app.orm.em
      const current = await currentContracts(em, request.user.studio)
      const accepted =
        current.length === 0
          ? []
          : await em.find(ContractAcceptance, { userId: request.user.sub, contractId: { $in: current.map((contract) => contract.id) } })
      const acceptedAt = new Map(accepted.map((acceptance) => [acceptance.contractId, acceptance.acceptedAt]))
      const items = current.map((contract) => ({
        ...toPublishedContract(contract),
        accepted: acceptedAt.has(contract.id),
        acceptedAt: acceptedAt.get(contract.id)?.toISOString() ?? null,
      }))
      return { items, pending: request.user.kind !== 'integration' && items.some((item) => !item.accepted) }
    },
  )

  app.get(
    '/contracts/:id/document',
    {
      config: pendingAllowed,
      schema: {
        tags: ['contracts'],
        summary: 'Download the PDF of a contract version',
        description:
          'The exact bytes that were published, shown inline; the ETag is the SHA-256 an acceptance binds to. Any version of the caller’s studio; another studio’s id answers 404. A matching If-None-Match answers 304 without a body.',
        operationId: 'auth.getContractDocument',
        produces: ['application/pdf'],
        params: ContractIdParamsSchema,
        response: { 200: PdfResponseSchema, 304: NotModifiedSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const contract = await app.orm.em.findOne(
        Contract,
        { id: request.params.id, studioId: request.user.studio },
        { populate: ['document'] },
      )
      if (contract === null) throw new AppError(ErrorCodes.NotFound, 404, 'The contract does not exist.')
      const etag = `"${contract.sha256}"`
      reply
        .header('etag', etag)
        .header('cache-control', 'private, no-cache')
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', `inline; filename="${contract.code}-v${contract.version}.pdf"`)
      if (ifNoneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send(undefined)
      return reply.type('application/pdf').send(contract.document)
    },
  )

  app.post(
    '/contracts/acceptances',
    {
      config: pendingAllowed,
      schema: {
        tags: ['contracts'],
        summary: 'Accept contracts ("point and click")',
        description:
          'Records the caller’s acceptance of current contract versions in one transaction (already accepted ones are kept as they were), e-mails a confirmation to the studio (cc the user) listing the contracts, the operator and the date and time, and returns a new access token reflecting the acceptance (no new refresh token: the session’s own one yields the same state at its next refresh). 422 CONTRACT_NOT_CURRENT (with `contractIds`) for superseded or unknown versions; 403 FORBIDDEN for APIREST integration users.',
        operationId: 'auth.acceptContracts',
        body: AcceptContractsBodySchema,
        response: { 200: AcceptContractsResponseSchema, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request) => {
      const em = app.orm.em
      if (request.user.kind === 'integration') {
        throw new AppError(ErrorCodes.Forbidden, 403, 'Integration users do not accept contracts: the studio users do')
      }
      const user = await em.findOne(User, { id: request.user.sub, studioId: request.user.studio })
      if (user === null || !userMayHaveSession(user)) {
        throw new AppError(ErrorCodes.Unauthorized, 401, 'The user can no longer sign in.')
      }
      const accepted = await acceptContracts(em, user, request.body.contractIds, request.ip)
      const recorded = accepted.filter((entry) => entry.recordedNow)
      let emailSent = false
      const first = recorded[0]
      if (first !== undefined) {
        const studio = await em.findOneOrFail(Studio, { id: user.studioId })
        try {
          await app.authRuntime.mailer.send(
            acceptanceEmail({
              to: studio.email,
              cc: user.email,
              studioName: studio.name,
              operator: { username: user.username, description: user.description },
              contracts: recorded.map(({ contract }) => contract),
              acceptedAt: first.acceptance.acceptedAt,
              ip: first.acceptance.ip,
            }),
          )
          emailSent = true
        } catch (error) {
          // The acceptance is recorded and listed by GET /contracts/acceptances; only the courtesy copy failed.
          request.log.error({ err: error }, 'contract acceptance e-mail not sent')
        }
      }
      const access = await issueAccessTokenOnly(em, app.authRuntime, user)
      return {
        acceptances: accepted.map(({ acceptance, recordedNow }) => ({ ...toAcceptance(acceptance, user.username), recordedNow })),
        emailSent,
        access,
      }
    },
  )

  app.get(
    '/contracts/acceptances',
    {
      preHandler: canManage,
      config: pendingAllowed,
      schema: {
        tags: ['contracts'],
        summary: 'Who accepted which contract version, when and from where',
        description: 'Every acceptance of the studio, newest first; filters userId and contractCode.',
        operationId: 'auth.listContractAcceptances',
        querystring: AcceptanceListQuerySchema,
        response: { 200: AcceptanceListSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const em = app.orm.em
      const { limit, offset, userId, contractCode } = request.query
      const where: FilterQuery<ContractAcceptance> = {
        studioId: request.user.studio,
        ...(userId === undefined ? {} : { userId: userId.toLowerCase() }),
        ...(contractCode === undefined ? {} : { contractCode }),
      }
      const [rows, total] = await em.findAndCount(ContractAcceptance, where, { orderBy: { acceptedAt: 'desc', id: 'asc' }, limit, offset })
      const userIds = [...new Set(rows.map((row) => row.userId))]
      const users = userIds.length === 0 ? [] : await em.find(User, { id: { $in: userIds }, studioId: request.user.studio })
      const usernames = new Map(users.map((user) => [user.id, user.username]))
      return { items: rows.map((row) => toAcceptance(row, usernames.get(row.userId) ?? null)), total, limit, offset }
    },
  )
}

function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  return header.split(',').some((candidate) => {
    const value = candidate.trim()
    return value === '*' || value === etag || value === `W/${etag}`
  })
}
