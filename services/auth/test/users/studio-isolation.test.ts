// Real: PostgreSQL, Redis and an SMTP server (smtp-server) on loopback. Nothing is mocked.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type AuthTest, startAuthTest } from '../support/auth-test.js'
import { adminToken, call, disableForFailedLogins } from './users-test-support.js'

describe('studio isolation of user management', () => {
  let auth: AuthTest
  let adminA: string
  let otherStudio: { companyId: string; operatorId: string; adminId: string; integrationId: string }
  beforeAll(async () => {
    auth = await startAuthTest()
    await auth.provision('iso0a')
    const b = await auth.provision('iso0b')
    otherStudio = {
      companyId: b.company.id,
      operatorId: b.users.operator.id,
      adminId: b.users.admin.id,
      integrationId: b.users.integration.id,
    }
    adminA = await adminToken(auth, 'iso0a')
    await disableForFailedLogins(auth, otherStudio.operatorId, '203.0.113.99')
  })
  afterAll(async () => auth?.close())

  it('should answer 404 NOT_FOUND on every user route for a user of another studio and change nothing', async () => {
    const before = await auth.findUser('OPERATORE@iso0b')
    for (const id of [otherStudio.operatorId, otherStudio.adminId, otherStudio.integrationId]) {
      const attempts: Array<[string, 'GET' | 'POST' | 'PATCH', string, object?]> = [
        ['get', 'GET', `/users/${id}`],
        ['permissions', 'GET', `/users/${id}/permissions`],
        ['patch', 'PATCH', `/users/${id}`, { description: 'Preso' }],
        ['activate', 'POST', `/users/${id}/activate`],
        ['deactivate', 'POST', `/users/${id}/deactivate`],
        ['reactivate', 'POST', `/users/${id}/reactivate`],
        ['reactivate-with-reset', 'POST', `/users/${id}/reactivate-with-reset`],
        ['password-reset', 'POST', `/users/${id}/password-reset`],
      ]
      for (const [name, method, url, payload] of attempts) {
        const { status, body } = await call(auth, adminA, method, url, payload)
        expect({ name, status, code: body.code }).toEqual({ name, status: 404, code: 'NOT_FOUND' })
      }
    }
    const after = await auth.findUser('OPERATORE@iso0b')
    expect(after).toMatchObject({
      description: before.description,
      passwordHash: before.passwordHash,
      version: before.version,
      disabledReason: 'failed-logins',
      disabledIp: '203.0.113.99',
    })
    expect((await auth.findUser('ADM@iso0b')).disabledAt).toBeNull()
  })

  it('should never list the users of another studio', async () => {
    const all = await call(auth, adminA, 'GET', '/users?limit=200')
    expect(all.status).toBe(200)
    expect(all.body.total).toBe(3)
    expect(all.body.items.map((user: { username: string }) => user.username).sort()).toEqual([
      'ADM@iso0a',
      'APIREST_iso0a@iso0a',
      'OPERATORE@iso0a',
    ])
    const search = await call(auth, adminA, 'GET', '/users?username=iso0b')
    expect(search.body).toMatchObject({ items: [], total: 0 })
    const disabled = await call(auth, adminA, 'GET', '/users/disabled')
    expect(disabled.body).toMatchObject({ items: [], total: 0 })
    const disabledFilter = await call(auth, adminA, 'GET', '/users?disabled=true')
    expect(disabledFilter.body).toMatchObject({ items: [], total: 0 })
  })

  it('should refuse a client of another studio for an integration user', async () => {
    const { status, body } = await call(auth, adminA, 'POST', '/users', {
      username: 'APIREST_ALTRUI',
      kind: 'integration',
      description: 'Cliente di un altro studio',
      clientId: otherStudio.companyId,
      classes: [],
    })
    expect(status).toBe(422)
    expect(body.code).toBe('INTEGRATION_CLIENT_INVALID')
  })

  it('should add the own studio code to new user names, so names of another studio stay out of reach', async () => {
    const { status, body } = await call(auth, adminA, 'POST', '/users', {
      username: 'OPERATORE2',
      kind: 'operator',
      description: 'Nuovo',
      classes: [],
    })
    expect(status).toBe(201)
    expect(body.user.username).toBe('OPERATORE2@iso0a')
    const adminB = await adminToken(auth, 'iso0b')
    const seenByB = await call(auth, adminB, 'GET', '/users?username=operatore2')
    expect(seenByB.body.total).toBe(0)
    const readByB = await call(auth, adminB, 'GET', `/users/${body.user.id}`)
    expect(readByB.status).toBe(404)
  })
})
