import { X509Certificate } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createCa, type PlatformCa } from '../../src/certificates/ca.js'
import { CertificateError } from '../../src/certificates/errors.js'
import { issueClientCertificate } from '../../src/certificates/issue.js'
import { nodeCsr, openssl, opensslCsr, studioA, studioB, type TempDir, tamperSignature, tempDir, vatA, vatB } from './fixtures.js'

function codeOf(action: () => unknown): string | undefined {
  try {
    action()
  } catch (error) {
    if (error instanceof CertificateError) return error.code
    throw error
  }
  return undefined
}

describe('issueClientCertificate', () => {
  let ca: PlatformCa
  let dir: TempDir
  let caFile: string

  beforeAll(async () => {
    ca = await createCa({ organization: 'fatturapa-hub', keyBits: 2048 })
    dir = tempDir()
    caFile = dir.write('ca.pem', ca.certificatePem)
  })
  afterAll(() => dir.remove())

  it('issues from an openssl CSR a certificate openssl verifies, for clientAuth, named after the VAT number', () => {
    const { csrPem } = opensslCsr(dir, `/CN=${vatA}.cert/O=Computer Center`)
    const issued = issueClientCertificate(ca, { csrPem, partitaIva: vatA, studioId: studioA, validityDays: 365 })
    const clientFile = dir.write('client.pem', issued.certificatePem)

    const verified = openssl(['verify', '-CAfile', caFile, '-purpose', 'sslclient', clientFile])
    expect(verified.stdout.trim()).toBe(`${clientFile}: OK`)
    const text = openssl(['x509', '-in', clientFile, '-noout', '-text']).stdout
    expect(text).toContain(`Subject: CN = ${vatA}.cert, serialNumber = IT${vatA}, OU = studio:${studioA}`)
    expect(text).toMatch(/Extended Key Usage:\s+TLS Web Client Authentication/)
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/)
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/)
    expect(text).toContain('Subject Key Identifier')
    expect(text).toContain('Authority Key Identifier')
    // The requested O is not copied: the CA alone decides the subject.
    expect(text).not.toContain('Computer Center')

    expect(issued).toMatchObject({ partitaIva: vatA, studioId: studioA })
    const x509 = new X509Certificate(issued.certificatePem)
    expect(issued.fingerprintSha256).toBe(x509.fingerprint256)
    expect(issued.notAfter.getTime() - issued.notBefore.getTime()).toBe(365 * 86400_000 + 300_000)
  })

  it('uses the AKI of the CA key and a random positive 128-bit serial', () => {
    const first = issueClientCertificate(ca, { csrPem: nodeCsr(vatA).csrPem, partitaIva: vatA, studioId: studioA, validityDays: 30 })
    const second = issueClientCertificate(ca, { csrPem: nodeCsr(vatA).csrPem, partitaIva: vatA, studioId: studioA, validityDays: 30 })
    expect(first.serialNumber).not.toBe(second.serialNumber)
    for (const issued of [first, second]) {
      expect(issued.serialNumber).toMatch(/^[1-7]?[0-9A-F]{1,31}$/)
      expect(issued.serialNumber.length).toBeGreaterThan(20)
      expect(new X509Certificate(issued.certificatePem).serialNumber.replace(/^0+/, '')).toBe(issued.serialNumber)
    }
    const text = openssl(['x509', '-in', dir.write('first.pem', first.certificatePem), '-noout', '-ext', 'authorityKeyIdentifier']).stdout
    const caKeyId = Buffer.from(ca.keyIdentifier, 'binary').toString('hex').toUpperCase().match(/../g)?.join(':')
    expect(text).toContain(caKeyId)
  })

  it('issues from a node-crypto key CSR with the bare VAT number as CN and honours a given serial', () => {
    const issued = issueClientCertificate(ca, {
      csrPem: nodeCsr(vatB, [{ type: '2.5.4.5', value: `IT${vatB}` }]).csrPem,
      partitaIva: vatB,
      studioId: studioA,
      validityDays: 10,
      serialNumber: '00ff01',
    })
    expect(issued.serialNumber).toBe('FF01')
    // High bit set: the DER INTEGER needs its 0x00 pad to stay positive.
    expect(openssl(['x509', '-in', dir.write('b.pem', issued.certificatePem), '-noout', '-serial']).stdout.trim()).toBe('serial=FF01')
  })

  it('refuses a CSR for another VAT number', () => {
    expect(
      codeOf(() =>
        issueClientCertificate(ca, { csrPem: nodeCsr(`${vatB}.cert`).csrPem, partitaIva: vatA, studioId: studioA, validityDays: 30 }),
      ),
    ).toBe('CERTIFICATE_VAT_MISMATCH')
    const { csrPem } = opensslCsr(dir, `/CN=${vatA}.cert/serialNumber=IT${vatB}`, 'mixed')
    expect(codeOf(() => issueClientCertificate(ca, { csrPem, partitaIva: vatA, studioId: studioA, validityDays: 30 }))).toBe(
      'CERTIFICATE_VAT_MISMATCH',
    )
    const noCn = opensslCsr(dir, '/O=Nobody', 'nocn').csrPem
    expect(codeOf(() => issueClientCertificate(ca, { csrPem: noCn, partitaIva: vatA, studioId: studioA, validityDays: 30 }))).toBe(
      'CERTIFICATE_VAT_MISMATCH',
    )
  })

  it('names the issuing studio in the subject, whatever OU the CSR asks for, and refuses an id unfit for a subject', () => {
    const { csrPem } = opensslCsr(dir, `/CN=${vatA}.cert/OU=studio:${studioB}`, 'ou')
    const issued = issueClientCertificate(ca, { csrPem, partitaIva: vatA, studioId: studioA, validityDays: 30 })
    expect(new X509Certificate(issued.certificatePem).subject).toBe(`CN=${vatA}.cert\nserialNumber=IT${vatA}\nOU=studio:${studioA}`)
    for (const studioId of ['', 'a,b', 'x\nOU=studio:y', `${studioA}+CN=x`]) {
      expect(() => issueClientCertificate(ca, { csrPem, partitaIva: vatA, studioId, validityDays: 30 })).toThrow(/studio/)
    }
  })

  it('refuses a partita IVA with a bad check digit', () => {
    const bad = '02038490238'
    expect(
      codeOf(() =>
        issueClientCertificate(ca, { csrPem: nodeCsr(`${bad}.cert`).csrPem, partitaIva: bad, studioId: studioA, validityDays: 30 }),
      ),
    ).toBe('CERTIFICATE_VAT_INVALID')
  })

  it('refuses a tampered, unreadable or non-RSA CSR', () => {
    const tampered = tamperSignature(opensslCsr(dir, `/CN=${vatA}.cert`, 'tampered').csrPem)
    expect(codeOf(() => issueClientCertificate(ca, { csrPem: tampered, partitaIva: vatA, studioId: studioA, validityDays: 30 }))).toBe(
      'CERTIFICATE_CSR_INVALID',
    )
    expect(codeOf(() => issueClientCertificate(ca, { csrPem: 'not a csr', partitaIva: vatA, studioId: studioA, validityDays: 30 }))).toBe(
      'CERTIFICATE_CSR_INVALID',
    )
    const ecKey = dir.write('ec.key', openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout']).stdout)
    const ecCsr = openssl(['req', '-new', '-key', ecKey, '-subj', `/CN=${vatA}.cert`]).stdout
    expect(ecCsr).toContain('CERTIFICATE REQUEST')
    expect(codeOf(() => issueClientCertificate(ca, { csrPem: ecCsr, partitaIva: vatA, studioId: studioA, validityDays: 30 }))).toBe(
      'CERTIFICATE_CSR_INVALID',
    )
  })

  it('refuses validities out of range or beyond the CA expiry', () => {
    const { csrPem } = nodeCsr(vatA)
    expect(codeOf(() => issueClientCertificate(ca, { csrPem, partitaIva: vatA, studioId: studioA, validityDays: 0 }))).toBe(
      'CERTIFICATE_VALIDITY_INVALID',
    )
    expect(codeOf(() => issueClientCertificate(ca, { csrPem, partitaIva: vatA, studioId: studioA, validityDays: 1.5 }))).toBe(
      'CERTIFICATE_VALIDITY_INVALID',
    )
    const late = new Date(ca.notAfter.getTime() - 10 * 86400_000)
    expect(codeOf(() => issueClientCertificate(ca, { csrPem, partitaIva: vatA, studioId: studioA, validityDays: 30, now: late }))).toBe(
      'CERTIFICATE_VALIDITY_INVALID',
    )
  })
})
