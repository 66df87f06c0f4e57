// Real: PostgreSQL, Redis and an SMTP server on loopback; the CRL is read back with the real openssl.
import { randomUUID, X509Certificate } from 'node:crypto'
import { verifyClientCertificate } from '@fatturapa-hub/shared'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ClientCertificate } from '../../src/certificates/client-certificate.entity.js'
import { Client } from '../../src/clients/client.entity.js'
import { type AuthTest, bearer, startAuthTest } from '../support/auth-test.js'
import { nodeCsr, openssl, type TempDir, tempDir, vatB } from './fixtures.js'

const password = 'Sicura.2026-ok'
const vatStudioA = '01234567897'
const vatStudioB = '07643520567'

interface Issued {
  serialNumber: string
  certificatePem: string
  caCertificatePem: string
  fingerprintSha256: string
  notBefore: string
  notAfter: string
  partitaIva: string
}

describe('certificate routes', () => {
  let auth: AuthTest
  let dir: TempDir
  let admin: string
  let operator: string
  let integration: string
  let otherAdmin: string
  let studioId: string
  let companyId: string
  let otherCompanyId: string
  let clientWithoutVat: string

  const call = (token: string | undefined, method: 'GET' | 'POST', url: string, payload?: object) =>
    auth.service.app.inject({
      method,
      url,
      ...(token === undefined ? {} : { headers: bearer(token) }),
      ...(payload === undefined ? {} : { payload }),
    })
  const issue = async (clientId = companyId, token = admin, partitaIva = vatStudioA) => {
    const response = await call(token, 'POST', `/clients/${clientId}/certificates`, { csrPem: nodeCsr(`${partitaIva}.cert`).csrPem })
    expect(response.statusCode).toBe(201)
    return response.json() as Issued
  }

  beforeAll(async () => {
    auth = await startAuthTest()
    dir = tempDir()
    const studio = await auth.provision('ce00001', { partitaIva: vatStudioA })
    const other = await auth.provision('ce00002', { partitaIva: vatStudioB })
    studioId = studio.studio.id
    companyId = studio.company.id
    otherCompanyId = other.company.id
    for (const username of ['ADM@ce00001', 'OPERATORE@ce00001', 'ADM@ce00002']) await auth.setPassword(username, password)
    const em = auth.service.orm.em.fork()
    clientWithoutVat = randomUUID()
    em.create(Client, {
      id: clientWithoutVat,
      studioId: studio.studio.id,
      codiceSoggetto: '900',
      denominazione: 'Mario Rossi (privato)',
      codiceFiscale: 'RSSMRA80A01H501U',
      partitaIva: null,
      pec: null,
      codiceDestinatario: null,
      feAttivaEnabledAt: null,
      fePassivaEnabledAt: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    })
    await em.flush()
    admin = await auth.tokenFor('ADM@ce00001')
    operator = await auth.tokenFor('OPERATORE@ce00001')
    integration = await auth.tokenFor('APIREST_ce00001@ce00001')
    otherAdmin = await auth.tokenFor('ADM@ce00002')
  })
  afterAll(async () => {
    dir?.remove()
    await auth?.close()
  })

  it('publishes the CA certificate without authentication', async () => {
    const response = await call(undefined, 'GET', '/ca/certificate')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^application\/x-pem-file/)
    expect(response.headers['cache-control']).toMatch(/max-age=\d+/)
    const ca = new X509Certificate(response.body)
    expect(ca.ca).toBe(true)
    expect(response.body).toBe(auth.service.app.authRuntime.ca.certificatePem)
  })

  it('issues a certificate for the studio company from a CSR, trusted by the published CA', async () => {
    const issued = await issue()
    expect(issued).toMatchObject({ partitaIva: vatStudioA, caCertificatePem: auth.service.app.authRuntime.ca.certificatePem })
    expect(issued.serialNumber).toMatch(/^[0-9A-F]+$/)
    const certificate = new X509Certificate(issued.certificatePem)
    expect(certificate.subject).toBe(`CN=${vatStudioA}.cert\nserialNumber=IT${vatStudioA}\nOU=studio:${studioId}`)
    expect(certificate.fingerprint256).toBe(issued.fingerprintSha256)
    // The default validity comes from CLIENT_CERTIFICATE_VALIDITY_DAYS (730).
    const days = (Date.parse(issued.notAfter) - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(729)
    expect(days).toBeLessThanOrEqual(730)
    const verification = await verifyClientCertificate(issued.caCertificatePem, issued.certificatePem, {
      expectedPartitaIva: vatStudioA,
      expectedStudio: studioId,
      isRevoked: () => false,
    })
    expect(verification).toMatchObject({ ok: true, serialNumber: issued.serialNumber, studioId })
    const stored = await auth.service.orm.em.fork().findOneOrFail(ClientCertificate, { serialNumber: issued.serialNumber })
    expect(stored).toMatchObject({ studioId, clientId: companyId, partitaIva: vatStudioA, revokedAt: null })
  })

  it('binds the certificate to the issuing studio when two studios have a client with the same VAT number', async () => {
    const third = await auth.provision('ce00003', { partitaIva: vatStudioA })
    await auth.setPassword('ADM@ce00003', password)
    const thirdAdmin = await auth.tokenFor('ADM@ce00003')
    const issued = await issue(third.company.id, thirdAdmin, vatStudioA)
    expect(new X509Certificate(issued.certificatePem).subject).toContain(`OU=studio:${third.studio.id}`)
    const options = { expectedPartitaIva: vatStudioA, isRevoked: () => false }
    await expect(
      verifyClientCertificate(issued.caCertificatePem, issued.certificatePem, { ...options, expectedStudio: studioId }),
    ).resolves.toMatchObject({
      ok: false,
      code: 'CERTIFICATE_STUDIO_MISMATCH',
    })
    await expect(
      verifyClientCertificate(issued.caCertificatePem, issued.certificatePem, { ...options, expectedStudio: third.studio.id }),
    ).resolves.toMatchObject({ ok: true })
  })

  it('honours a requested validity and refuses one beyond the limit', async () => {
    const response = await call(admin, 'POST', `/clients/${companyId}/certificates`, {
      csrPem: nodeCsr(`${vatStudioA}.cert`).csrPem,
      validityDays: 30,
    })
    expect(response.statusCode).toBe(201)
    const days = (Date.parse(response.json().notAfter) - Date.now()) / 86_400_000
    expect(Math.round(days)).toBe(30)
    const tooLong = await call(admin, 'POST', `/clients/${companyId}/certificates`, {
      csrPem: nodeCsr(`${vatStudioA}.cert`).csrPem,
      validityDays: 826,
    })
    expect(tooLong.statusCode).toBe(400)
  })

  it('refuses a CSR for another VAT number, an unreadable CSR, and a client without partita IVA', async () => {
    const wrongCn = await call(admin, 'POST', `/clients/${companyId}/certificates`, { csrPem: nodeCsr(`${vatB}.cert`).csrPem })
    expect(wrongCn.statusCode).toBe(422)
    expect(wrongCn.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(wrongCn.json()).toMatchObject({ code: 'CERTIFICATE_VAT_MISMATCH', status: 422 })
    const garbage = await call(admin, 'POST', `/clients/${companyId}/certificates`, { csrPem: 'not a CSR' })
    expect(garbage.statusCode).toBe(400)
    expect(garbage.json().code).toBe('CERTIFICATE_CSR_INVALID')
    const noVat = await call(admin, 'POST', `/clients/${clientWithoutVat}/certificates`, { csrPem: nodeCsr(`${vatStudioA}.cert`).csrPem })
    expect(noVat.statusCode).toBe(422)
    expect(noVat.json().code).toBe('CLIENT_VAT_MISSING')
    const unknown = await call(admin, 'POST', `/clients/${randomUUID()}/certificates`, { csrPem: nodeCsr(`${vatStudioA}.cert`).csrPem })
    expect(unknown.statusCode).toBe(404)
  })

  it('lists with status, revokes once, and publishes the revocation in the CRL', async () => {
    const kept = await issue()
    const revoked = await issue()
    const expired = await issue()
    await auth.service.orm.em
      .fork()
      .nativeUpdate(ClientCertificate, { serialNumber: expired.serialNumber }, { notAfter: new Date(Date.now() - 60_000) })

    const revocation = await call(admin, 'POST', `/certificates/${revoked.serialNumber.toLowerCase()}/revocation`, {
      reason: 'keyCompromise',
    })
    expect(revocation.statusCode).toBe(200)
    const body = revocation.json()
    expect(body).toMatchObject({
      serialNumber: revoked.serialNumber,
      status: 'revoked',
      revocationReason: 'keyCompromise',
      partitaIva: vatStudioA,
    })
    const again = await call(admin, 'POST', `/certificates/${revoked.serialNumber}/revocation`, { reason: 'superseded' })
    expect(again.json()).toMatchObject({ revokedAt: body.revokedAt, revocationReason: 'keyCompromise' })

    const list = await call(admin, 'GET', `/clients/${companyId}/certificates`)
    expect(list.statusCode).toBe(200)
    const statuses = Object.fromEntries(
      (list.json().items as Array<{ serialNumber: string; status: string }>).map((item) => [item.serialNumber, item.status]),
    )
    expect(statuses[kept.serialNumber]).toBe('valid')
    expect(statuses[revoked.serialNumber]).toBe('revoked')
    expect(statuses[expired.serialNumber]).toBe('expired')
    const listed = (list.json().items as Array<{ serialNumber: string; revokedAt: string | null }>).find(
      (item) => item.serialNumber === revoked.serialNumber,
    )
    expect(listed?.revokedAt).toBe(body.revokedAt)

    const crl = await call(undefined, 'GET', '/ca/crl')
    expect(crl.statusCode).toBe(200)
    expect(crl.headers['content-type']).toMatch(/^application\/x-pem-file/)
    expect(crl.headers['cache-control']).toBe('public, max-age=60')
    const crlFile = dir.write('current.crl', crl.body)
    const caFile = dir.write('ca.pem', auth.service.app.authRuntime.ca.certificatePem)
    const text = openssl(['crl', '-inform', 'PEM', '-in', crlFile, '-noout', '-text'])
    expect(text.status).toBe(0)
    // openssl prints whole bytes (a leading 0 when the first nibble is 0); our canonical serials drop it.
    expect(crlSerials(text.stdout)).toEqual([revoked.serialNumber])
    expect(text.stdout).toContain('Key Compromise')
    // Signed by the CA.
    expect(openssl(['crl', '-in', crlFile, '-CAfile', caFile, '-noout']).status).toBe(0)
    // openssl itself refuses the revoked certificate and accepts the kept one against this CRL.
    const chain = dir.write('chain.pem', `${auth.service.app.authRuntime.ca.certificatePem}${crl.body}`)
    expect(openssl(['verify', '-crl_check', '-CAfile', chain, dir.write('revoked.pem', revoked.certificatePem)]).status).not.toBe(0)
    expect(openssl(['verify', '-crl_check', '-CAfile', chain, dir.write('kept.pem', kept.certificatePem)]).status).toBe(0)

    const der = await call(undefined, 'GET', '/ca/crl?format=der')
    expect(der.headers['content-type']).toMatch(/^application\/pkix-crl/)
    const derFile = dir.write('current.der', der.rawPayload)
    const derText = openssl(['crl', '-inform', 'DER', '-in', derFile, '-noout', '-text'])
    expect(crlSerials(derText.stdout)).toEqual([revoked.serialNumber])

    const serials = await call(undefined, 'GET', '/ca/revoked-serials')
    expect(serials.statusCode).toBe(200)
    expect(serials.json().serialNumbers).toContain(revoked.serialNumber)
    expect(serials.json().serialNumbers).not.toContain(kept.serialNumber)
  })

  it('answers 404 for an unknown serial and 400 for a malformed one', async () => {
    const unknown = await call(admin, 'POST', '/certificates/ABCDEF0123/revocation', { reason: 'unspecified' })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json().code).toBe('CERTIFICATE_NOT_FOUND')
    const zero = await call(admin, 'POST', '/certificates/0000/revocation', { reason: 'unspecified' })
    expect(zero.statusCode).toBe(400)
    expect(zero.json().code).toBe('CERTIFICATE_SERIAL_INVALID')
    const badReason = await call(admin, 'POST', '/certificates/ABCDEF0123/revocation', { reason: 'bored' })
    expect(badReason.statusCode).toBe(400)
  })

  it('requires CertificatesManage on every management route', async () => {
    const issued = await issue()
    for (const token of [operator, integration]) {
      const post = await call(token, 'POST', `/clients/${companyId}/certificates`, { csrPem: nodeCsr(`${vatStudioA}.cert`).csrPem })
      expect(post.statusCode).toBe(403)
      expect(post.json().code).toBe('FORBIDDEN')
      expect((await call(token, 'GET', `/clients/${companyId}/certificates`)).statusCode).toBe(403)
      const revoke = await call(token, 'POST', `/certificates/${issued.serialNumber}/revocation`, { reason: 'unspecified' })
      expect(revoke.statusCode).toBe(403)
    }
    expect((await call(undefined, 'GET', `/clients/${companyId}/certificates`)).statusCode).toBe(401)
    expect((await call(undefined, 'POST', `/certificates/${issued.serialNumber}/revocation`, { reason: 'unspecified' })).statusCode).toBe(
      401,
    )
  })

  it("hides another studio's clients and certificates behind 404 on every route", async () => {
    const issued = await issue()
    const post = await call(otherAdmin, 'POST', `/clients/${companyId}/certificates`, { csrPem: nodeCsr(`${vatStudioA}.cert`).csrPem })
    expect(post.statusCode).toBe(404)
    expect(post.json().code).toBe('NOT_FOUND')
    const list = await call(otherAdmin, 'GET', `/clients/${companyId}/certificates`)
    expect(list.statusCode).toBe(404)
    const revoke = await call(otherAdmin, 'POST', `/certificates/${issued.serialNumber}/revocation`, { reason: 'keyCompromise' })
    expect(revoke.statusCode).toBe(404)
    expect(revoke.json().code).toBe('CERTIFICATE_NOT_FOUND')
    const stored = await auth.service.orm.em.fork().findOneOrFail(ClientCertificate, { serialNumber: issued.serialNumber })
    expect(stored.revokedAt).toBeNull()
    // The other studio sees only its own certificates.
    const own = await issue(otherCompanyId, otherAdmin, vatStudioB)
    const ownList = (await call(otherAdmin, 'GET', `/clients/${otherCompanyId}/certificates`)).json().items as Array<{
      serialNumber: string
    }>
    expect(ownList.map((item) => item.serialNumber)).toEqual([own.serialNumber])
  })
})

/** Serial numbers of `openssl crl -text`, canonical: openssl prints whole bytes (a leading 0 for a first nibble 0). */
function crlSerials(text: string): string[] {
  return [...text.matchAll(/Serial Number:\s*([0-9A-F]+)/gi)].map((match) => (match[1] as string).toUpperCase().replace(/^0+/, ''))
}
