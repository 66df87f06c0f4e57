// Real: PostgreSQL, Redis and an SMTP server (smtp-server) on loopback. Nothing is mocked.

import { Permissions } from '@fatturapa-hub/shared'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { verifyPassword } from '../../src/passwords/index.js'
import { issueSession } from '../../src/sessions/issue-session.js'
import { User } from '../../src/users/user.entity.js'
import { type AuthTest, startAuthTest } from '../support/auth-test.js'
import { adminToken, call, passwordIn, refreshTokenRows } from './users-test-support.js'

const code = 'um001'

describe('user management', () => {
  let auth: AuthTest
  let admin: string
  let companyClientId: string
  beforeAll(async () => {
    auth = await startAuthTest()
    const provisioned = await auth.provision(code)
    companyClientId = provisioned.company.id
    admin = await adminToken(auth, code)
  })
  afterAll(async () => auth?.close())

  describe('OpenAPI', () => {
    it('should document every user route under the users tag', async () => {
      const response = await auth.service.app.inject({ method: 'GET', url: '/openapi.json' })
      const paths = response.json().paths as Record<string, Record<string, { operationId: string; tags: string[] }>>
      const operations = Object.values(paths)
        .flatMap((methods) => Object.values(methods))
        .filter((operation) => operation.tags?.includes('users'))
        .map((operation) => operation.operationId)
      expect(operations.sort()).toEqual([
        'auth.activateUser',
        'auth.createUser',
        'auth.deactivateUser',
        'auth.getUser',
        'auth.getUserPermissions',
        'auth.listDisabledUsers',
        'auth.listUserClasses',
        'auth.listUsers',
        'auth.reactivateUser',
        'auth.reactivateUserWithReset',
        'auth.resetUserPassword',
        'auth.updateUser',
      ])
      expect(JSON.stringify(paths['/users/{id}'])).not.toContain('passwordHash')
    })
  })

  describe('GET /user-classes', () => {
    it('should list the catalogue with permissions and menu entries', async () => {
      const { status, body } = await call(auth, admin, 'GET', '/user-classes')
      expect(status).toBe(200)
      expect(body.items).toContainEqual(
        expect.objectContaining({
          code: 'amministratori-gestione-clienti',
          name: 'Amministratori Gestione Clienti',
          permissions: expect.arrayContaining([Permissions.UsersManage]),
          menu: expect.arrayContaining(['Studio > Riabilitazione Utenti']),
        }),
      )
    })
  })

  describe('POST /users', () => {
    let created: { id: string; version: number }

    it('should create an inactive operator and e-mail working credentials', async () => {
      const { status, body } = await call(auth, admin, 'POST', '/users', {
        username: 'MROSSI',
        kind: 'operator',
        description: 'Mario Rossi',
        email: 'mario.rossi@um001.example',
        classes: ['operatori-fatture-ricevute'],
        notifyB2bReceived: true,
        expiresOn: '2099-12-31',
        passwordValidityDays: 60,
        passwordWarningDays: 5,
        maxDaysWithoutLogin: 90,
      })
      expect(status).toBe(201)
      expect(body.credentialsEmailSent).toBe(true)
      expect(body.user).toMatchObject({
        username: `MROSSI@${code}`,
        kind: 'operator',
        active: false,
        disabled: false,
        classes: ['operatori-fatture-ricevute'],
        notifyB2bReceived: true,
        passwordIsSystem: true,
        expiresOn: '2099-12-31',
        passwordValidityDays: 60,
        passwordWarningDays: 5,
        maxDaysWithoutLogin: 90,
      })
      expect(body.user.passwordHash).toBeUndefined()
      created = body.user

      const mail = await auth.smtp.waitFor((message) => message.to.includes('mario.rossi@um001.example'))
      expect(mail.subject).toBe('Credenziali del nuovo utente di fatturapa-hub')
      expect(mail.text).toContain('Gentile Mario Rossi,')
      expect(mail.text).toContain(`Utente: MROSSI@${code}`)
      expect(mail.text).toMatch(/il \d{2}\/\d{2}\/\d{4} alle \d{2}:\d{2} \(ora italiana\)/)
      expect(mail.text).toContain('al primo accesso')
      const stored = await auth.findUser(`MROSSI@${code}`)
      expect(await verifyPassword(stored.passwordHash, passwordIn(mail.text))).toBe(true)
      expect(await verifyPassword(stored.passwordHash, 'Abcde12$x')).toBe(false)
    })

    it('should activate the operator', async () => {
      const { status, body } = await call(auth, admin, 'POST', `/users/${created.id}/activate`)
      expect(status).toBe(200)
      expect(body.active).toBe(true)
      expect((await auth.findUser(`MROSSI@${code}`)).active).toBe(true)
    })

    it('should send the credentials of a user without e-mail to the studio', async () => {
      const { status, body } = await call(auth, admin, 'POST', '/users', {
        username: 'SENZAMAIL',
        kind: 'operator',
        description: 'Senza Mail',
        classes: [],
      })
      expect(status).toBe(201)
      expect(body.user.email).toBeNull()
      const mail = await auth.smtp.waitFor((message) => message.text.includes(`Utente: SENZAMAIL@${code}`))
      expect(mail.to).toEqual([`studio@${code}.example`])
    })

    it('should accept a chosen password without e-mailing it', async () => {
      const { status, body } = await call(auth, admin, 'POST', '/users', {
        username: 'SCELTA',
        kind: 'operator',
        description: 'Password scelta',
        classes: [],
        systemPassword: false,
        password: 'Zyxwv98;k',
      })
      expect(status).toBe(201)
      expect(body).toMatchObject({ credentialsEmailSent: false, user: { passwordIsSystem: false } })
      expect(await verifyPassword((await auth.findUser(`SCELTA@${code}`)).passwordHash, 'Zyxwv98;k')).toBe(true)
    })

    it('should list every policy violation of a chosen password with 422', async () => {
      const { status, body } = await call(auth, admin, 'POST', '/users', {
        username: 'DEBOLE',
        kind: 'operator',
        description: 'Password debole',
        classes: [],
        password: 'ab@1',
      })
      expect(status).toBe(422)
      expect(body.code).toBe('PASSWORD_POLICY_VIOLATION')
      expect(body.errors.map((error: { path: string; code: string }) => `${error.path} ${error.code}`).sort()).toEqual([
        '/password PASSWORD_FORBIDDEN_CHARACTER',
        '/password PASSWORD_SYMBOL_MISSING',
        '/password PASSWORD_TOO_FEW_DIGITS',
        '/password PASSWORD_TOO_FEW_LETTERS',
        '/password PASSWORD_TOO_SHORT',
      ])
      expect(await auth.service.orm.em.fork().count(User, { usernameKey: `debole@${code}` })).toBe(0)
    })

    it('should refuse unknown classes with 422', async () => {
      const { status, body } = await call(auth, admin, 'POST', '/users', {
        username: 'CLASSI',
        kind: 'operator',
        description: 'Classi sconosciute',
        classes: ['operatori-fatture-ricevute', 'sempre-in-tasca'],
      })
      expect(status).toBe(422)
      expect(body.errors).toEqual([expect.objectContaining({ path: '/classes', code: 'USER_CLASS_UNKNOWN' })])
    })

    it('should answer 409 USERNAME_TAKEN for a name in use, ignoring case', async () => {
      const { status, body } = await call(auth, admin, 'POST', '/users', {
        username: 'mrossi',
        kind: 'operator',
        description: 'Doppione',
        classes: [],
      })
      expect(status).toBe(409)
      expect(body.code).toBe('USERNAME_TAKEN')
    })

    it('should refuse an invalid user name, an expiry in the past and administrators', async () => {
      const base = { kind: 'operator', description: 'X', classes: [] }
      const invalid = await call(auth, admin, 'POST', '/users', { ...base, username: 'a@b' })
      expect(invalid.status).toBe(422)
      expect(invalid.body.errors).toEqual([expect.objectContaining({ code: 'USERNAME_INVALID' })])
      const past = await call(auth, admin, 'POST', '/users', { ...base, username: 'PASSATO', expiresOn: '2020-01-31' })
      expect(past.status).toBe(422)
      expect(past.body.errors).toEqual([expect.objectContaining({ path: '/expiresOn', code: 'EXPIRES_ON_IN_PAST' })])
      const badDate = await call(auth, admin, 'POST', '/users', { ...base, username: 'DATA', expiresOn: '2099-02-30' })
      expect(badDate.status).toBe(400)
      const adminKind = await call(auth, admin, 'POST', '/users', { ...base, username: 'ADM2', kind: 'admin' })
      expect(adminKind.status).toBe(400)
      expect(adminKind.body.code).toBe('VALIDATION_FAILED')
    })

    it('should create an active integration user for a client with a VAT number', async () => {
      const { status, body } = await call(auth, admin, 'POST', '/users', {
        username: 'APIREST_GEST',
        kind: 'integration',
        description: 'Gestionale',
        clientId: companyClientId,
        classes: ['operatori-fatture-attive'],
      })
      expect(status).toBe(201)
      expect(body.user).toMatchObject({
        kind: 'integration',
        active: true,
        clientId: companyClientId,
        passwordIsSystem: false,
        passwordValidityDays: 0,
        maxDaysWithoutLogin: 0,
      })
      const mail = await auth.smtp.waitFor((message) => message.text.includes(`Utente: APIREST_GEST@${code}`))
      expect(await verifyPassword((await auth.findUser(`APIREST_GEST@${code}`)).passwordHash, passwordIn(mail.text))).toBe(true)
    })

    it('should refuse an integration user without a valid client with 422 INTEGRATION_CLIENT_INVALID', async () => {
      const base = { username: 'APIREST_NO', kind: 'integration', description: 'X', classes: [] }
      for (const payload of [base, { ...base, clientId: '00000000-0000-4000-8000-000000000000' }]) {
        const { status, body } = await call(auth, admin, 'POST', '/users', payload)
        expect(status).toBe(422)
        expect(body.code).toBe('INTEGRATION_CLIENT_INVALID')
      }
      const fork = auth.service.orm.em.fork()
      await fork.getConnection().execute('update client set partita_iva = null where id = ?', [companyClientId])
      try {
        const { status, body } = await call(auth, admin, 'POST', '/users', { ...base, clientId: companyClientId })
        expect(status).toBe(422)
        expect(body.code).toBe('INTEGRATION_CLIENT_INVALID')
      } finally {
        await fork.getConnection().execute("update client set partita_iva = '01234567897' where id = ?", [companyClientId])
      }
    })
  })

  describe('GET /users and GET /users/:id', () => {
    it('should list, filter and paginate the studio users', async () => {
      const all = await call(auth, admin, 'GET', '/users')
      expect(all.status).toBe(200)
      const names = all.body.items.map((user: { username: string }) => user.username)
      expect(names).toEqual(expect.arrayContaining([`ADM@${code}`, `OPERATORE@${code}`, `MROSSI@${code}`, `APIREST_GEST@${code}`]))
      expect(all.body.total).toBe(all.body.items.length)
      expect(JSON.stringify(all.body)).not.toContain('argon2')

      const inactive = await call(auth, admin, 'GET', '/users?kind=operator&active=false')
      expect(inactive.body.items.map((user: { username: string }) => user.username).sort()).toEqual([`SCELTA@${code}`, `SENZAMAIL@${code}`])
      const integration = await call(auth, admin, 'GET', '/users?kind=integration')
      expect(integration.body.total).toBe(2)

      const page = await call(auth, admin, 'GET', '/users?limit=2&offset=1')
      expect(page.body).toMatchObject({ total: all.body.total, limit: 2, offset: 1 })
      expect(page.body.items.map((user: { id: string }) => user.id)).toEqual(
        all.body.items.slice(1, 3).map((user: { id: string }) => user.id),
      )

      const search = await call(auth, admin, 'GET', '/users?username=ross')
      expect(search.body.items.map((user: { username: string }) => user.username)).toEqual([`MROSSI@${code}`])
    })

    it('should read one user and answer 404 for an unknown id', async () => {
      const user = await auth.findUser(`MROSSI@${code}`)
      const found = await call(auth, admin, 'GET', `/users/${user.id}`)
      expect(found.status).toBe(200)
      expect(found.body).toMatchObject({ id: user.id, username: user.username, version: user.version })
      const missing = await call(auth, admin, 'GET', '/users/00000000-0000-4000-8000-000000000000')
      expect(missing.status).toBe(404)
      expect(missing.body.code).toBe('NOT_FOUND')
    })
  })

  describe('classes and permissions', () => {
    it('should turn the linked classes into effective permissions and menu', async () => {
      const user = await auth.findUser(`MROSSI@${code}`)
      const before = await call(auth, admin, 'GET', `/users/${user.id}/permissions`)
      expect(before.status).toBe(200)
      expect(before.body.permissions).toEqual([Permissions.FePassiveRead, Permissions.FePassiveReview].sort())

      const patched = await call(auth, admin, 'PATCH', `/users/${user.id}`, {
        classes: ['operatori-fatture-ricevute', 'amministratori-gestione-clienti'],
      })
      expect(patched.status).toBe(200)
      const after = await call(auth, admin, 'GET', `/users/${user.id}/permissions`)
      expect(after.body.classes.map((userClass: { code: string }) => userClass.code).sort()).toEqual([
        'amministratori-gestione-clienti',
        'operatori-fatture-ricevute',
      ])
      expect(after.body.permissions).toEqual(
        expect.arrayContaining([Permissions.UsersManage, Permissions.UsersReactivate, Permissions.FePassiveReview]),
      )
      expect(after.body.permissions).not.toContain(Permissions.FeActiveSend)
      expect(after.body.menu).toContain('Studio > Gestione operatori')
      expect(after.body.menu).toContain('Fatture Ricevute > Da trasferire')

      const adm = await auth.findUser(`ADM@${code}`)
      const adminPermissions = await call(auth, admin, 'GET', `/users/${adm.id}/permissions`)
      expect(adminPermissions.body.permissions).toEqual(Object.values(Permissions).sort())
    })

    it('should refuse unknown classes on PATCH and never change the administrator classes', async () => {
      const user = await auth.findUser(`MROSSI@${code}`)
      const unknown = await call(auth, admin, 'PATCH', `/users/${user.id}`, { classes: ['nope'] })
      expect(unknown.status).toBe(422)
      expect(unknown.body.errors).toEqual([expect.objectContaining({ code: 'USER_CLASS_UNKNOWN' })])
      const adm = await auth.findUser(`ADM@${code}`)
      const adminClasses = await call(auth, admin, 'PATCH', `/users/${adm.id}`, { classes: ['operatori-documentale'] })
      expect(adminClasses.status).toBe(422)
      expect(adminClasses.body.errors).toEqual([expect.objectContaining({ code: 'ADMIN_CLASSES_NOT_EDITABLE' })])
      expect((await auth.findUser(`ADM@${code}`)).classes).toEqual([])
      const kind = await call(auth, admin, 'PATCH', `/users/${adm.id}`, { kind: 'operator' })
      expect(kind.status).toBe(400)
    })
  })

  describe('PATCH /users/:id', () => {
    it('should change the fields and bump the version, and answer 409 VERSION_CONFLICT to a stale version', async () => {
      const user = await auth.findUser(`SENZAMAIL@${code}`)
      const first = await call(auth, admin, 'PATCH', `/users/${user.id}`, {
        version: user.version,
        description: 'Con Mail',
        email: 'con.mail@um001.example',
        notifyB2bReceived: true,
        expiresOn: '2098-01-01',
        passwordValidityDays: 30,
        passwordWarningDays: 3,
        maxDaysWithoutLogin: 0,
      })
      expect(first.status).toBe(200)
      expect(first.body).toMatchObject({
        description: 'Con Mail',
        email: 'con.mail@um001.example',
        notifyB2bReceived: true,
        expiresOn: '2098-01-01',
        passwordValidityDays: 30,
        passwordWarningDays: 3,
        maxDaysWithoutLogin: 0,
        version: user.version + 1,
      })
      const stale = await call(auth, admin, 'PATCH', `/users/${user.id}`, { version: user.version, description: 'Sovrascritto' })
      expect(stale.status).toBe(409)
      expect(stale.body.code).toBe('VERSION_CONFLICT')
      expect((await auth.findUser(`SENZAMAIL@${code}`)).description).toBe('Con Mail')

      const cleared = await call(auth, admin, 'PATCH', `/users/${user.id}`, { version: first.body.version, expiresOn: null, email: null })
      expect(cleared.status).toBe(200)
      expect(cleared.body).toMatchObject({ expiresOn: null, email: null, version: user.version + 2 })
    })

    it('should keep the password of integration users from expiring', async () => {
      const integration = await auth.findUser(`APIREST_GEST@${code}`)
      const { status, body } = await call(auth, admin, 'PATCH', `/users/${integration.id}`, { passwordValidityDays: 90 })
      expect(status).toBe(422)
      expect(body.errors).toEqual([expect.objectContaining({ path: '/passwordValidityDays', code: 'NOT_APPLICABLE_TO_INTEGRATION' })])
    })
  })

  describe('POST /users/:id/deactivate', () => {
    it('should disable the user with the caller IP and revoke the refresh tokens', async () => {
      const fork = auth.service.orm.em.fork()
      const user = await fork.findOneOrFail(User, { usernameKey: `operatore@${code}` })
      await issueSession(fork, auth.service.app.authRuntime, user)
      await issueSession(fork, auth.service.app.authRuntime, user)
      expect((await refreshTokenRows(auth, user.id)).map((row) => row.revoked_at)).toEqual([null, null])

      const { status, body } = await call(auth, admin, 'POST', `/users/${user.id}/deactivate`)
      expect(status).toBe(200)
      expect(body).toMatchObject({ disabled: true, disabledReason: 'administrator', disabledIp: '127.0.0.1' })
      const rows = await refreshTokenRows(auth, user.id)
      expect(rows).toHaveLength(2)
      for (const row of rows) expect(row.revoked_at).not.toBeNull()
      expect((await auth.findUser(`OPERATORE@${code}`)).disabledAt).toBeInstanceOf(Date)

      const disabled = await call(auth, admin, 'GET', '/users?disabled=true')
      expect(disabled.body.items.map((item: { username: string }) => item.username)).toEqual([`OPERATORE@${code}`])
    })

    it('should not let the administrator deactivate themselves', async () => {
      const adm = await auth.findUser(`ADM@${code}`)
      const { status, body } = await call(auth, admin, 'POST', `/users/${adm.id}/deactivate`)
      expect(status).toBe(409)
      expect(body.code).toBe('CANNOT_DISABLE_SELF')
      expect((await auth.findUser(`ADM@${code}`)).disabledAt).toBeNull()
    })
  })

  describe('permissions', () => {
    it('should answer 403 FORBIDDEN to an operator without users.manage', async () => {
      const operator = await auth.findUser(`SCELTA@${code}`)
      await auth.setPassword(operator.username, 'Zyxwv98;k')
      const token = await auth.tokenFor(operator.username)
      const target = await auth.findUser(`MROSSI@${code}`)
      const attempts = [
        call(auth, token, 'POST', '/users', { username: 'X1', kind: 'operator', description: 'X', classes: [] }),
        call(auth, token, 'PATCH', `/users/${target.id}`, { description: 'X' }),
        call(auth, token, 'POST', `/users/${target.id}/activate`),
        call(auth, token, 'POST', `/users/${target.id}/deactivate`),
        call(auth, token, 'GET', '/users'),
        call(auth, token, 'GET', `/users/${target.id}`),
        call(auth, token, 'GET', `/users/${target.id}/permissions`),
        call(auth, token, 'GET', '/users/disabled'),
        call(auth, token, 'POST', `/users/${target.id}/reactivate`),
        call(auth, token, 'POST', `/users/${target.id}/reactivate-with-reset`),
      ]
      for (const { status, body } of await Promise.all(attempts)) {
        expect(status).toBe(403)
        expect(body.code).toBe('FORBIDDEN')
      }
      expect((await call(auth, token, 'GET', '/user-classes')).status).toBe(200)
      expect((await auth.findUser(`MROSSI@${code}`)).disabledAt).toBeNull()
    })

    it('should answer 401 without a token', async () => {
      const response = await auth.service.app.inject({ method: 'GET', url: '/users' })
      expect(response.statusCode).toBe(401)
    })

    it('should let a manager who is not the administrator grant only permissions they hold and not touch the administrator', async () => {
      const manager = await auth.findUser(`MROSSI@${code}`)
      await auth.setPassword(manager.username, 'Zyxwv98;k')
      const token = await auth.tokenFor(manager.username)
      const escalation = await call(auth, token, 'POST', '/users', {
        username: 'ESCALATION',
        kind: 'operator',
        description: 'X',
        classes: ['amministratori-fattura-elettronica'],
      })
      expect(escalation.status).toBe(403)
      expect(escalation.body.code).toBe('FORBIDDEN')
      const allowed = await call(auth, token, 'POST', '/users', {
        username: 'CONSENTITO',
        kind: 'operator',
        description: 'X',
        classes: ['operatori-gestione-clienti'],
      })
      expect(allowed.status).toBe(201)
      const self = await call(auth, token, 'PATCH', `/users/${manager.id}`, { classes: ['amministratori-documentale'] })
      expect(self.status).toBe(403)

      const adm = await auth.findUser(`ADM@${code}`)
      const takeover = await call(auth, token, 'PATCH', `/users/${adm.id}`, { email: 'attacker@evil.example' })
      expect(takeover.status).toBe(403)
      expect(takeover.body.code).toBe('ADMIN_ACCOUNT_PROTECTED')
      const deactivateAdmin = await call(auth, token, 'POST', `/users/${adm.id}/deactivate`)
      expect(deactivateAdmin.status).toBe(409)
      expect(deactivateAdmin.body.code).toBe('ADMIN_CANNOT_BE_DISABLED')
      const adminAfter = await auth.findUser(`ADM@${code}`)
      expect(adminAfter).toMatchObject({ email: `studio@${code}.example`, disabledAt: null })
      const ownEmail = await call(auth, admin, 'PATCH', `/users/${adm.id}`, { description: 'Amministratore dello studio' })
      expect(ownEmail.status).toBe(200)
    })
  })
})
