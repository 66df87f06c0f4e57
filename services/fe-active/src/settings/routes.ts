import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AppError, authenticatedUser, Permissions, problemResponses, requirePermission, userClasses } from '@fatturapa-hub/shared'
import { OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core'
import Type, { type Static } from 'typebox'
import { defaultStudioSettings, StudioSettings, type StudioSettingsValues } from './studio-settings.entity.js'
import { SettingsErrorCodes } from './submission-guard.js'

const SettingsValuesSchema = {
  feAttivaEnabled: Type.Boolean({
    description: 'ABILITA SERVIZIO FATTURAZIONE ELETTRONICA ATTIVA: false refuses new submissions (422 FE_ATTIVA_DISABLED).',
  }),
  deletionPolicy: Type.Union([Type.Literal('default'), Type.Literal('never')], {
    description:
      'STATO CANCELLAZIONE. default: an invoice can be deleted until it may have been sent to SDI; never: no invoice is deleted.',
  }),
  requireContractAcceptance: Type.Boolean({ description: 'OBBLIGA ACCETTAZIONE CONTRATTI CLIENTE.' }),
  notificationUserClass: Type.Union([Type.String({ pattern: '^[a-z0-9-]{1,50}$' }), Type.Null()], {
    description:
      'CLASSE DI UTENTI PER NOTIFICHE: the user class e-mailed on SCARTATA, NON CONSEGNATA, NON RECAPITABILE, RIFIUTATA (codes from GET /settings/fe-attiva/user-classes); null: nobody.',
  }),
  defaultChannel: Type.Literal('sdicoop', { description: 'The SDI channel of new transmissions.' }),
}

const exampleValues: StudioSettingsValues = {
  feAttivaEnabled: true,
  deletionPolicy: 'default',
  requireContractAcceptance: false,
  notificationUserClass: 'amministratori-fattura-elettronica',
  defaultChannel: 'sdicoop',
}

const SettingsBodySchema = Type.Object(
  {
    ...SettingsValuesSchema,
    version: Type.Optional(Type.Integer({ minimum: 0, description: 'The version read (alternative to If-Match).' })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        ...exampleValues,
        version: 3,
      },
    ],
  },
)

const SettingsViewSchema = Type.Object(
  {
    ...SettingsValuesSchema,
    version: Type.Integer({ description: '0 while the studio has the defaults; also the ETag.' }),
    updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  {
    examples: [
      {
        ...exampleValues,
        version: 4,
        updatedAt: '2026-12-02T08:41:09.527Z',
      },
    ],
  },
)
type SettingsView = Static<typeof SettingsViewSchema>

const IfMatchSchema = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'The ETag of the GET ("<version>"): a stale one answers 409.' })),
})

function viewOf(row: StudioSettings | null): SettingsView {
  if (row === null) return { ...defaultStudioSettings, version: 0, updatedAt: null }
  return {
    feAttivaEnabled: row.feAttivaEnabled,
    deletionPolicy: row.deletionPolicy,
    requireContractAcceptance: row.requireContractAcceptance,
    notificationUserClass: row.notificationUserClass,
    defaultChannel: row.defaultChannel,
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
  }
}

const stale = () =>
  new AppError(SettingsErrorCodes.SettingsVersionConflict, 409, 'The parameters were changed meanwhile: read them again and retry')

function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number | undefined {
  if (ifMatch !== undefined) {
    const match = /^(?:W\/)?"?(\d+)"?$/.exec(ifMatch.trim())
    if (!match) throw stale()
    return Number(match[1])
  }
  return bodyVersion
}

/** Parametri Generali Fattura Elettronica Attiva of the studio (seed section 2.1). */
export const settingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const canManage = requirePermission(Permissions.FeActiveSettings)

  app.get(
    '/settings/fe-attiva',
    {
      preHandler: canManage,
      schema: {
        tags: ['settings'],
        summary: 'Read the studio’s active-invoicing parameters',
        description: 'The saved parameters, or the defaults (version 0). The ETag is the version, for If-Match on PUT.',
        operationId: 'fe-active.getFeAttivaSettings',
        response: { 200: SettingsViewSchema, ...problemResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const row = await app.orm.em.fork().findOne(StudioSettings, { studioId: authenticatedUser(request).studio })
      const view = viewOf(row)
      reply.header('etag', `"${view.version}"`)
      return view
    },
  )

  app.put(
    '/settings/fe-attiva',
    {
      preHandler: canManage,
      schema: {
        tags: ['settings'],
        summary: 'Change the studio’s active-invoicing parameters',
        description:
          'Replaces every parameter. Optimistic concurrency: If-Match with the ETag read (or `version` in the body); a stale one answers 409 SETTINGS_VERSION_CONFLICT. Without either, the last write wins. 422 UNKNOWN_USER_CLASS for an unknown notification class.',
        operationId: 'fe-active.putFeAttivaSettings',
        headers: IfMatchSchema,
        body: SettingsBodySchema,
        response: { 200: SettingsViewSchema, ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const studioId = authenticatedUser(request).studio
      const { version: bodyVersion, ...values } = request.body
      if (values.notificationUserClass !== null && !userClasses.some((item) => item.code === values.notificationUserClass)) {
        throw new AppError(SettingsErrorCodes.UnknownUserClass, 422, `No user class has the code ${values.notificationUserClass}`, {
          errors: [{ path: '/notificationUserClass', message: 'unknown user class', code: SettingsErrorCodes.UnknownUserClass }],
        })
      }
      const expected = expectedVersion(request.headers['if-match'], bodyVersion)
      const em = app.orm.em.fork()
      const saved = await em
        .transactional(async (tx) => {
          const row = await tx.findOne(StudioSettings, { studioId })
          const current = row?.version ?? 0
          if (expected !== undefined && expected !== current) throw stale()
          const next: StudioSettingsValues & { updatedAt: Date } = { ...values, updatedAt: new Date() }
          if (row === null) return tx.create(StudioSettings, { studioId, ...next, version: 1 })
          tx.assign(row, next)
          return row
        })
        .catch((error: unknown) => {
          if (error instanceof OptimisticLockError || error instanceof UniqueConstraintViolationException) throw stale()
          throw error
        })
      const view = viewOf(saved)
      reply.header('etag', `"${view.version}"`)
      return view
    },
  )

  app.get(
    '/settings/fe-attiva/user-classes',
    {
      preHandler: canManage,
      schema: {
        tags: ['settings'],
        summary: 'User classes that can be notified',
        description: 'The user classes of the platform, with the codes used by notificationUserClass.',
        operationId: 'fe-active.listNotificationUserClasses',
        response: {
          200: Type.Object(
            { items: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })) },
            {
              examples: [
                {
                  items: [
                    { code: 'amministratori-fattura-elettronica', name: 'Amministratori Fattura Elettronica' },
                    { code: 'operatori-fatture-attive', name: 'Operatori Fatture Attive' },
                  ],
                },
              ],
            },
          ),
          ...problemResponses(401, 403),
        },
      },
    },
    async () => ({ items: userClasses.map((item) => ({ code: item.code, name: item.name })) }),
  )
}
