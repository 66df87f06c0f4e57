// Real: PostgreSQL, Redis and an SMTP server (smtp-server) on loopback. Nothing is mocked.
// A user manager who is not the administrator must not be able to take over an account stronger than theirs.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type AuthTest, startAuthTest } from '../support/auth-test.js'
import { adminToken, call, disableForFailedLogins } from './users-test-support.js'

const code = 'ms001'

describe('what a non-administrator user manager may do', () => {
  let auth: AuthTest
  let admin: string
  let manager: string
  let managerId: string
  let strongerId: string
  let weakerId: string
  let adminId: string
  const create = async (username: string, classes: string[]) => {
    const { status, body } = await call(auth, admin, 'POST', '/users', { username, kind: 'operator', description: username, classes })
    expect(status).toBe(201)
    await call(auth, admin, 'POST', `/users/${body.user.id}/activate`)
    return body.user.id as string
  }
  beforeAll(async () => {
    auth = await startAuthTest()
    await auth.provision(code)
    admin = await adminToken(auth, code)
    adminId = (await auth.findUser(`ADM@${code}`)).id
    managerId = await create('GESTORE', ['amministratori-gestione-clienti'])
    strongerId = await create('CONTABILE', ['amministratori-fattura-elettronica'])
    weakerId = await create('CLIENTI', ['operatori-gestione-clienti'])
    await auth.setPassword(`GESTORE@${code}`, 'Gestore12;x')
    manager = await auth.tokenFor(`GESTORE@${code}`)
  })
  afterAll(async () => auth?.close())

  it('manages a user whose permissions it holds', async () => {
    expect((await call(auth, manager, 'PATCH', `/users/${weakerId}`, { email: 'clienti@ms001.example' })).status).toBe(200)
    expect((await call(auth, manager, 'POST', `/users/${weakerId}/password-reset`)).status).toBe(200)
  })

  it('cannot redirect the e-mail or reset the password of a user with permissions it lacks', async () => {
    for (const [method, url, payload] of [
      ['PATCH', `/users/${strongerId}`, { email: 'gestore@attacker.example' }],
      ['POST', `/users/${strongerId}/password-reset`, undefined],
      ['POST', `/users/${strongerId}/deactivate`, undefined],
    ] as const) {
      const { status, body } = await call(auth, manager, method, url, payload)
      expect({ url, status, code: body.code }).toEqual({ url, status: 403, code: 'FORBIDDEN' })
    }
    expect((await auth.findUser(`CONTABILE@${code}`)).email).toBeNull()
  })

  it('cannot reset the administrator, not even after locking it out', async () => {
    await disableForFailedLogins(auth, adminId, '203.0.113.50')
    for (const action of ['reactivate', 'reactivate-with-reset']) {
      const { status, body } = await call(auth, manager, 'POST', `/users/${adminId}/${action}`)
      expect({ action, status, code: body.code }).toEqual({ action, status: 403, code: 'ADMIN_ACCOUNT_PROTECTED' })
    }
    expect((await auth.findUser(`ADM@${code}`)).disabledReason).toBe('failed-logins')
  })

  it('cannot lift its own account limits', async () => {
    const { status } = await call(auth, manager, 'PATCH', `/users/${managerId}`, { maxDaysWithoutLogin: 0 })
    expect(status).toBe(403)
    expect((await call(auth, manager, 'PATCH', `/users/${managerId}`, { description: 'Gestore utenti' })).status).toBe(200)
  })
})
