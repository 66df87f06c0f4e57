import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { problemResponses } from '@fatturapa-hub/shared'
import type { Static } from 'typebox'
import { passwordRules } from '../passwords/index.js'
import { auditRefreshRefusal, auditSignInAttempt, auditSignInSubject } from './audit-subject.js'
import { clientCertificateHeader } from './client-certificate.js'
import { changePassword } from './password-change.js'
import { profileOf } from './profile.js'
import { loginRateLimit, registerLoginRateLimit } from './rate-limit.js'
import { endSession, refreshSession } from './refresh.js'
import {
  ClientCertificateHeadersSchema,
  NoContentSchema,
  PasswordChangeBodySchema,
  PasswordPolicySchema,
  ProfileSchema,
  RefreshTokenBodySchema,
  SessionSchema,
  SignInBodySchema,
  TokenBodySchema,
} from './schemas.js'
import { signIn } from './sign-in.js'

const lockoutRules =
  'Three consecutive wrong passwords disable the user (reason `failed-logins`, with the time and IP recorded) and only the administrator (ADM) can reactivate it: ' +
  'the first two answer 401 `INVALID_CREDENTIALS` with `attemptsLeft`, the third 403 `USER_DISABLED`. An unknown user name is 401 `INVALID_CREDENTIALS` too. ' +
  'A disabled user gets 403 `USER_DISABLED` before the password is checked, and the attempt is not counted.'

const accountRules =
  'After a correct password: a user not active ("Non attivo") gets 403 `USER_INACTIVE`; one past its expiry date (Europe/Rome day) 403 `USER_EXPIRED`; ' +
  'one that did not sign in for more than its maximum days without login (counted from the latest sign-in, reactivation or creation) is disabled for inactivity, 403 `USER_DISABLED`. ' +
  'Success resets the wrong-password count and records the time and IP of the access.'

const rateLimitRule = (max: number) => `At most ${max} requests per minute per client IP: then 429 \`RATE_LIMITED\`.`

const passwordPolicyRules: Static<typeof PasswordPolicySchema>['rules'] = passwordRules.map(({ characters, ...rule }) => ({
  ...rule,
  ...(characters ? { characters: [...characters] } : {}),
}))

export const sessionsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const runtime = app.authRuntime
  const { config } = runtime
  await registerLoginRateLimit(app, config)

  app.post(
    '/sessions',
    {
      config: { public: true, rateLimit: loginRateLimit(config) },
      schema: {
        tags: ['sessions'],
        summary: 'Sign in to the portal',
        description:
          `Portal sign-in of administrators and operators; APIREST integration users get 403 \`PORTAL_LOGIN_NOT_ALLOWED\` (they use POST /sessions/token). ${lockoutRules} ${accountRules} ` +
          'With a system password ("password d\'ufficio") or an expired one the session has `mustChangePassword: true` and its access token only allows POST /sessions/password and GET /sessions/me (other routes answer 403 `PASSWORD_CHANGE_REQUIRED`). ' +
          `Inside the warning window before the password expiry, \`warnings\` holds a \`PASSWORD_EXPIRING\` entry with the days left. ${rateLimitRule(config.LOGIN_RATE_LIMIT_PER_MINUTE)}`,
        operationId: 'auth.signIn',
        body: SignInBodySchema,
        response: { 200: SessionSchema, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      auditSignInAttempt(request, request.body.username)
      return signIn(app.orm.em, runtime, { channel: 'portal', ...request.body, ip: request.ip, onUserFound: auditSignInSubject(request) })
    },
  )

  app.post(
    '/sessions/token',
    {
      config: { public: true, rateLimit: loginRateLimit(config) },
      schema: {
        tags: ['sessions'],
        summary: 'Obtain tokens for an APIREST integration user',
        description:
          `Sign-in of the APIREST integration user of the ERP software; administrators and operators get 403 \`INTEGRATION_USER_REQUIRED\` after a correct password. ${lockoutRules} ${accountRules} ` +
          `When the service runs with CLIENT_CERTIFICATE_REQUIRED, the gateway forwards the TLS client certificate in \`${clientCertificateHeader}\` and, after the password, it must be issued by the platform CA for the VAT number of the user's client and not revoked: ` +
          'missing, unreadable, untrusted, expired or revoked certificates answer 401 (`CERTIFICATE_MISSING`, `CERTIFICATE_MALFORMED`, `CERTIFICATE_UNTRUSTED`, `CERTIFICATE_NOT_CLIENT_AUTH`, `CERTIFICATE_EXPIRED`, `CERTIFICATE_REVOKED`), ' +
          `a certificate of another VAT number 403 \`CERTIFICATE_VAT_MISMATCH\`. The answer has the same shape as POST /sessions. ${rateLimitRule(config.LOGIN_RATE_LIMIT_PER_MINUTE)}`,
        operationId: 'auth.issueIntegrationToken',
        headers: ClientCertificateHeadersSchema,
        body: TokenBodySchema,
        response: { 200: SessionSchema, ...problemResponses(400, 401, 403, 409, 429) },
      },
    },
    async (request) => {
      auditSignInAttempt(request, request.body.username)
      return signIn(app.orm.em, runtime, {
        channel: 'integration',
        ...request.body,
        ip: request.ip,
        clientCertificate: request.headers[clientCertificateHeader],
        onUserFound: auditSignInSubject(request),
      })
    },
  )

  app.post(
    '/sessions/refresh',
    {
      config: { public: true },
      schema: {
        tags: ['sessions'],
        summary: 'Refresh the access token',
        description:
          'Exchanges a refresh token for a new access token and its successor refresh token; the one presented is consumed. ' +
          'The access token is built from the user as stored now (permissions, password and contract state), never copied from the old token. ' +
          'Presenting a consumed refresh token again revokes the whole session (reuse of a stolen token). ' +
          'Unknown, revoked, reused or expired tokens, and users meanwhile disabled, deactivated or expired, answer 401 `UNAUTHORIZED`, and the session ends. ' +
          `In client-certificate mode APIREST users must present their certificate in \`${clientCertificateHeader}\` here too (same codes as POST /sessions/token).`,
        operationId: 'auth.refreshSession',
        headers: ClientCertificateHeadersSchema,
        body: RefreshTokenBodySchema,
        response: { 200: SessionSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) =>
      auditRefreshRefusal(request, () =>
        refreshSession(app.orm.em, runtime, request.body.refreshToken, {
          clientCertificate: request.headers[clientCertificateHeader],
          ip: request.ip,
          onUserFound: auditSignInSubject(request),
        }),
      ),
  )

  app.post(
    '/sessions/logout',
    {
      config: { public: true },
      schema: {
        tags: ['sessions'],
        summary: 'Sign out',
        description:
          'Revokes the session the refresh token belongs to (every refresh token rotated from the same sign-in). Always 204, also for unknown tokens. ' +
          'Access tokens already issued stay valid until they expire (ACCESS_TOKEN_TTL_SECONDS).',
        operationId: 'auth.signOut',
        body: RefreshTokenBodySchema,
        response: { 204: NoContentSchema, ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      await endSession(runtime, request.body.refreshToken)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/sessions/password',
    {
      config: { allowPasswordChange: true, allowContractsPending: true },
      schema: {
        tags: ['sessions'],
        summary: 'Change the password',
        description:
          'Changes the password of the signed-in administrator or operator: mandatory at the first sign-in and after the password expired, possible at any time. ' +
          'APIREST users get 403 `PORTAL_LOGIN_NOT_ALLOWED` (their password stays the system one). ' +
          'A wrong current password counts towards the lockout like a wrong sign-in (401 `INVALID_CREDENTIALS` with `attemptsLeft`, the third 403 `USER_DISABLED`). ' +
          'A new password breaking the policy answers 422 `PASSWORD_POLICY_VIOLATION` listing every broken rule in `errors` (see GET /password-policy); one equal to the current password 422 `PASSWORD_REUSED`. ' +
          'On success every session of the user ends and a new one is returned; its `contractsPending` tells whether contracts must be accepted next.',
        operationId: 'auth.changePassword',
        body: PasswordChangeBodySchema,
        response: { 200: SessionSchema, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request) =>
      changePassword(app.orm.em, runtime, {
        userId: request.user.sub,
        currentPassword: request.body.currentPassword,
        newPassword: request.body.newPassword,
        ip: request.ip,
      }),
  )

  app.get(
    '/sessions/me',
    {
      config: { allowPasswordChange: true, allowContractsPending: true },
      schema: {
        tags: ['sessions'],
        summary: 'The signed-in user',
        description:
          'Profile of the user of the access token as stored now: user classes with the permissions and portal menu entries they grant, password expiry, and whether a password change or contract acceptance is pending. ' +
          'Reachable also while the password must be changed or contracts are pending.',
        operationId: 'auth.getCurrentUser',
        response: { 200: ProfileSchema, ...problemResponses(401) },
      },
    },
    async (request) => profileOf(app.orm.em, request.user.sub),
  )

  app.get(
    '/password-policy',
    {
      config: { public: true },
      schema: {
        tags: ['sessions'],
        summary: 'The password policy',
        description:
          'The rules a new password must satisfy, with the stable codes POST /sessions/password reports in `errors` when a password breaks them.',
        operationId: 'auth.getPasswordPolicy',
        response: { 200: PasswordPolicySchema },
      },
    },
    async () => ({ rules: passwordPolicyRules }),
  )
}
