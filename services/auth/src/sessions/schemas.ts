import { UserKindSchema } from '@fatturapa-hub/shared'
import Type, { type Static } from 'typebox'
import { PasswordRulesSchema } from '../passwords/index.js'
import { clientCertificateHeader } from './client-certificate.js'

const exampleAccessToken = 'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6Ims...'
const exampleRefreshToken = 'm3Vb2bH2wq2m0xqvM2m8H3Jb7lqGmQ2f7m8Z9sTq1aA'

export const SignInBodySchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 100, description: 'As in the credentials e-mail; case does not matter.' }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false, examples: [{ username: 'ADM@wt00000', password: 'Studio.Rossi.2026' }] },
)
export type SignInBody = Static<typeof SignInBodySchema>

export const TokenBodySchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 100, description: 'The APIREST user, `APIREST_<code>@<code>`.' }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false, examples: [{ username: 'APIREST_wt00000@wt00000', password: 'k7Qp.x2Rm9vT-aZe' }] },
)

export const ClientCertificateHeadersSchema = Type.Object({
  [clientCertificateHeader]: Type.Optional(
    Type.String({
      description:
        'Set by the gateway in mutual-TLS mode: the TLS client certificate as encodeURIComponent(PEM). Required for APIREST users when CLIENT_CERTIFICATE_REQUIRED is on.',
    }),
  ),
})

export const RefreshTokenBodySchema = Type.Object(
  { refreshToken: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false, examples: [{ refreshToken: exampleRefreshToken }] },
)
export type RefreshTokenBody = Static<typeof RefreshTokenBodySchema>

export const PasswordChangeBodySchema = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 200 }),
    newPassword: Type.String({ minLength: 1, maxLength: 200, description: 'Must satisfy GET /password-policy.' }),
  },
  { additionalProperties: false, examples: [{ currentPassword: 'q8Wz.4mKp2LxV-7r', newPassword: 'Studio.Rossi.2026' }] },
)
export type PasswordChangeBody = Static<typeof PasswordChangeBodySchema>

export const SessionWarningSchema = Type.Object(
  {
    code: Type.Literal('PASSWORD_EXPIRING'),
    message: Type.String(),
    daysLeft: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false, description: 'Something the portal shows after sign-in without blocking it.' },
)

export const SessionSchema = Type.Object(
  {
    accessToken: Type.String({ description: 'ES256 JWT for `Authorization: Bearer`; public keys at /.well-known/jwks.json.' }),
    tokenType: Type.Literal('Bearer'),
    expiresIn: Type.Integer({ description: 'Seconds the access token stays valid.' }),
    refreshToken: Type.String({ description: 'Single use: POST /sessions/refresh returns its successor.' }),
    refreshTokenExpiresAt: Type.String({ format: 'date-time' }),
    mustChangePassword: Type.Boolean({
      description: 'The access token only allows POST /sessions/password and GET /sessions/me until the password is changed.',
    }),
    contractsPending: Type.Boolean({ description: 'The current contracts must be accepted before using the service.' }),
    passwordExpiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When the password stops being valid; null when it never expires.',
    }),
    warnings: Type.Array(SessionWarningSchema),
  },
  {
    additionalProperties: false,
    examples: [
      {
        accessToken: exampleAccessToken,
        tokenType: 'Bearer',
        expiresIn: 900,
        refreshToken: exampleRefreshToken,
        refreshTokenExpiresAt: '2026-12-31T10:00:00.000Z',
        mustChangePassword: false,
        contractsPending: false,
        passwordExpiresAt: '2026-12-11T10:00:00.000Z',
        warnings: [
          {
            code: 'PASSWORD_EXPIRING',
            message: 'The password expires in 3 days; change it to keep signing in without interruption.',
            daysLeft: 3,
          },
        ],
      },
    ],
  },
)

export const ProfileSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    username: Type.String(),
    description: Type.String(),
    email: Type.Union([Type.String(), Type.Null()]),
    kind: UserKindSchema,
    studioId: Type.String({ format: 'uuid' }),
    classes: Type.Array(Type.String(), { description: 'Codes of the linked user classes.' }),
    permissions: Type.Array(Type.String()),
    menu: Type.Array(Type.String(), { description: 'Portal menu entries the classes enable ("anteprima menu classi collegate").' }),
    passwordExpiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    mustChangePassword: Type.Boolean(),
    contractsPending: Type.Boolean(),
    lastLoginAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  {
    additionalProperties: false,
    examples: [
      {
        id: '0b7f4a7e-3d3c-4a53-9a1b-2f1e0d6c5b4a',
        username: 'OPERATORE@wt00000',
        description: 'Operatore',
        email: 'studio@wt00000.example',
        kind: 'operator',
        studioId: '6f0c1f9e-2a5b-4c8d-9e7f-1a2b3c4d5e6f',
        classes: ['operatori-gestione-clienti'],
        permissions: ['studio.clients.manage', 'studio.clients.read'],
        menu: ['Studio > Gestione clienti'],
        passwordExpiresAt: '2027-03-01T09:00:00.000Z',
        mustChangePassword: false,
        contractsPending: false,
        lastLoginAt: '2026-12-01T09:00:00.000Z',
      },
    ],
  },
)

export const PasswordPolicySchema = Type.Object(
  { rules: PasswordRulesSchema },
  {
    additionalProperties: false,
    examples: [
      {
        rules: [
          { code: 'PASSWORD_TOO_SHORT', description: 'The password must be at least 8 characters long.', limit: 8 },
          {
            code: 'PASSWORD_FORBIDDEN_CHARACTER',
            description: 'The password must not contain these characters: @ :',
            characters: ['@', ':'],
          },
        ],
      },
    ],
  },
)

export const NoContentSchema = Type.Null({ description: 'No content.' })
