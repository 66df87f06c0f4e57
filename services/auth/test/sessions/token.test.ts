// Real: PostgreSQL, Redis and an SMTP server on loopback, the platform CA and X.509 certificates. Nothing is mocked.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ClientCertificate } from '../../src/certificates/client-certificate.entity.js'
import { issueClientCertificate } from '../../src/certificates/issue.js'
import { assertClientCertificate, integrationCertificateHolder } from '../../src/sessions/client-certificate.js'
import type { ProvisionedStudio } from '../../src/studios/provision.js'
import { nodeCsr, vatA, vatB } from '../certificates/fixtures.js'
import { type AuthTest, startAuthTest } from '../support/auth-test.js'
import { claimsOf, post } from './helpers.js'

/**
 * Issues a certificate with the platform CA and records it as the certificate routes do: named after and owned by
 * `studio`'s company. `recordedFor` records it for another studio or client than the one it names, as only a tampered
 * database could.
 */
async function certificateFor(
  auth: AuthTest,
  studio: ProvisionedStudio,
  partitaIva: string,
  options: { revoked?: boolean; stored?: boolean; recordedFor?: { studioId?: string; clientId?: string } } = {},
) {
  const issued = issueClientCertificate(auth.service.app.authRuntime.ca, {
    csrPem: nodeCsr(`${partitaIva}.cert`).csrPem,
    partitaIva,
    studioId: studio.studio.id,
    validityDays: 30,
  })
  if (options.stored !== false) {
    const em = auth.service.orm.em.fork()
    em.create(ClientCertificate, {
      serialNumber: issued.serialNumber,
      studioId: options.recordedFor?.studioId ?? studio.studio.id,
      clientId: options.recordedFor?.clientId ?? studio.company.id,
      partitaIva,
      certificatePem: issued.certificatePem,
      fingerprintSha256: issued.fingerprintSha256,
      notBefore: issued.notBefore,
      notAfter: issued.notAfter,
      issuedAt: new Date(),
      issuedBy: null,
      revokedAt: options.revoked === true ? new Date() : null,
      revocationReason: options.revoked === true ? 'keyCompromise' : null,
    })
    await em.flush()
  }
  return { 'x-client-certificate': encodeURIComponent(issued.certificatePem) }
}

describe('sessions: APIREST tokens', () => {
  let auth: AuthTest
  let studio: ProvisionedStudio
  beforeAll(async () => {
    auth = await startAuthTest({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' })
    studio = await auth.provision('tk00001')
  })
  afterAll(async () => auth?.close())

  describe('POST /sessions/token', () => {
    it('gives the APIREST user a session whose token carries its client VAT number', async () => {
      const answer = await post(auth, '/sessions/token', {
        username: studio.users.integration.username,
        password: studio.passwords.integration,
      })
      expect(answer.status).toBe(200)
      expect(answer.body).toMatchObject({ tokenType: 'Bearer', mustChangePassword: false, passwordExpiresAt: null, warnings: [] })
      expect(typeof answer.body.refreshToken).toBe('string')
      const claims = await claimsOf(auth, answer.body.accessToken)
      expect(claims).toMatchObject({ kind: 'integration', partitaIva: studio.company.partitaIva })
    })

    it('refuses administrators and operators after a correct password', async () => {
      const answer = await post(auth, '/sessions/token', { username: studio.users.admin.username, password: studio.passwords.admin })
      expect(answer).toMatchObject({ status: 403, body: { code: 'INTEGRATION_USER_REQUIRED' } })
      const wrong = await post(auth, '/sessions/token', { username: studio.users.operator.username, password: 'wrong.password.1' })
      expect(wrong).toMatchObject({ status: 401, body: { code: 'INVALID_CREDENTIALS', attemptsLeft: 2 } })
    })

    it('locks the APIREST user out on the third wrong password', async () => {
      const s = await auth.provision('tk00002')
      const attempt = () => post(auth, '/sessions/token', { username: s.users.integration.username, password: 'wrong.password' })
      expect((await attempt()).status).toBe(401)
      expect((await attempt()).status).toBe(401)
      expect(await attempt()).toMatchObject({ status: 403, body: { code: 'USER_DISABLED' } })
      const right = await post(auth, '/sessions/token', { username: s.users.integration.username, password: s.passwords.integration })
      expect(right).toMatchObject({ status: 403, body: { code: 'USER_DISABLED' } })
      expect(await auth.findUser(s.users.integration.username)).toMatchObject({ disabledReason: 'failed-logins' })
    })

    it('does not ask for a client certificate when the mode is off', async () => {
      const answer = await post(
        auth,
        '/sessions/token',
        { username: studio.users.integration.username, password: studio.passwords.integration },
        { 'x-client-certificate': 'garbage' },
      )
      expect(answer.status).toBe(200)
    })
  })
})

describe('sessions: APIREST tokens with client certificates required', () => {
  let auth: AuthTest
  let studio: ProvisionedStudio
  const credentials = () => ({ username: studio.users.integration.username, password: studio.passwords.integration })
  const holderOf = (of: ProvisionedStudio) => integrationCertificateHolder(auth.service.orm.em.fork(), of.users.integration)
  beforeAll(async () => {
    auth = await startAuthTest({ CLIENT_CERTIFICATE_REQUIRED: 'true', LOGIN_RATE_LIMIT_PER_MINUTE: '1000' })
    studio = await auth.provision('mt00001', { partitaIva: vatA })
  })
  afterAll(async () => auth?.close())

  it('refuses a request without a certificate with 401', async () => {
    const answer = await post(auth, '/sessions/token', credentials())
    expect(answer).toMatchObject({ status: 401, body: { code: 'CERTIFICATE_MISSING' } })
  })

  it('accepts a valid certificate of the client VAT number', async () => {
    const answer = await post(auth, '/sessions/token', credentials(), await certificateFor(auth, studio, vatA))
    expect(answer.status).toBe(200)
    expect((await claimsOf(auth, answer.body.accessToken)).partitaIva).toBe(vatA)
  })

  it('refuses a certificate of another VAT number with 403', async () => {
    const answer = await post(auth, '/sessions/token', credentials(), await certificateFor(auth, studio, vatB))
    expect(answer).toMatchObject({ status: 403, body: { code: 'CERTIFICATE_VAT_MISMATCH' } })
  })

  it('refuses a revoked certificate, and one the platform has no record of, with 401', async () => {
    const revoked = await post(auth, '/sessions/token', credentials(), await certificateFor(auth, studio, vatA, { revoked: true }))
    expect(revoked).toMatchObject({ status: 401, body: { code: 'CERTIFICATE_REVOKED' } })
    const unknown = await post(auth, '/sessions/token', credentials(), await certificateFor(auth, studio, vatA, { stored: false }))
    expect(unknown).toMatchObject({ status: 401, body: { code: 'CERTIFICATE_REVOKED' } })
  })

  it('refuses a header that is not a certificate with 401', async () => {
    const answer = await post(auth, '/sessions/token', credentials(), { 'x-client-certificate': encodeURIComponent('not a certificate') })
    expect(answer).toMatchObject({ status: 401, body: { code: 'CERTIFICATE_MALFORMED' } })
    const undecodable = await post(auth, '/sessions/token', credentials(), { 'x-client-certificate': '%E0%A4%A' })
    expect(undecodable).toMatchObject({ status: 401, body: { code: 'CERTIFICATE_MALFORMED' } })
  })

  it('checks the password before the certificate', async () => {
    const answer = await post(auth, '/sessions/token', { ...credentials(), password: 'wrong.password' })
    expect(answer).toMatchObject({ status: 401, body: { code: 'INVALID_CREDENTIALS', attemptsLeft: 2 } })
    await post(auth, '/sessions/token', credentials(), await certificateFor(auth, studio, vatA))
    expect((await auth.findUser(studio.users.integration.username)).failedAttempts).toBe(0)
  })

  it('asks for the certificate again at refresh', async () => {
    const certificate = await certificateFor(auth, studio, vatA)
    const signedIn = await post(auth, '/sessions/token', credentials(), certificate)
    const refreshed = await post(auth, '/sessions/refresh', { refreshToken: signedIn.body.refreshToken }, certificate)
    expect(refreshed.status).toBe(200)
    const without = await post(auth, '/sessions/refresh', { refreshToken: refreshed.body.refreshToken })
    expect(without).toMatchObject({ status: 401, body: { code: 'CERTIFICATE_MISSING' } })
  })

  it('refuses a certificate issued by another studio to a client with the same VAT number, with 403', async () => {
    // The same company is a client of another studio, which issued its own certificate for it.
    const other = await auth.provision('mt00003', { partitaIva: vatA })
    const foreign = await certificateFor(auth, other, vatA)
    const holder = await holderOf(studio)
    await expect(
      assertClientCertificate(auth.service.orm.em, auth.service.app.authRuntime, holder, foreign['x-client-certificate']),
    ).rejects.toMatchObject({
      code: 'CERTIFICATE_STUDIO_MISMATCH',
      statusCode: 403,
    })
    // ...while it opens the other studio's own integration user.
    await expect(
      assertClientCertificate(auth.service.orm.em, auth.service.app.authRuntime, await holderOf(other), foreign['x-client-certificate']),
    ).resolves.toBeUndefined()
  })

  it('refuses a certificate whose record belongs to another studio or client than the user', async () => {
    const runtime = auth.service.app.authRuntime
    const holder = await holderOf(studio)
    const ownSubject = await certificateFor(auth, studio, vatA)
    await expect(assertClientCertificate(auth.service.orm.em, runtime, holder, ownSubject['x-client-certificate'])).resolves.toBeUndefined()

    const otherStudio = await certificateFor(auth, studio, vatA, { recordedFor: { studioId: randomUUID() } })
    await expect(assertClientCertificate(auth.service.orm.em, runtime, holder, otherStudio['x-client-certificate'])).rejects.toMatchObject({
      code: 'CERTIFICATE_STUDIO_MISMATCH',
      statusCode: 403,
    })
    const otherClient = await certificateFor(auth, studio, vatA, { recordedFor: { clientId: randomUUID() } })
    await expect(assertClientCertificate(auth.service.orm.em, runtime, holder, otherClient['x-client-certificate'])).rejects.toMatchObject({
      code: 'CERTIFICATE_VAT_MISMATCH',
      statusCode: 403,
    })
  })

  it('refuses at sign-in and refresh a certificate another studio issued for the same VAT number', async () => {
    const other = await auth.provision('mt00004', { partitaIva: vatA })
    const foreign = await certificateFor(auth, other, vatA)
    const answer = await post(auth, '/sessions/token', credentials(), foreign)
    expect(answer).toMatchObject({ status: 403, body: { code: 'CERTIFICATE_STUDIO_MISMATCH' } })
    const signedIn = await post(auth, '/sessions/token', credentials(), await certificateFor(auth, studio, vatA))
    expect(signedIn.status).toBe(200)
    const refreshed = await post(auth, '/sessions/refresh', { refreshToken: signedIn.body.refreshToken }, foreign)
    expect(refreshed).toMatchObject({ status: 403, body: { code: 'CERTIFICATE_STUDIO_MISMATCH' } })
  })

  it('does not ask administrators for a certificate on the portal', async () => {
    const answer = await post(auth, '/sessions', { username: studio.users.admin.username, password: studio.passwords.admin })
    expect(answer.status).toBe(200)
  })
})
