import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { counterFromProgressivo, maxProgressivoCounter, progressivoFromCounter } from '@fatturapa-hub/fatturapa'
import { AppError, authenticatedUser, Permissions, problemResponses, requirePermission } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/knex'
import Type, { type Static } from 'typebox'
import { ClientReplica } from '../clients/client-replica.entity.js'
import { Invoice } from '../invoices/invoice.entity.js'
import { lastCounter, raiseCounter } from './progressivo.js'
import { SdiTransmission } from './transmission.entity.js'

export const ProgressivoErrorCodes = {
  TransmitterNotFound: 'TRANSMITTER_NOT_FOUND',
  TransmitterShared: 'TRANSMITTER_SHARED',
  ProgressivoTooHigh: 'PROGRESSIVO_TOO_HIGH',
} as const

/**
 * The highest last-used progressivo a studio may set, HZZZZ: half the names. A counter is never lowered, so a
 * value near ZZZZZ would leave a transmitter without names for good; this bound keeps 30 million of them.
 */
const maxSettableCounter = Math.floor((maxProgressivoCounter + 1) / 2) - 1

const TransmitterParamsSchema = Type.Object({
  transmitter: Type.String({
    pattern: '^[A-Z]{2}[A-Z0-9]{1,28}$',
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
 * else answers as unknown. Neither proves the code is the studio's alone (two studios may have the same client),
 * hence the limits of the raise: not a transmitter the platform uses for another studio, never above HZZZZ.
 */
async function assertStudioTransmitter(em: EntityManager, studioId: string, transmitter: string): Promise<void> {
  const idPaese = transmitter.slice(0, 2)
  const idCodice = transmitter.slice(2)
  const clientCode =
    idPaese === 'IT' && (await em.count(ClientReplica, { studioId, $or: [{ partitaIva: idCodice }, { codiceFiscale: idCodice }] })) > 0
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
          'For a transmitter that sent files to SDI before the platform: the next transmission takes the progressivo after `lastUsedProgressivo` (letters and digits, base 36, as the platform counts), unless the platform is already past it; a counter is never lowered, since SDI refuses a name it has seen (00002). The transmitter must be the partita IVA or codice fiscale (IT…) of one of the studio’s clients or the transmitter of one of its invoices: otherwise 404 TRANSMITTER_NOT_FOUND; 409 TRANSMITTER_SHARED when the platform already transmits as it for another studio (a shared intermediary: the operator’s to move). 422 PROGRESSIVO_TOO_HIGH above HZZZZ (half the names stay available).',
        operationId: 'fe-active.putTransmitterProgressivo',
        params: TransmitterParamsSchema,
        body: RaiseBodySchema,
        response: { 200: ProgressivoViewSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { transmitter } = request.params
      const em = app.orm.em.fork()
      const studioId = authenticatedUser(request).studio
      await assertStudioTransmitter(em, studioId, transmitter)
      const lastUsed = counterFromProgressivo(request.body.lastUsedProgressivo)
      if (lastUsed > maxSettableCounter) {
        throw new AppError(
          ProgressivoErrorCodes.ProgressivoTooHigh,
          422,
          `At most ${progressivoFromCounter(maxSettableCounter)} can be set (counters are never lowered: half the names stay available); ask the platform operator`,
        )
      }
      // A counter the platform already uses for other studios too (a shared intermediary) is not one studio's to move.
      if ((await em.count(SdiTransmission, { transmitter, studioId: { $ne: studioId } })) > 0) {
        throw new AppError(
          ProgressivoErrorCodes.TransmitterShared,
          409,
          `The platform also transmits as ${transmitter} for other studios: its counter can be moved by the platform operator only`,
        )
      }
      return viewOf(transmitter, await raiseCounter(em, transmitter, lastUsed))
    },
  )
}
