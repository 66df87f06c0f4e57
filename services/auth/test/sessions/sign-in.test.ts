// Real: PostgreSQL, Redis and an SMTP server on loopback, argon2 hashing, ES256 tokens. Nothing is mocked.

import { romeToday } from '@fatturapa-hub/shared'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { ProvisionedStudio } from '../../src/studios/provision.js'
import { type AuthTest, bearer, startAuthTest } from '../support/auth-test.js'
import { chosenPassword, claimsOf, daysAgo, post, signIn, updateUser } from './helpers.js'

describe('sessions: portal sign-in', () => {
  let auth: AuthTest
  let studio: ProvisionedStudio
  let code = 0
  /** A fresh studio per test, so lockouts and state changes do not leak between tests. */
  const freshStudio = async () => auth.provision(`si${String(++code).padStart(5, '0')}`)

  beforeAll(async () => {
    // The per-IP limit has its own test; here every request comes from 127.0.0.1.
    auth = await startAuthTest({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' })
    studio = await freshStudio()
  })
  afterAll(async () => auth?.close())

  describe('POST /sessions', () => {
    it('signs the administrator in with the system password and requires the password change', async () => {
      const answer = await signIn(auth, studio.users.admin.username, studio.passwords.admin)
      expect(answer.status).toBe(200)
      expect(answer.body).toMatchObject({ tokenType: 'Bearer', mustChangePassword: true, contractsPending: false, warnings: [] })
      expect(typeof answer.body.refreshToken).toBe('string')
      const claims = await claimsOf(auth, answer.body.accessToken)
      expect(claims).toMatchObject({ username: studio.users.admin.username, kind: 'admin', mustChangePassword: true })

      const me = await auth.service.app.inject({ method: 'GET', url: '/sessions/me', headers: bearer(String(answer.body.accessToken)) })
      expect(me.statusCode).toBe(200)
      expect(me.json()).toMatchObject({ username: studio.users.admin.username, kind: 'admin', mustChangePassword: true })
    })

    it('matches the user name without regard to case and records the access', async () => {
      const s = await freshStudio()
      const answer = await signIn(auth, s.users.operator.username.toUpperCase(), s.passwords.operator)
      expect(answer.status).toBe(200)
      const user = await auth.findUser(s.users.operator.username)
      expect(user.lastLoginAt).toBeInstanceOf(Date)
      expect(user.lastLoginIp).toBe('127.0.0.1')
    })

    it('answers 401 INVALID_CREDENTIALS for an unknown user, without attempts left', async () => {
      const answer = await signIn(auth, 'NOBODY@nowhere', 'whatever.12345')
      expect(answer.status).toBe(401)
      expect(answer.body.code).toBe('INVALID_CREDENTIALS')
      expect(answer.body.attemptsLeft).toBeUndefined()
    })

    it('disables the user on exactly the third wrong password, recording time and IP', async () => {
      const s = await freshStudio()
      const username = s.users.operator.username
      const first = await signIn(auth, username, 'wrong.password.1')
      expect(first).toMatchObject({ status: 401, body: { code: 'INVALID_CREDENTIALS', attemptsLeft: 2 } })
      const second = await signIn(auth, username, 'wrong.password.2')
      expect(second).toMatchObject({ status: 401, body: { code: 'INVALID_CREDENTIALS', attemptsLeft: 1 } })
      expect((await auth.findUser(username)).disabledAt).toBeNull()

      const before = Date.now()
      const third = await signIn(auth, username, 'wrong.password.3')
      expect(third.status).toBe(403)
      expect(third.body.code).toBe('USER_DISABLED')
      expect(third.body.detail).toMatch(/administrator/)
      const user = await auth.findUser(username)
      expect(user).toMatchObject({ failedAttempts: 3, disabledReason: 'failed-logins', disabledIp: '127.0.0.1' })
      expect(user.disabledAt?.getTime()).toBeGreaterThanOrEqual(before - 1000)

      const right = await signIn(auth, username, s.passwords.operator)
      expect(right).toMatchObject({ status: 403, body: { code: 'USER_DISABLED' } })
      expect((await auth.findUser(username)).failedAttempts).toBe(3)
    })

    it('resets the wrong-password count after a successful sign-in', async () => {
      const s = await freshStudio()
      const username = s.users.operator.username
      await signIn(auth, username, 'wrong.password.1')
      await signIn(auth, username, 'wrong.password.2')
      expect((await auth.findUser(username)).failedAttempts).toBe(2)
      expect((await signIn(auth, username, s.passwords.operator)).status).toBe(200)
      expect((await auth.findUser(username)).failedAttempts).toBe(0)
      const again = await signIn(auth, username, 'wrong.password.3')
      expect(again).toMatchObject({ status: 401, body: { attemptsLeft: 2 } })
    })

    it('counts parallel wrong passwords one by one and disables the user exactly once', async () => {
      const s = await freshStudio()
      const username = s.users.operator.username
      const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => signIn(auth, username, `wrong.parallel.${i}`)))
      const statuses = answers.map((answer) => answer.status).sort()
      expect(statuses).toEqual([401, 401, 403, 403, 403])
      expect(
        answers
          .filter((answer) => answer.status === 401)
          .map((answer) => answer.body.attemptsLeft)
          .sort(),
      ).toEqual([1, 2])
      expect(answers.every((answer) => answer.status === 401 || answer.body.code === 'USER_DISABLED')).toBe(true)
      // Only the request that disabled the user says why; the others found it disabled already.
      expect(answers.filter((answer) => /three wrong passwords/.test(String(answer.body.detail)))).toHaveLength(1)
      const user = await auth.findUser(username)
      expect(user).toMatchObject({ failedAttempts: 3, disabledReason: 'failed-logins' })
    })

    it('refuses an operator not yet active with 403 USER_INACTIVE', async () => {
      const s = await freshStudio()
      await updateUser(auth, s.users.operator.username, { active: false })
      const answer = await signIn(auth, s.users.operator.username, s.passwords.operator)
      expect(answer).toMatchObject({ status: 403, body: { code: 'USER_INACTIVE' } })
      expect((await auth.findUser(s.users.operator.username)).lastLoginAt).toBeNull()
    })

    it('refuses a user after its expiry date and accepts it on the last day', async () => {
      const s = await freshStudio()
      const username = s.users.operator.username
      await updateUser(auth, username, { expiresOn: '2020-01-31' })
      expect(await signIn(auth, username, s.passwords.operator)).toMatchObject({ status: 403, body: { code: 'USER_EXPIRED' } })
      await updateUser(auth, username, { expiresOn: romeToday(new Date()) })
      expect((await signIn(auth, username, s.passwords.operator)).status).toBe(200)
    })

    it('disables a user who did not sign in for longer than allowed', async () => {
      const s = await freshStudio()
      const username = s.users.operator.username
      await updateUser(auth, username, { maxDaysWithoutLogin: 180, createdAt: daysAgo(400), lastLoginAt: daysAgo(200) })
      const answer = await signIn(auth, username, s.passwords.operator)
      expect(answer).toMatchObject({ status: 403, body: { code: 'USER_DISABLED' } })
      expect(answer.body.detail).toMatch(/did not sign in/)
      expect(await auth.findUser(username)).toMatchObject({ disabledReason: 'inactivity', disabledIp: '127.0.0.1' })
    })

    it('counts inactivity from the latest reactivation', async () => {
      const s = await freshStudio()
      const username = s.users.operator.username
      await updateUser(auth, username, {
        maxDaysWithoutLogin: 180,
        createdAt: daysAgo(400),
        lastLoginAt: daysAgo(200),
        reactivatedAt: daysAgo(10),
      })
      expect((await signIn(auth, username, s.passwords.operator)).status).toBe(200)
    })

    it('warns inside the password-expiry window and not outside it', async () => {
      const s = await freshStudio()
      const username = s.users.operator.username
      await auth.setPassword(username, chosenPassword)
      await updateUser(auth, username, { passwordValidityDays: 90, passwordWarningDays: 10, passwordChangedAt: daysAgo(87) })
      const inside = await signIn(auth, username, chosenPassword)
      expect(inside.status).toBe(200)
      expect(inside.body.mustChangePassword).toBe(false)
      expect(inside.body.warnings).toEqual([{ code: 'PASSWORD_EXPIRING', message: expect.stringContaining('3 days'), daysLeft: 3 }])
      const user = await auth.findUser(username)
      expect(inside.body.passwordExpiresAt).toBe(new Date(user.passwordChangedAt.getTime() + 90 * 86_400_000).toISOString())

      await updateUser(auth, username, { passwordChangedAt: daysAgo(70) })
      const outside = await signIn(auth, username, chosenPassword)
      expect(outside.status).toBe(200)
      expect(outside.body.warnings).toEqual([])
    })

    it('gives a session that must change the password once the password expired', async () => {
      const s = await freshStudio()
      const username = s.users.operator.username
      await auth.setPassword(username, chosenPassword)
      await updateUser(auth, username, { passwordValidityDays: 90, passwordChangedAt: daysAgo(91) })
      const answer = await signIn(auth, username, chosenPassword)
      expect(answer.status).toBe(200)
      expect(answer.body).toMatchObject({ mustChangePassword: true, warnings: [] })
      expect((await claimsOf(auth, answer.body.accessToken)).mustChangePassword).toBe(true)
    })

    it('refuses the APIREST user on the portal with 403 PORTAL_LOGIN_NOT_ALLOWED', async () => {
      const answer = await signIn(auth, studio.users.integration.username, studio.passwords.integration)
      expect(answer).toMatchObject({ status: 403, body: { code: 'PORTAL_LOGIN_NOT_ALLOWED' } })
    })

    it('validates the body', async () => {
      const answer = await post(auth, '/sessions', { username: 'ADM@x' })
      expect(answer).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } })
    })
  })

  describe('POST /sessions/password', () => {
    it('changes the system password at first sign-in and then gives a normal session', async () => {
      const s = await freshStudio()
      const username = s.users.admin.username
      const first = await signIn(auth, username, s.passwords.admin)
      expect(first.body.mustChangePassword).toBe(true)
      const changed = await post(
        auth,
        '/sessions/password',
        { currentPassword: s.passwords.admin, newPassword: chosenPassword },
        bearer(String(first.body.accessToken)),
      )
      expect(changed.status).toBe(200)
      expect(changed.body.mustChangePassword).toBe(false)
      expect((await claimsOf(auth, changed.body.accessToken)).mustChangePassword).toBeUndefined()
      expect(await auth.findUser(username)).toMatchObject({ passwordIsSystem: false })

      // The sessions from before the change are over.
      const oldRefresh = await post(auth, '/sessions/refresh', { refreshToken: first.body.refreshToken })
      expect(oldRefresh.status).toBe(401)
      expect((await signIn(auth, username, s.passwords.admin)).status).toBe(401)
      const next = await signIn(auth, username, chosenPassword)
      expect(next).toMatchObject({ status: 200, body: { mustChangePassword: false } })
    })

    it('lists every violated rule of the password policy at once', async () => {
      const token = await auth.tokenFor(studio.users.admin.username)
      const answer = await post(auth, '/sessions/password', { currentPassword: studio.passwords.admin, newPassword: 'ab@1' }, bearer(token))
      expect(answer.status).toBe(422)
      expect(answer.body.code).toBe('PASSWORD_POLICY_VIOLATION')
      const errors = answer.body.errors as Array<{ path: string; code: string }>
      expect(errors.map((error) => error.code)).toEqual([
        'PASSWORD_TOO_SHORT',
        'PASSWORD_TOO_FEW_DIGITS',
        'PASSWORD_TOO_FEW_LETTERS',
        'PASSWORD_SYMBOL_MISSING',
        'PASSWORD_FORBIDDEN_CHARACTER',
      ])
      expect(errors.every((error) => error.path === '/newPassword')).toBe(true)
      expect((await auth.findUser(studio.users.admin.username)).passwordIsSystem).toBe(true)
    })

    it('refuses the current password as the new one', async () => {
      const s = await freshStudio()
      const username = s.users.operator.username
      await auth.setPassword(username, chosenPassword)
      const token = await auth.tokenFor(username)
      const answer = await post(auth, '/sessions/password', { currentPassword: chosenPassword, newPassword: chosenPassword }, bearer(token))
      expect(answer).toMatchObject({ status: 422, body: { code: 'PASSWORD_REUSED' } })
    })

    it('counts a wrong current password towards the lockout', async () => {
      const s = await freshStudio()
      const username = s.users.operator.username
      const token = await auth.tokenFor(username)
      const change = (currentPassword: string) =>
        post(auth, '/sessions/password', { currentPassword, newPassword: chosenPassword }, bearer(token))
      expect(await change('wrong.current.1')).toMatchObject({ status: 401, body: { code: 'INVALID_CREDENTIALS', attemptsLeft: 2 } })
      expect(await change('wrong.current.2')).toMatchObject({ status: 401, body: { attemptsLeft: 1 } })
      expect(await change('wrong.current.3')).toMatchObject({ status: 403, body: { code: 'USER_DISABLED' } })
      expect(await auth.findUser(username)).toMatchObject({ disabledReason: 'failed-logins', passwordIsSystem: true })
    })

    it('refuses APIREST users', async () => {
      const token = await auth.tokenFor(studio.users.integration.username)
      const answer = await post(
        auth,
        '/sessions/password',
        { currentPassword: studio.passwords.integration, newPassword: chosenPassword },
        bearer(token),
      )
      expect(answer).toMatchObject({ status: 403, body: { code: 'PORTAL_LOGIN_NOT_ALLOWED' } })
    })

    it('requires an access token', async () => {
      const answer = await post(auth, '/sessions/password', { currentPassword: 'x', newPassword: chosenPassword })
      expect(answer).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } })
    })
  })

  describe('GET /sessions/me', () => {
    it('describes the user with the permissions and menu of its classes', async () => {
      const s = await freshStudio()
      await auth.setPassword(s.users.operator.username, chosenPassword)
      await updateUser(auth, s.users.operator.username, { classes: ['operatori-gestione-clienti'] })
      const token = await auth.tokenFor(s.users.operator.username)
      const response = await auth.service.app.inject({ method: 'GET', url: '/sessions/me', headers: bearer(token) })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toMatchObject({
        id: s.users.operator.id,
        username: s.users.operator.username,
        kind: 'operator',
        studioId: s.studio.id,
        classes: ['operatori-gestione-clienti'],
        permissions: ['studio.clients.manage', 'studio.clients.read'],
        menu: ['Studio > Gestione clienti'],
        mustChangePassword: false,
        contractsPending: false,
      })
      expect(response.json().passwordExpiresAt).toEqual(expect.any(String))
    })

    it('requires an access token', async () => {
      const response = await auth.service.app.inject({ method: 'GET', url: '/sessions/me' })
      expect(response.statusCode).toBe(401)
    })
  })

  describe('OpenAPI', () => {
    it('documents every sessions route with its operation id', async () => {
      const response = await auth.service.app.inject({ method: 'GET', url: '/openapi.json' })
      const paths = response.json().paths as Record<string, Record<string, { operationId: string; tags: string[] }>>
      const operations = Object.values(paths)
        .flatMap((methods) => Object.values(methods))
        .filter((operation) => operation.tags?.includes('sessions'))
        .map((operation) => operation.operationId)
      expect(operations).toEqual(
        expect.arrayContaining([
          'auth.signIn',
          'auth.issueIntegrationToken',
          'auth.refreshSession',
          'auth.signOut',
          'auth.changePassword',
          'auth.getCurrentUser',
          'auth.getPasswordPolicy',
        ]),
      )
    })
  })

  describe('GET /password-policy', () => {
    it('lists the rules without authentication', async () => {
      const response = await auth.service.app.inject({ method: 'GET', url: '/password-policy' })
      expect(response.statusCode).toBe(200)
      const rules = response.json().rules as Array<{ code: string; limit?: number; characters?: string[] }>
      expect(rules.map((rule) => rule.code)).toContain('PASSWORD_TOO_LONG_WITH_USERNAME')
      expect(rules.find((rule) => rule.code === 'PASSWORD_TOO_SHORT')?.limit).toBe(8)
      expect(rules.find((rule) => rule.code === 'PASSWORD_FORBIDDEN_CHARACTER')?.characters).toEqual(['@', ':'])
    })
  })
})
