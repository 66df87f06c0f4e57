// Real: PostgreSQL, Redis and an SMTP server (smtp-server) on loopback. Only the mail-failure case replaces the mailer's send.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { verifyPassword } from '../../src/passwords/index.js'
import { issueSession } from '../../src/sessions/issue-session.js'
import { User } from '../../src/users/user.entity.js'
import { type AuthTest, startAuthTest } from '../support/auth-test.js'
import { adminToken, call, disableForFailedLogins, passwordIn, refreshTokenRows } from './users-test-support.js'

const code = 'ur001'

describe('reactivation of disabled users', () => {
  let auth: AuthTest
  let admin: string
  const create = async (username: string, email?: string) => {
    const { status, body } = await call(auth, admin, 'POST', '/users', {
      username,
      kind: 'operator',
      description: `Utente ${username}`,
      classes: ['operatori-fatture-ricevute'],
      ...(email === undefined ? {} : { email }),
    })
    expect(status).toBe(201)
    await call(auth, admin, 'POST', `/users/${body.user.id}/activate`)
    return body.user.id as string
  }
  beforeAll(async () => {
    auth = await startAuthTest()
    await auth.provision(code)
    admin = await adminToken(auth, code)
  })
  afterAll(async () => auth?.close())

  describe('GET /users/disabled', () => {
    it('should list a user disabled for wrong passwords with the IP address, and not the enabled users', async () => {
      const id = await create('BLOCCATO', 'bloccato@ur001.example')
      await disableForFailedLogins(auth, id, '203.0.113.40')
      const { status, body } = await call(auth, admin, 'GET', '/users/disabled')
      expect(status).toBe(200)
      expect(body.total).toBe(1)
      expect(body.items).toEqual([
        {
          id,
          username: `BLOCCATO@${code}`,
          description: 'Utente BLOCCATO',
          kind: 'operator',
          lastLoginAt: null,
          expiresOn: null,
          passwordValidityDays: 90,
          maxDaysWithoutLogin: 180,
          disabledAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
          disabledReason: 'failed-logins',
          disabledIp: '203.0.113.40',
        },
      ])
      const search = await call(auth, admin, 'GET', '/users/disabled?username=nessuno')
      expect(search.body).toMatchObject({ items: [], total: 0 })
    })
  })

  describe('POST /users/:id/reactivate', () => {
    it('should clear the disabling, keep the password and e-mail the user', async () => {
      const before = await auth.findUser(`BLOCCATO@${code}`)
      const { status, body } = await call(auth, admin, 'POST', `/users/${before.id}/reactivate`)
      expect(status).toBe(200)
      expect(body.emailSent).toBe(true)
      expect(body.user).toMatchObject({ disabled: false, disabledAt: null, disabledReason: null, disabledIp: null, failedAttempts: 0 })
      const after = await auth.findUser(`BLOCCATO@${code}`)
      expect(after).toMatchObject({ disabledAt: null, disabledReason: null, disabledIp: null, failedAttempts: 0 })
      expect(after.reactivatedAt).toBeInstanceOf(Date)
      expect(after.passwordHash).toBe(before.passwordHash)

      const mail = await auth.smtp.waitFor((message) => message.subject === 'Riattivazione utente')
      expect(mail.to).toEqual(['bloccato@ur001.example'])
      expect(mail.text).toContain('Gentile Utente BLOCCATO,')
      expect(mail.text).toContain(`riattivato il Suo utente BLOCCATO@${code}`)
      expect(mail.text).toMatch(/il \d{2}\/\d{2}\/\d{4} alle \d{2}:\d{2} \(ora italiana\)/)
      expect(mail.text).not.toMatch(/^Password:/m)

      expect((await call(auth, admin, 'GET', '/users/disabled')).body.total).toBe(0)
    })

    it('should answer 409 USER_NOT_DISABLED for a user who is not disabled', async () => {
      const user = await auth.findUser(`BLOCCATO@${code}`)
      for (const action of ['reactivate', 'reactivate-with-reset']) {
        const { status, body } = await call(auth, admin, 'POST', `/users/${user.id}/${action}`)
        expect(status).toBe(409)
        expect(body.code).toBe('USER_NOT_DISABLED')
      }
      expect((await auth.findUser(`BLOCCATO@${code}`)).passwordHash).toBe(user.passwordHash)
    })

    it('should keep the reactivation and report emailSent false when the e-mail fails', async () => {
      const id = await create('SENZAPOSTA')
      await disableForFailedLogins(auth, id, '198.51.100.9')
      const send = jest.spyOn(auth.service.app.authRuntime.mailer, 'send').mockRejectedValueOnce(new Error('SMTP down'))
      try {
        const { status, body } = await call(auth, admin, 'POST', `/users/${id}/reactivate`)
        expect(status).toBe(200)
        expect(body).toMatchObject({ emailSent: false, user: { disabled: false } })
      } finally {
        send.mockRestore()
      }
      expect((await auth.findUser(`SENZAPOSTA@${code}`)).disabledAt).toBeNull()
    })
  })

  describe('POST /users/:id/password-reset', () => {
    it('should give an enabled user a new system password by e-mail and end the sessions', async () => {
      const id = await create('DIMENTICATO', 'dimenticato@ur001.example')
      await auth.setPassword(`DIMENTICATO@${code}`, 'Vecchia12;x')
      const fork = auth.service.orm.em.fork()
      await issueSession(fork, auth.service.app.authRuntime, await fork.findOneOrFail(User, { id }))
      const { status, body } = await call(auth, admin, 'POST', `/users/${id}/password-reset`)
      expect(status).toBe(200)
      expect(body).toMatchObject({ emailSent: true, user: { passwordIsSystem: true, disabled: false } })
      const mail = await auth.smtp.waitFor(
        (message) => message.subject === 'Nuova password utente' && message.to.includes('dimenticato@ur001.example'),
      )
      const after = await auth.findUser(`DIMENTICATO@${code}`)
      expect(await verifyPassword(after.passwordHash, passwordIn(mail.text))).toBe(true)
      expect(await verifyPassword(after.passwordHash, 'Vecchia12;x')).toBe(false)
      for (const row of await refreshTokenRows(auth, id)) expect(row.revoked_at).not.toBeNull()
    })

    it('should refuse a disabled user (409 USER_DISABLED) and a manager resetting the administrator (403)', async () => {
      const id = await create('SOSPESO')
      await disableForFailedLogins(auth, id, '203.0.113.41')
      const disabled = await call(auth, admin, 'POST', `/users/${id}/password-reset`)
      expect(disabled.status).toBe(409)
      expect(disabled.body.code).toBe('USER_DISABLED')
      const operator = await auth.findUser(`OPERATORE@${code}`)
      const adm = await auth.findUser(`ADM@${code}`)
      // A manager who is not the administrator may not reset the administrator's password.
      const fork = auth.service.orm.em.fork()
      const manager = await fork.findOneOrFail(User, { id: operator.id })
      manager.classes = ['amministratori-gestione-clienti']
      await fork.flush()
      await auth.setPassword(`OPERATORE@${code}`, 'Operat12;x')
      const managerToken = await auth.tokenFor(`OPERATORE@${code}`)
      const protectedAdmin = await call(auth, managerToken, 'POST', `/users/${adm.id}/password-reset`)
      expect(protectedAdmin.status).toBe(403)
      expect(protectedAdmin.body.code).toBe('ADMIN_ACCOUNT_PROTECTED')
      // Leave the disabled list as the other tests of this file expect it.
      expect((await call(auth, admin, 'POST', `/users/${id}/reactivate`)).status).toBe(200)
    })
  })

  describe('POST /users/:id/deactivate then reactivate-with-reset', () => {
    it('should reset the password, end the sessions and e-mail a temporary password', async () => {
      const id = await create('RESET')
      const fork = auth.service.orm.em.fork()
      await issueSession(fork, auth.service.app.authRuntime, await fork.findOneOrFail(User, { id }))

      const deactivated = await call(auth, admin, 'POST', `/users/${id}/deactivate`)
      expect(deactivated.body).toMatchObject({ disabledReason: 'administrator', disabledIp: '127.0.0.1' })
      const listed = await call(auth, admin, 'GET', '/users/disabled')
      expect(listed.body.items).toEqual([expect.objectContaining({ id, disabledReason: 'administrator', disabledIp: '127.0.0.1' })])

      await auth.setPassword(`RESET@${code}`, 'Vecchia12;x')
      await issueSession(fork, auth.service.app.authRuntime, await fork.findOneOrFail(User, { id }))
      const before = await auth.findUser(`RESET@${code}`)
      const { status, body } = await call(auth, admin, 'POST', `/users/${id}/reactivate-with-reset`)
      expect(status).toBe(200)
      expect(body.emailSent).toBe(true)
      expect(body.user).toMatchObject({ disabled: false, passwordIsSystem: true, failedAttempts: 0 })

      const mail = await auth.smtp.waitFor((message) => message.subject === 'Riattivazione utente con nuova password')
      expect(mail.to).toEqual([`studio@${code}.example`])
      expect(mail.text).toContain(`Utente: RESET@${code}`)
      expect(mail.text).toContain('al primo accesso')
      const after = await auth.findUser(`RESET@${code}`)
      expect(after.passwordIsSystem).toBe(true)
      expect(after.passwordChangedAt.getTime()).toBeGreaterThan(before.passwordChangedAt.getTime())
      expect(await verifyPassword(after.passwordHash, passwordIn(mail.text))).toBe(true)
      expect(await verifyPassword(after.passwordHash, 'Vecchia12;x')).toBe(false)
      const rows = await refreshTokenRows(auth, id)
      expect(rows).toHaveLength(2)
      for (const row of rows) expect(row.revoked_at).not.toBeNull()
      expect(after).toMatchObject({ disabledAt: null, disabledReason: null, disabledIp: null })
    })

    it('should keep the reset password of an integration user final', async () => {
      const integration = await auth.findUser(`APIREST_${code}@${code}`)
      await disableForFailedLogins(auth, integration.id, '192.0.2.1')
      const { status, body } = await call(auth, admin, 'POST', `/users/${integration.id}/reactivate-with-reset`)
      expect(status).toBe(200)
      expect(body.user.passwordIsSystem).toBe(false)
      const mail = await auth.smtp.waitFor(
        (message) => message.subject === 'Riattivazione utente con nuova password' && message.text.includes(integration.username),
      )
      expect(mail.text).toContain('non può accedere al portale')
      expect(await verifyPassword((await auth.findUser(integration.username)).passwordHash, passwordIn(mail.text))).toBe(true)
    })
  })
})
