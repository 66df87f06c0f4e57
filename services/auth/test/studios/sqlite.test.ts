// Real: the embedded mode's SQLite file, Redis and an SMTP server (smtp-server) on loopback. Nothing is mocked.
// The other auth tests run on PostgreSQL; this one walks the features whose column types differ on SQLite
// (dates, booleans, JSON, blobs) through HTTP, as `pnpm start` runs them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { tinyPdf } from '../contracts/pdf.js'
import { type AuthTest, bearer, startAuthTest } from '../support/auth-test.js'

describe('auth on SQLite (embedded mode)', () => {
  let auth: AuthTest
  let admin: string
  beforeAll(async () => {
    auth = await startAuthTest({}, { sqlite: true })
    const studio = await auth.provision('sq001')
    const first = await auth.service.app.inject({
      method: 'POST',
      url: '/sessions',
      payload: { username: 'ADM@sq001', password: studio.passwords.admin },
    })
    expect(first.json()).toMatchObject({ mustChangePassword: true })
    const changed = await auth.service.app.inject({
      method: 'POST',
      url: '/sessions/password',
      headers: bearer(first.json().accessToken),
      payload: { currentPassword: studio.passwords.admin, newPassword: 'Sqlite.2026ab' },
    })
    expect(changed.statusCode).toBe(200)
    admin = changed.json().accessToken
  })
  afterAll(async () => auth?.close())

  it('records sign-in time and locks out on the third wrong password', async () => {
    const user = await auth.findUser('ADM@sq001')
    expect(user.lastLoginAt).toBeInstanceOf(Date)
    expect(user.passwordIsSystem).toBe(false)
    const statuses: number[] = []
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await auth.service.app.inject({
        method: 'POST',
        url: '/sessions',
        payload: { username: 'OPERATORE@sq001', password: 'Wrong.pass12' },
      })
      statuses.push(response.statusCode)
    }
    expect(statuses).toEqual([401, 401, 403])
    const locked = await auth.findUser('OPERATORE@sq001')
    expect(locked.disabledAt).toBeInstanceOf(Date)
    expect(locked.disabledReason).toBe('failed-logins')
    const listed = await auth.service.app.inject({ method: 'GET', url: '/users/disabled', headers: bearer(admin) })
    expect(listed.json().items).toEqual([expect.objectContaining({ username: 'OPERATORE@sq001', disabledReason: 'failed-logins' })])
  })

  it('publishes a contract PDF and serves the same bytes back', async () => {
    const pdf = tinyPdf('Contratto SQLite')
    const published = await auth.service.app.inject({
      method: 'POST',
      url: '/contracts?code=contratto-sqlite&title=Contratto',
      headers: { ...bearer(admin), 'content-type': 'application/pdf' },
      payload: pdf,
    })
    expect(published.statusCode).toBe(201)
    const document = await auth.service.app.inject({
      method: 'GET',
      url: `/contracts/${published.json().id}/document`,
      headers: bearer(admin),
    })
    expect(document.rawPayload.equals(pdf)).toBe(true)
  })

  it('stores clients with their FE activation time and finds them by name', async () => {
    const created = await auth.service.app.inject({
      method: 'POST',
      url: '/clients',
      headers: bearer(admin),
      payload: { codiceSoggetto: '2', denominazione: 'Cliente Lite S.r.l.', partitaIva: '12345678903' },
    })
    expect(created.statusCode).toBe(201)
    const enabled = await auth.service.app.inject({
      method: 'PUT',
      url: `/clients/${created.json().id}/fe-attiva`,
      headers: bearer(admin),
      payload: { enabled: true },
    })
    expect(enabled.json().feAttiva).toMatchObject({ enabled: true, enabledAt: expect.any(String) })
    const found = await auth.service.app.inject({ method: 'GET', url: '/clients?q=lite&feAttiva=true', headers: bearer(admin) })
    expect(found.json().items.map((client: { denominazione: string }) => client.denominazione)).toEqual(['Cliente Lite S.r.l.'])
  })

  it('searches % and _ literally', async () => {
    for (const [codiceSoggetto, denominazione] of [
      ['3', 'Sconto 50% S.r.l.'],
      ['4', '500 Bianchi S.p.A.'],
    ]) {
      const created = await auth.service.app.inject({
        method: 'POST',
        url: '/clients',
        headers: bearer(admin),
        payload: { codiceSoggetto, denominazione },
      })
      expect(created.statusCode).toBe(201)
    }
    const found = await auth.service.app.inject({ method: 'GET', url: `/clients?q=${encodeURIComponent('50%')}`, headers: bearer(admin) })
    expect(found.json().items.map((client: { denominazione: string }) => client.denominazione)).toEqual(['Sconto 50% S.r.l.'])
  })

  it('finds users by part of the user name, with _ taken literally', async () => {
    const found = await auth.service.app.inject({ method: 'GET', url: '/users?username=APIREST_', headers: bearer(admin) })
    expect(found.json().items.map((user: { username: string }) => user.username)).toEqual(['APIREST_sq001@sq001'])
    const none = await auth.service.app.inject({ method: 'GET', url: '/users?username=ADM_', headers: bearer(admin) })
    expect(none.json().total).toBe(0)
  })
})
