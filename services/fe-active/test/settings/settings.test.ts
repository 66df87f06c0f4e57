// Real: PostgreSQL, Redis, fe-active built as its server builds it, tokens through a JWKS server.
import { randomUUID } from 'node:crypto'
import { Permissions } from '@fatturapa-hub/shared'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Invoice } from '../../src/invoices/invoice.entity.js'
import { commandInvoice } from '../../src/invoices/transitions.js'
import { assertSubmissionAllowed } from '../../src/settings/submission-guard.js'
import { type FeActiveTest, startFeActiveTest } from '../support/fe-active-test.js'
import { sampleInvoice } from '../support/samples.js'

const studio = randomUUID()

describe('fe-active studio parameters and deletion', () => {
  let test: FeActiveTest
  let admin: string
  const call = (method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: object, headers: Record<string, string> = {}) =>
    test.running.app.inject({ method, url, headers: { authorization: `Bearer ${admin}`, ...headers }, ...(payload ? { payload } : {}) })
  const values = (overrides: object = {}) => ({
    feAttivaEnabled: true,
    deletionPolicy: 'default',
    requireContractAcceptance: false,
    notificationUserClass: null,
    defaultChannel: 'sdicoop',
    ...overrides,
  })
  const submit = async () => {
    const response = await test.running.app.inject({
      method: 'POST',
      url: '/invoices',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/xml' },
      payload: sampleInvoice(),
    })
    expect(response.statusCode).toBe(201)
    return response.json().id as string
  }

  beforeAll(async () => {
    test = await startFeActiveTest({ name: 'fe-active-settings-test' })
    admin = await test.issuer.sign({
      studio,
      permissions: [Permissions.FeActiveSend, Permissions.FeActiveRead, Permissions.FeActiveSettings],
    })
    await test.seedClient(studio, '01234567890')
  })
  afterAll(async () => {
    await test?.close()
  })

  it('reads the defaults, saves with If-Match and refuses a stale version with 409', async () => {
    const initial = await call('GET', '/settings/fe-attiva')
    expect(initial.statusCode).toBe(200)
    expect(initial.headers.etag).toBe('"0"')
    expect(initial.json()).toMatchObject({ ...values(), version: 0, updatedAt: null })
    const classId = 'operatori-fatture-attive'
    const saved = await call('PUT', '/settings/fe-attiva', values({ notificationUserClass: classId }), { 'if-match': '"0"' })
    expect(saved.statusCode).toBe(200)
    expect(saved.json()).toMatchObject({ notificationUserClass: classId, version: 1 })
    const stale = await call('PUT', '/settings/fe-attiva', values(), { 'if-match': '"0"' })
    expect(stale.statusCode).toBe(409)
    expect(stale.json().code).toBe('SETTINGS_VERSION_CONFLICT')
    const staleBody = await call('PUT', '/settings/fe-attiva', values({ version: 0 }))
    expect(staleBody.statusCode).toBe(409)
    const unknown = await call('PUT', '/settings/fe-attiva', values({ notificationUserClass: 'no-such-class' }), { 'if-match': '"1"' })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json().code).toBe('UNKNOWN_USER_CLASS')
    const operator = await test.issuer.sign({ studio, permissions: [Permissions.FeActiveSend, Permissions.FeActiveRead] })
    const forbidden = await test.running.app.inject({
      method: 'GET',
      url: '/settings/fe-attiva',
      headers: { authorization: `Bearer ${operator}` },
    })
    expect(forbidden.statusCode).toBe(403)
  })

  it('deletes before transmission, refuses after it, and refuses everything under the never policy', async () => {
    const draft = await submit()
    expect((await call('DELETE', `/invoices/${draft}`)).statusCode).toBe(204)
    const deleted = await test.running.orm.em.fork().findOneOrFail(Invoice, { id: draft })
    expect(deleted.stateSnapshot.deleted).toBe(true)
    expect((await call('DELETE', `/invoices/${draft}`)).statusCode).toBe(404)

    const sent = await submit()
    const em = test.running.orm.em.fork()
    const invoice = await em.findOneOrFail(Invoice, { id: sent })
    commandInvoice(em, invoice, { kind: 'sign' }, { at: new Date() })
    commandInvoice(em, invoice, { kind: 'submit', fileName: 'IT01234567890_00001.xml.p7m' }, { at: new Date() })
    await em.flush()
    const refused = await call('DELETE', `/invoices/${sent}`)
    expect(refused.statusCode).toBe(409)
    expect(refused.json().code).toBe('INVOICE_STATE_CONFLICT')

    const version = (await call('GET', '/settings/fe-attiva')).json().version as number
    expect((await call('PUT', '/settings/fe-attiva', values({ deletionPolicy: 'never', version }))).statusCode).toBe(200)
    const never = await call('DELETE', `/invoices/${await submit()}`)
    expect(never.statusCode).toBe(409)
    expect(never.json().code).toBe('INVOICE_DELETION_DISABLED')
  })

  it('refuses submissions when the service is disabled', async () => {
    const version = (await call('GET', '/settings/fe-attiva')).json().version as number
    expect(
      (await call('PUT', '/settings/fe-attiva', values({ feAttivaEnabled: false, requireContractAcceptance: true, version }))).statusCode,
    ).toBe(200)
    await expect(assertSubmissionAllowed(test.running.orm.em.fork(), studio)).rejects.toMatchObject({
      code: 'FE_ATTIVA_DISABLED',
      statusCode: 422,
    })
    await expect(assertSubmissionAllowed(test.running.orm.em.fork(), randomUUID())).resolves.toBeUndefined()
  })
})
