// Real: PostgreSQL, Redis and an SMTP server (smtp-server) on loopback. Nothing is mocked.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type AuthTest, startAuthTest, testProvisioningKey } from '../support/auth-test.js'

describe('studio provisioning', () => {
  let auth: AuthTest
  beforeAll(async () => {
    auth = await startAuthTest()
  })
  afterAll(async () => auth?.close())

  const body = {
    code: 'wt00001',
    name: 'Studio Bianchi',
    email: 'segreteria@bianchi.example',
    company: { denominazione: 'Bianchi S.r.l.', partitaIva: '01234567897', codiceDestinatario: 'krrh6b9' },
  }

  it('refuses a request without the provisioning key', async () => {
    const response = await auth.service.app.inject({ method: 'POST', url: '/provisioning/studios', payload: body })
    expect(response.statusCode).toBe(401)
    expect(response.json().code).toBe('UNAUTHORIZED')
    const wrong = await auth.service.app.inject({
      method: 'POST',
      url: '/provisioning/studios',
      headers: { 'x-provisioning-key': `${testProvisioningKey}x` },
      payload: body,
    })
    expect(wrong.statusCode).toBe(401)
  })

  it('creates the studio with ADM, operator and APIREST users and e-mails their credentials', async () => {
    const response = await auth.service.app.inject({
      method: 'POST',
      url: '/provisioning/studios',
      headers: { 'x-provisioning-key': testProvisioningKey },
      payload: body,
    })
    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({
      code: 'wt00001',
      users: { admin: 'ADM@wt00001', operator: 'OPERATORE@wt00001', integration: 'APIREST_wt00001@wt00001' },
      credentialsEmailSent: true,
    })
    const mail = await auth.smtp.waitFor((message) => message.to.includes('segreteria@bianchi.example'))
    expect(mail.subject).toBe('Credenziali di accesso a fatturapa-hub')
    expect(mail.text).toMatch(/Utente AMMINISTRATORE: ADM@wt00001\nPassword utente AMMINISTRATORE: \S{16}\n/)
    expect(mail.text).toContain('Utente APIREST: APIREST_wt00001@wt00001')
    const admin = await auth.findUser('ADM@wt00001')
    expect(admin).toMatchObject({ kind: 'admin', active: true, passwordIsSystem: true })
    expect(admin.passwordHash).toMatch(/^\$argon2id\$/)
    const integration = await auth.findUser('apirest_wt00001@WT00001')
    expect(integration).toMatchObject({ kind: 'integration', passwordIsSystem: false, passwordValidityDays: 0 })
  })

  it('answers 409 for a code already in use and 422 for a wrong check digit', async () => {
    const again = await auth.service.app.inject({
      method: 'POST',
      url: '/provisioning/studios',
      headers: { 'x-provisioning-key': testProvisioningKey },
      payload: body,
    })
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('STUDIO_CODE_TAKEN')
    const badVat = await auth.service.app.inject({
      method: 'POST',
      url: '/provisioning/studios',
      headers: { 'x-provisioning-key': testProvisioningKey },
      payload: { ...body, code: 'wt00002', company: { ...body.company, partitaIva: '01234567890' } },
    })
    expect(badVat.statusCode).toBe(422)
    expect(badVat.json().errors).toEqual([expect.objectContaining({ path: '/partitaIva', code: 'PARTITA_IVA_INVALID' })])
  })

  it('refuses studio codes too long to leave the APIREST user a valid password', async () => {
    const response = await auth.service.app.inject({
      method: 'POST',
      url: '/provisioning/studios',
      headers: { 'x-provisioning-key': testProvisioningKey },
      payload: { ...body, code: 'studio123456' },
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().code).toBe('VALIDATION_FAILED')
  })

  it('publishes the token keys at the JWKS endpoint without authentication', async () => {
    const response = await auth.service.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
    expect(response.statusCode).toBe(200)
    const [key] = response.json().keys
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256' })
    expect(key.d).toBeUndefined()
  })

  it('keeps the signing keys and the CA key sealed in the database and reopens them after a restart', async () => {
    const rows = (await auth.service.orm.em
      .fork()
      .getConnection()
      .execute('select name, value from platform_secret order by name')) as Array<{ name: string; value: string }>
    expect(rows.map((row) => row.name)).toEqual(['client-ca', 'signing-keys'])
    for (const row of rows) {
      expect(row.value).toMatch(/^v1\./)
      expect(row.value).not.toContain('PRIVATE KEY')
    }
    const token = await auth.tokenFor('ADM@wt00001')
    const { openAuthRuntime } = await import('../../src/runtime.js')
    const reopened = await openAuthRuntime(auth.service.orm.em.fork(), auth.service.config, auth.service.app.authRuntime.mailer)
    expect(reopened.keyRing.current.kid).toBe(auth.service.app.authRuntime.keyRing.current.kid)
    await expect(reopened.verifier.verify(token)).resolves.toMatchObject({ username: 'ADM@wt00001', mustChangePassword: true })
    expect(reopened.ca.certificatePem).toBe(auth.service.app.authRuntime.ca.certificatePem)
  })
})
