import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { counterFromProgressivo, maxProgressivoCounter, progressivoFromCounter } from '@fatturapa-hub/fatturapa'
import { AppError, authenticatedUser, Permissions, problemResponses, requirePermission } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/knex'
import Type, { type Static } from 'typebox'
import { ClientReplica } from '../clients/client-replica.entity.js'
import { Invoice } from '../invoices/invoice.entity.js'
import { lastCounter, raiseCounter } from './progressivo.js'

export const ProgressivoErrorCodes = {
  TransmitterNotFound: 'TRANSMITTER_NOT_FOUND',
  ProgressivoExhausted: 'PROGRESSIVO_EXHAUSTED',
} as const

const TransmitterParamsSchema = Type.Object({
  transmitter: Type.String({
    pattern: '^[A-Z]{2}[A-Za-z0-9]{1,28}$',
    description:
      'IdTrasmittente: IdPaese followed by IdCodice, as at the start of the file names (e.g. IT01234567897 for a partita IVA, ITRSSMRA80A01H501U for a codice fiscale).',
    examples: ['IT01234567897'],
  }),
})

const ProgressivoViewSchema = Type.Object(
  {
    transmitter: Type.String(),
    lastUsedProgressivo: Type.Union([Type.String(), Type.Null()], {
      description: 'The progressivo of the last file name taken for this transmitter; null before the first.',
    }),
    nextProgressivo: Type.Union([Type.String(), Type.Null()], {
      description: 'The progressivo the next transmission will use; null when all 60,466,175 are used.',
    }),
  },
  { examples: [{ transmitter: 'IT01234567897', lastUsedProgressivo: '0003K', nextProgressivo: '0003L' }] },
)
type ProgressivoView = Static<typeof ProgressivoViewSchema>

const RaiseBodySchema = Type.Object(
  {
    lastUsedProgressivo: Type.String({
      pattern: '^[A-Za-z0-9]{1,5}$',
      description:
        'The last progressivo this transmitter used outside the platform (another provider, a desktop program): the platform continues after it. A value at or below what the platform already used changes nothing.',
    }),
  },
  { additionalProperties: false, examples: [{ lastUsedProgressivo: '0003K' }] },
)

function viewOf(transmitter: string, counter: number): ProgressivoView {
  return {
    transmitter,
    lastUsedProgressivo: counter === 0 ? null : progressivoFromCounter(counter),
    nextProgressivo: counter >= maxProgressivoCounter ? null : progressivoFromCounter(counter + 1),
  }
}

/**
 * A studio reads and moves the counters of the transmitters it transmits as: the partita IVA or codice fiscale
 * of one of its clients (the studio's own company is its first), or a transmitter of one of its invoices. Anything
 * else answers as unknown, so a studio can neither see nor move another studio's counters.
 */
async function assertStudioTransmitter(em: EntityManager, studioId: string, transmitter: string): Promise<void> {
  const idPaese = transmitter.slice(0, 2)
  const idCodice = transmitter.slice(2)
  const clientCode =
    idPaese === 'IT' &&
    (await em.count(ClientReplica, { studioId, $or: [{ partitaIva: idCodice }, { codiceFiscale: idCodice.toUpperCase() }] })) > 0
  if (clientCode) return
  if ((await em.count(Invoice, { studioId, transmitter })) > 0) return
  throw new AppError(
    ProgressivoErrorCodes.TransmitterNotFound,
    404,
    `${transmitter} is neither the partita IVA or codice fiscale of one of your clients nor the transmitter of one of your invoices`,
  )
}

/**
 * The progressivo counters of file names (IT<IdCodice>_<progressivo>.xml). SDI refuses a name it has already seen
 * with 00002 for the transmitter's whole life, so a studio that transmitted before joining the platform tells it
 * where to continue.
 */
export const progressivoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const canManage = requirePermission(Permissions.FeActiveSettings)

  app.get(
    '/settings/transmitters/:transmitter/progressivo',
    {
      preHandler: canManage,
      schema: {
        tags: ['settings'],
        summary: 'Read the progressivo counter of a transmitter',
        description:
          'The last progressivo of the file names the platform took for this transmitter, and the next one. 404 TRANSMITTER_NOT_FOUND for a transmitter that is not the studio’s (see PUT).',
        operationId: 'fe-active.getTransmitterProgressivo',
        params: TransmitterParamsSchema,
        response: { 200: ProgressivoViewSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { transmitter } = request.params
      const em = app.orm.em.fork()
      await assertStudioTransmitter(em, authenticatedUser(request).studio, transmitter)
      return viewOf(transmitter, await lastCounter(em, transmitter))
    },
  )

  app.put(
    '/settings/transmitters/:transmitter/progressivo',
    {
      preHandler: canManage,
      schema: {
        tags: ['settings'],
        summary: 'Continue the file names after a progressivo used elsewhere',
        description:
          'For a transmitter that sent files to SDI before the platform: the next transmission takes the progressivo after `lastUsedProgressivo` (letters and digits, base 36, as the platform counts), unless the platform is already past it; a counter is never lowered, since SDI refuses a name it has seen (00002). The transmitter must be the partita IVA or codice fiscale (IT…) of one of the studio’s clients or the transmitter of one of its invoices: otherwise 404 TRANSMITTER_NOT_FOUND. 422 PROGRESSIVO_EXHAUSTED for ZZZZZ, which leaves no name.',
        operationId: 'fe-active.putTransmitterProgressivo',
        params: TransmitterParamsSchema,
        body: RaiseBodySchema,
        response: { 200: ProgressivoViewSchema, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const { transmitter } = request.params
      const lastUsed = counterFromProgressivo(request.body.lastUsedProgressivo)
      if (lastUsed >= maxProgressivoCounter) {
        throw new AppError(
          ProgressivoErrorCodes.ProgressivoExhausted,
          422,
          `After ${request.body.lastUsedProgressivo} no five-character progressivo is left for ${transmitter}`,
        )
      }
      const em = app.orm.em.fork()
      await assertStudioTransmitter(em, authenticatedUser(request).studio, transmitter)
      return viewOf(transmitter, await raiseCounter(em, transmitter, lastUsed))
    },
  )
}
