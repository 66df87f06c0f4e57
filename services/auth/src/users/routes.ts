import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { effectivePermissions, Permissions, problemResponses, requirePermission, userClasses } from '@fatturapa-hub/shared'
import type { FastifyRequest } from 'fastify'
import { activateUser, createStudioUser, deactivateUser, type UserManagementContext, updateStudioUser } from './manage-users.js'
import { reactivateUser, reactivateUserWithReset, resetUserPassword } from './reactivate-user.js'
import {
  CreatedUserSchema,
  CreateUserBody,
  DisabledUserListQuery,
  DisabledUserListSchema,
  ReactivatedUserSchema,
  UpdateUserBody,
  UserClassListSchema,
  UserIdParams,
  UserListQuery,
  UserListSchema,
  UserPermissionsSchema,
  UserSchema,
} from './schemas.js'
import { findStudioUser, listStudioUsers } from './studio-users.js'
import { toDisabledUserView, toUserView } from './user-view.js'

const tags = ['users']
const canRead = requirePermission(Permissions.UsersRead)
const canManage = requirePermission(Permissions.UsersManage)
const canReactivate = requirePermission(Permissions.UsersReactivate)

/** Operators and integration users of the signed-in user's studio ("Gestione operatori", "Riabilitazione Utenti"). */
export const usersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const context = (request: FastifyRequest): UserManagementContext => {
    const { config, mailer, refreshTokens } = app.authRuntime
    return { em: app.orm.em, config, mailer, refreshTokens, actor: request.user, ip: request.ip, log: request.log, now: new Date() }
  }

  app.get(
    '/user-classes',
    {
      schema: {
        tags,
        summary: 'List the user classes',
        description:
          'The catalogue of user classes ("classi utente collegabili") with the permissions and the portal menu entries each one grants.',
        operationId: 'auth.listUserClasses',
        response: { 200: UserClassListSchema, ...problemResponses(401, 403) },
      },
    },
    async () => ({
      items: userClasses.map((userClass) => ({
        code: userClass.code,
        name: userClass.name,
        description: userClass.description,
        permissions: [...userClass.permissions],
        menu: [...userClass.menu],
      })),
    }),
  )

  app.get(
    '/users',
    {
      preHandler: canRead,
      schema: {
        tags,
        summary: 'List the users of the studio',
        description: 'Users of the signed-in user’s studio, ordered by user name, filtered and paginated.',
        operationId: 'auth.listUsers',
        querystring: UserListQuery,
        response: { 200: UserListSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const query = request.query
      const [users, total] = await listStudioUsers(app.orm.em, request.user.studio, query)
      return { items: users.map(toUserView), total, limit: query.limit, offset: query.offset }
    },
  )

  app.get(
    '/users/disabled',
    {
      preHandler: canReactivate,
      schema: {
        tags,
        summary: 'List the disabled users',
        description:
          '"Elenco Utenti Disattivati" of "Riabilitazione Utenti": users disabled after three wrong passwords, for inactivity or by the administrator, with the IP address that caused it.',
        operationId: 'auth.listDisabledUsers',
        querystring: DisabledUserListQuery,
        response: { 200: DisabledUserListSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const query = request.query
      const [users, total] = await listStudioUsers(app.orm.em, request.user.studio, { ...query, disabled: true })
      return { items: users.map(toDisabledUserView), total, limit: query.limit, offset: query.offset }
    },
  )

  app.get(
    '/users/:id',
    {
      preHandler: canRead,
      schema: {
        tags,
        summary: 'Read a user',
        description: 'A user of the studio; 404 for an id of another studio.',
        operationId: 'auth.getUser',
        params: UserIdParams,
        response: { 200: UserSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => toUserView(await findStudioUser(app.orm.em, request.user.studio, request.params.id)),
  )

  app.get(
    '/users/:id/permissions',
    {
      preHandler: canRead,
      schema: {
        tags,
        summary: 'Effective permissions of a user',
        description:
          'The permissions granted by the user’s classes and the portal menu they enable ("Anteprima Menu Classi Collegate"). The administrator holds every permission.',
        operationId: 'auth.getUserPermissions',
        params: UserIdParams,
        response: { 200: UserPermissionsSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const user = await findStudioUser(app.orm.em, request.user.studio, request.params.id)
      const effective = effectivePermissions(user.kind, user.classes)
      const linked = user.kind === 'admin' ? userClasses : userClasses.filter((userClass) => user.classes.includes(userClass.code))
      return {
        userId: user.id,
        kind: user.kind,
        classes: linked.map((userClass) => ({ code: userClass.code, name: userClass.name })),
        permissions: effective.permissions,
        menu: effective.menu,
      }
    },
  )

  app.post(
    '/users',
    {
      preHandler: canManage,
      schema: {
        tags,
        summary: 'Create an operator or an integration user',
        description:
          '"Creazione Operatore": the user name gets the `@<studio code>` suffix. Operators are created not active ("Non attivo") until activated; integration (APIREST) users are active and act for a client of the studio with a VAT number. With a system password ("password d\'ufficio", the default) the credentials are e-mailed to the user, or to the studio when the user has no e-mail, and must be changed at first access. Administrators cannot be created here. A manager who is not the administrator can link only classes whose permissions they hold.',
        operationId: 'auth.createUser',
        body: CreateUserBody,
        response: { 201: CreatedUserSchema, ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const created = await createStudioUser(context(request), request.body)
      reply.code(201)
      return { user: toUserView(created.user), credentialsEmailSent: created.credentialsEmailSent }
    },
  )

  app.patch(
    '/users/:id',
    {
      preHandler: canManage,
      schema: {
        tags,
        summary: 'Change a user',
        description:
          'Changes the given fields. With `version`, answers 409 VERSION_CONFLICT if the user changed since it was read. The administrator’s classes cannot be changed, and only the administrator can change the administrator user. Permissions in tokens already issued change at the next token refresh.',
        operationId: 'auth.updateUser',
        params: UserIdParams,
        body: UpdateUserBody,
        response: { 200: UserSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const ctx = context(request)
      const user = await findStudioUser(ctx.em, request.user.studio, request.params.id)
      return toUserView(await updateStudioUser(ctx, user, request.body))
    },
  )

  app.post(
    '/users/:id/activate',
    {
      preHandler: canManage,
      schema: {
        tags,
        summary: 'Activate a user',
        description:
          'Makes a new ("Non attivo") operator usable. Does not lift a disabling: that is POST /users/{id}/reactivate. Activating an active user changes nothing.',
        operationId: 'auth.activateUser',
        params: UserIdParams,
        response: { 200: UserSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const ctx = context(request)
      return toUserView(await activateUser(ctx, await findStudioUser(ctx.em, request.user.studio, request.params.id)))
    },
  )

  app.post(
    '/users/:id/deactivate',
    {
      preHandler: canManage,
      schema: {
        tags,
        summary: 'Deactivate a user',
        description:
          'Disables the user (reason `administrator`, with the caller’s IP address) and revokes their refresh tokens; access tokens already issued expire on their own within minutes. The user then appears among the disabled users until reactivated. Nobody can deactivate themselves or the administrator.',
        operationId: 'auth.deactivateUser',
        params: UserIdParams,
        response: { 200: UserSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const ctx = context(request)
      return toUserView(await deactivateUser(ctx, await findStudioUser(ctx.em, request.user.studio, request.params.id)))
    },
  )

  app.post(
    '/users/:id/reactivate',
    {
      preHandler: canReactivate,
      schema: {
        tags,
        summary: 'Reactivate a disabled user',
        description:
          '"Riattiva utente": lifts the disabling, resets the wrong-password count and restarts the inactivity period, then e-mails the user (or the studio) that the account is active again. Passwords are stored only as hashes, so unlike the legacy product the e-mail cannot contain the password: the user keeps the one they had (use reactivate-with-reset if it is forgotten). The change is committed before the e-mail; `emailSent: false` reports a failed e-mail.',
        operationId: 'auth.reactivateUser',
        params: UserIdParams,
        response: { 200: ReactivatedUserSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const ctx = context(request)
      const result = await reactivateUser(ctx, await findStudioUser(ctx.em, request.user.studio, request.params.id))
      return { user: toUserView(result.user), emailSent: result.emailSent }
    },
  )

  app.post(
    '/users/:id/reactivate-with-reset',
    {
      preHandler: canReactivate,
      schema: {
        tags,
        summary: 'Reactivate a disabled user with a new password',
        description:
          '"Riattiva con Reset Password": lifts the disabling like reactivate, assigns a new system password (to be changed at the first access, except for integration users), ends the user’s sessions and e-mails the temporary password to the user (or the studio). The change is committed before the e-mail; `emailSent: false` reports a failed e-mail.',
        operationId: 'auth.reactivateUserWithReset',
        params: UserIdParams,
        response: { 200: ReactivatedUserSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const ctx = context(request)
      const result = await reactivateUserWithReset(ctx, await findStudioUser(ctx.em, request.user.studio, request.params.id))
      return { user: toUserView(result.user), emailSent: result.emailSent }
    },
  )

  app.post(
    '/users/:id/password-reset',
    {
      preHandler: canReactivate,
      schema: {
        tags,
        summary: 'Give a user a new system password',
        description:
          'For a user who is not disabled and forgot the password, or whose reset e-mail did not arrive: assigns a new system password (to be changed at the first access, except for integration users), ends the user’s sessions and e-mails the password to the user (or the studio). A disabled user answers 409 `USER_DISABLED` (use reactivate-with-reset); only the administrator resets the administrator (403 `ADMIN_ACCOUNT_PROTECTED`). `emailSent: false` reports a failed e-mail; call again.',
        operationId: 'auth.resetUserPassword',
        params: UserIdParams,
        response: { 200: ReactivatedUserSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const ctx = context(request)
      const result = await resetUserPassword(ctx, await findStudioUser(ctx.em, request.user.studio, request.params.id))
      return { user: toUserView(result.user), emailSent: result.emailSent }
    },
  )
}
