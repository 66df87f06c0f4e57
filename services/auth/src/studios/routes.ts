import { timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AppError, ErrorCodes, problemResponses, setAuditSubject } from '@fatturapa-hub/shared'
import Type from 'typebox'
import { localUsernamePattern } from '../users/username.js'
import { provisionStudio } from './provision.js'

// At most 11 characters: the APIREST user `APIREST_<code>@<code>` (9 + 2 × length) must leave a system password of at
// least 8 characters within the seed's limit of 40 for user name plus password.
const studioCodePattern = localUsernamePattern.replace('{0,49}', '{1,10}')

const ProvisionStudioBody = Type.Object(
  {
    code: Type.String({ pattern: studioCodePattern, description: 'Instance code; user names end in @<code>.' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.String({ format: 'email', maxLength: 320, description: 'Receives the credentials and the contract confirmations.' }),
    company: Type.Object({
      denominazione: Type.String({ minLength: 1, maxLength: 200 }),
      partitaIva: Type.String({ pattern: '^[0-9]{11}$' }),
      codiceFiscale: Type.Optional(Type.String({ pattern: '^([0-9]{11}|[A-Za-z0-9]{16})$' })),
      pec: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
      codiceDestinatario: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{7}$' })),
    }),
  },
  {
    examples: [
      {
        code: 'wt00000',
        name: 'Studio Rossi Commercialisti',
        email: 'amministrazione@studiorossi.example',
        company: {
          denominazione: 'Studio Rossi S.r.l.',
          partitaIva: '01234567897',
          pec: 'studiorossi@pec.example',
          codiceDestinatario: 'KRRH6B9',
        },
      },
    ],
  },
)

const ProvisionedStudioResponse = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    code: Type.String(),
    name: Type.String(),
    companyClientId: Type.String({ format: 'uuid' }),
    users: Type.Object({ admin: Type.String(), operator: Type.String(), integration: Type.String() }),
    credentialsEmailSent: Type.Boolean({ description: 'The passwords travel only in that e-mail.' }),
  },
  {
    examples: [
      {
        id: '5b0c2a4e-7d1f-4c36-9a51-0e2f8c3d9b17',
        code: 'wt00000',
        name: 'Studio Rossi Commercialisti',
        companyClientId: '9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a',
        users: { admin: 'ADM@wt00000', operator: 'OPERATORE@wt00000', integration: 'APIREST_wt00000@wt00000' },
        credentialsEmailSent: true,
      },
    ],
  },
)

/** Activation of a new studio by the platform operator, authenticated by the provisioning key, not by a user. */
export const provisioningRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/provisioning/studios',
    {
      config: { public: true },
      schema: {
        tags: ['studios'],
        summary: 'Activate a studio (platform operator)',
        description:
          'Creates the studio, its company as client 1, the users ADM@<code>, OPERATORE@<code> and APIREST_<code>@<code> with system passwords, and e-mails the credentials. Requires the X-Provisioning-Key header.',
        operationId: 'auth.provisionStudio',
        headers: Type.Object({ 'x-provisioning-key': Type.Optional(Type.String()) }),
        body: ProvisionStudioBody,
        response: { 201: ProvisionedStudioResponse, ...problemResponses(400, 401, 409, 422) },
      },
    },
    async (request, reply) => {
      const { config, mailer } = app.authRuntime
      // Audited whatever the outcome: a failed key is an attempt on the platform operator's credential.
      setAuditSubject(request, { actor: { kind: 'system', username: 'provisioning' }, resource: { type: 'studios' } })
      if (!keyMatches(config.PROVISIONING_KEY, request.headers['x-provisioning-key'])) {
        throw new AppError(
          ErrorCodes.Unauthorized,
          401,
          'A valid X-Provisioning-Key is required (and PROVISIONING_KEY must be configured).',
        )
      }
      const body = request.body
      const result = await provisionStudio(app.orm.em, config, mailer, body)
      setAuditSubject(request, { studioId: result.studio.id, resource: { type: 'studios', id: result.studio.id } })
      reply.code(201)
      return {
        id: result.studio.id,
        code: result.studio.code,
        name: result.studio.name,
        companyClientId: result.company.id,
        users: {
          admin: result.users.admin.username,
          operator: result.users.operator.username,
          integration: result.users.integration.username,
        },
        credentialsEmailSent: result.mailSent,
      }
    },
  )
}

function keyMatches(expected: string | undefined, presented: string | string[] | undefined): boolean {
  if (expected === undefined || typeof presented !== 'string') return false
  const a = Buffer.from(expected)
  const b = Buffer.from(presented)
  return a.length === b.length && timingSafeEqual(a, b)
}
