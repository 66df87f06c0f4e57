import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { containsIgnoringCase, Permissions, problemResponses, requirePermission } from '@fatturapa-hub/shared'
import type { FilterQuery } from '@mikro-orm/core'
import { Client } from './client.entity.js'
import { type FeService, findStudioClient, registerClient, setFeActivation, updateClient } from './manage-clients.js'
import {
  ClientIdParamsSchema,
  type ClientListQuery,
  ClientListQuerySchema,
  ClientListSchema,
  ClientResponseSchema,
  CreateClientBodySchema,
  FeActivationBodySchema,
  toClientResponse,
  UpdateClientBodySchema,
} from './schemas.js'

/** Clients of the studio ("Gestione Soggetti Fattura Elettronica", seed section 3.1). */
export const clientsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const canRead = requirePermission(Permissions.ClientsRead)
  const canManage = requirePermission(Permissions.ClientsManage)

  app.get(
    '/clients',
    {
      preHandler: canRead,
      schema: {
        tags: ['clients'],
        summary: 'List the clients of the studio',
        description:
          'Paginated, ordered by codice soggetto. Filters: exact partitaIva / codiceFiscale, FE Attiva / FE Passiva enabled or not, and q (part of the denominazione, case-insensitive).',
        operationId: 'auth.listClients',
        querystring: ClientListQuerySchema,
        response: { 200: ClientListSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const query = request.query
      const [clients, total] = await app.orm.em.findAndCount(Client, clientFilter(request.user.studio, query), {
        orderBy: { codiceSoggetto: 'asc', id: 'asc' },
        limit: query.limit,
        offset: query.offset,
      })
      return { items: clients.map(toClientResponse), total, limit: query.limit, offset: query.offset }
    },
  )

  app.get(
    '/clients/:id',
    {
      preHandler: canRead,
      schema: {
        tags: ['clients'],
        summary: 'Read a client',
        description: 'One client of the caller’s studio; the id of another studio’s client answers 404.',
        operationId: 'auth.getClient',
        params: ClientIdParamsSchema,
        response: { 200: ClientResponseSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => toClientResponse(await findStudioClient(app.orm.em, request.user.studio, request.params.id)),
  )

  app.post(
    '/clients',
    {
      preHandler: canManage,
      schema: {
        tags: ['clients'],
        summary: 'Create a client',
        description:
          'Identifiers are stored trimmed and upper-case and their check digits verified (422 VALIDATION_FAILED with PARTITA_IVA_INVALID / CODICE_FISCALE_INVALID per field). 409 CODICE_SOGGETTO_TAKEN or PARTITA_IVA_TAKEN when the studio already has that client.',
        operationId: 'auth.createClient',
        body: CreateClientBodySchema,
        response: { 201: ClientResponseSchema, ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const client = await registerClient(app.orm.em, request.user.studio, request.body)
      reply.code(201)
      return toClientResponse(client)
    },
  )

  app.patch(
    '/clients/:id',
    {
      preHandler: canManage,
      schema: {
        tags: ['clients'],
        summary: 'Change a client',
        description:
          'Changes the given fields (null clears an optional one). With `version`, a client changed in the meantime answers 409 VERSION_CONFLICT. Identifiers are checked again; a client with FE Attiva keeps at least one of them (422 CLIENT_IDENTIFIER_REQUIRED); the partita IVA of a client with an APIREST user or a valid certificate cannot change (409 CLIENT_PARTITA_IVA_LOCKED).',
        operationId: 'auth.updateClient',
        params: ClientIdParamsSchema,
        body: UpdateClientBodySchema,
        response: { 200: ClientResponseSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => toClientResponse(await updateClient(app.orm.em, request.user.studio, request.params.id, request.body)),
  )

  const activationRoute = (service: FeService, label: string) =>
    app.put(
      `/clients/:id/fe-${service}`,
      {
        preHandler: canManage,
        schema: {
          tags: ['clients'],
          summary: `Abilita ${label}: enable or disable ${label} for a client`,
          description:
            service === 'attiva'
              ? 'Enabling stores when outgoing invoicing was enabled (kept if it already was); disabling clears it. Needs the partita IVA or the codice fiscale (422 CLIENT_IDENTIFIER_REQUIRED).'
              : 'Enabling stores when incoming invoices started being received (kept if it already was); disabling clears it.',
          operationId: service === 'attiva' ? 'auth.setClientFeAttiva' : 'auth.setClientFePassiva',
          params: ClientIdParamsSchema,
          body: FeActivationBodySchema,
          response: { 200: ClientResponseSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request) =>
        toClientResponse(await setFeActivation(app.orm.em, request.user.studio, request.params.id, service, request.body.enabled)),
    )
  activationRoute('attiva', 'FE Attiva')
  activationRoute('passiva', 'FE Passiva')
}

function clientFilter(studioId: string, query: ClientListQuery): FilterQuery<Client> {
  const where: FilterQuery<Client> & Record<string, unknown> = { studioId }
  if (query.partitaIva !== undefined) where.partitaIva = query.partitaIva.trim().toUpperCase()
  if (query.codiceFiscale !== undefined) where.codiceFiscale = query.codiceFiscale.trim().toUpperCase()
  if (query.feAttiva !== undefined) where.feAttivaEnabledAt = query.feAttiva ? { $ne: null } : null
  if (query.fePassiva !== undefined) where.fePassivaEnabledAt = query.fePassiva ? { $ne: null } : null
  if (query.q !== undefined) where[containsIgnoringCase('denominazione', query.q)] = []
  return where
}
