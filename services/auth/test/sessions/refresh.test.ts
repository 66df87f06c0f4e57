// Real: PostgreSQL, Redis and an SMTP server on loopback; refresh tokens in the database. Nothing is mocked.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type AuthTest, startAuthTest } from '../support/auth-test.js'
import { chosenPassword, claimsOf, post, signIn, updateUser } from './helpers.js'

describe('sessions: refresh and sign-out', () => {
  let auth: AuthTest
  let code = 0
  /** An operator with a chosen password, signed in. */
  async function signedIn() {
    const s = await auth.provision(`rf${String(++code).padStart(5, '0')}`)
    await auth.setPassword(s.users.operator.username, chosenPassword)
    const answer = await signIn(auth, s.users.operator.username, chosenPassword)
    expect(answer.status).toBe(200)
    return { username: s.users.operator.username, session: answer.body }
  }
  const refresh = (refreshToken: unknown) => post(auth, '/sessions/refresh', { refreshToken })

  beforeAll(async () => {
    auth = await startAuthTest({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' })
  })
  afterAll(async () => auth?.close())

  describe('POST /sessions/refresh', () => {
    it('rotates the refresh token and builds the access token from the current user', async () => {
      const { username, session } = await signedIn()
      await updateUser(auth, username, { classes: ['operatori-gestione-clienti'] })
      const refreshed = await refresh(session.refreshToken)
      expect(refreshed.status).toBe(200)
      expect(refreshed.body).toMatchObject({ tokenType: 'Bearer', mustChangePassword: false, warnings: [] })
      expect(refreshed.body.refreshToken).not.toBe(session.refreshToken)
      expect((await claimsOf(auth, refreshed.body.accessToken)).permissions).toEqual(['studio.clients.manage', 'studio.clients.read'])
      expect((await refresh(refreshed.body.refreshToken)).status).toBe(200)
    })

    it('treats a second use of a refresh token as theft and ends the whole session', async () => {
      const { session } = await signedIn()
      const next = await refresh(session.refreshToken)
      expect(next.status).toBe(200)
      const replay = await refresh(session.refreshToken)
      expect(replay).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } })
      expect((await refresh(next.body.refreshToken)).status).toBe(401)
    })

    it('ends the session of a user disabled meanwhile, also after reactivation', async () => {
      const { username, session } = await signedIn()
      await updateUser(auth, username, { disabledAt: new Date(), disabledReason: 'administrator', disabledIp: '127.0.0.1' })
      expect(await refresh(session.refreshToken)).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } })
      await updateUser(auth, username, { disabledAt: null, disabledReason: null, disabledIp: null, reactivatedAt: new Date() })
      expect((await refresh(session.refreshToken)).status).toBe(401)
    })

    it('ends a session whose refresh token predates a password change even if the revocation missed it', async () => {
      const { username, session } = await signedIn()
      // As if a refresh had slipped in between the password change and the revocation of the user's sessions:
      // the credentials changed after the token was issued, and nothing revoked it.
      await updateUser(auth, username, { passwordChangedAt: new Date(Date.now() + 1000) })
      expect(await refresh(session.refreshToken)).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } })
    })

    it('ends the session of a user deactivated or expired meanwhile', async () => {
      const inactive = await signedIn()
      await updateUser(auth, inactive.username, { active: false })
      expect((await refresh(inactive.session.refreshToken)).status).toBe(401)
      const expired = await signedIn()
      await updateUser(auth, expired.username, { expiresOn: '2020-01-31' })
      expect((await refresh(expired.session.refreshToken)).status).toBe(401)
    })

    it('refuses malformed and unknown tokens', async () => {
      expect(await refresh('not-a-token')).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } })
      expect((await refresh('A'.repeat(43))).status).toBe(401)
    })
  })

  describe('POST /sessions/logout', () => {
    it('revokes the session of the refresh token', async () => {
      const { session } = await signedIn()
      const next = await refresh(session.refreshToken)
      const logout = await auth.service.app.inject({
        method: 'POST',
        url: '/sessions/logout',
        payload: { refreshToken: next.body.refreshToken },
      })
      expect(logout.statusCode).toBe(204)
      expect(logout.body).toBe('')
      expect((await refresh(next.body.refreshToken)).status).toBe(401)
    })

    it('answers 204 for unknown tokens too', async () => {
      const logout = await auth.service.app.inject({ method: 'POST', url: '/sessions/logout', payload: { refreshToken: 'unknown' } })
      expect(logout.statusCode).toBe(204)
    })
  })
})
