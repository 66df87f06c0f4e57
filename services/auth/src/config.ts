import { MailConfigFields, serviceConfigSchema } from '@fatturapa-hub/shared'
import Type, { type Static } from 'typebox'

export const ConfigSchema = serviceConfigSchema('auth', {
  ...MailConfigFields,
  AUTH_SECRET: Type.String({
    minLength: 32,
    description:
      'Secret that encrypts the token signing keys and the client CA key at rest (at least 32 characters; `pnpm start` generates one in the data folder).',
  }),
  PROVISIONING_KEY: Type.Optional(
    Type.String({
      minLength: 32,
      description:
        'Key of the platform operator for `POST /provisioning/studios` (header X-Provisioning-Key); when unset, provisioning over HTTP is refused.',
    }),
  ),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ default: 900, minimum: 60, maximum: 3600, description: 'Lifetime of access tokens.' }),
  REFRESH_TOKEN_TTL_DAYS: Type.Integer({ default: 30, minimum: 1, maximum: 365, description: 'Lifetime of a sign-in session.' }),
  LOGIN_RATE_LIMIT_PER_MINUTE: Type.Integer({
    default: 10,
    minimum: 1,
    description: 'Sign-in and token requests allowed per client IP and minute, on top of the lockout after three wrong passwords.',
  }),
  CLIENT_CERTIFICATE_REQUIRED: Type.Boolean({
    default: false,
    description:
      'Integration (APIREST) users obtain tokens only with a valid, unrevoked client certificate of their VAT number, forwarded by the gateway in mutual-TLS mode.',
  }),
  CLIENT_CERTIFICATE_VALIDITY_DAYS: Type.Integer({
    default: 730,
    minimum: 1,
    maximum: 825,
    description: 'Validity of issued client certificates.',
  }),
  DEFAULT_PASSWORD_VALIDITY_DAYS: Type.Integer({
    default: 90,
    minimum: 0,
    description: 'Password validity of new users, in days (0: never expires); each user can be changed.',
  }),
  DEFAULT_PASSWORD_WARNING_DAYS: Type.Integer({
    default: 10,
    minimum: 0,
    description: 'Days before the password expiry from which sign-in warns, for new users.',
  }),
  DEFAULT_MAX_DAYS_WITHOUT_LOGIN: Type.Integer({
    default: 180,
    minimum: 0,
    description: 'New users not signing in for this many days are disabled (0: never).',
  }),
  PORTAL_URL: Type.String({ default: 'http://127.0.0.1:3000', description: 'Address of the platform named in e-mails to users.' }),
})
export type Config = Static<typeof ConfigSchema>
