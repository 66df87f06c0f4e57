import { X509Certificate } from 'node:crypto'
import { beforeAll, describe, expect, it } from '@jest/globals'
import forge from 'node-forge'
import { createCa, type PlatformCa } from '../../src/certificates/ca.js'
import { type IssuedCertificate, issueClientCertificate } from '../../src/certificates/issue.js'
import { partitaIvaOfSubject, studioOfSubject, verificationFailureToError, verifyClientCertificate } from '../../src/certificates/verify.js'
import { nodeCsr, studioA, studioB, vatA, vatB } from './fixtures.js'

const notRevoked = () => false

describe('verifyClientCertificate', () => {
  let ca: PlatformCa
  let otherCa: PlatformCa
  let issued: IssuedCertificate

  beforeAll(async () => {
    ;[ca, otherCa] = await Promise.all([
      createCa({ organization: 'fatturapa-hub', keyBits: 2048 }),
      createCa({ organization: 'Somebody else', keyBits: 2048 }),
    ])
    issued = issueClientCertificate(ca, { csrPem: nodeCsr(`${vatA}.cert`).csrPem, partitaIva: vatA, studioId: studioA, validityDays: 30 })
  })

  it('accepts a valid certificate of the expected VAT number as PEM, DER or a peer certificate', async () => {
    const der = new X509Certificate(issued.certificatePem).raw
    for (const presented of [issued.certificatePem, der, { raw: der }]) {
      await expect(
        verifyClientCertificate(ca.certificatePem, presented, { expectedPartitaIva: vatA, expectedStudio: studioA, isRevoked: notRevoked }),
      ).resolves.toEqual({
        ok: true,
        partitaIva: vatA,
        studioId: studioA,
        serialNumber: issued.serialNumber,
      })
    }
  })

  it('refuses a certificate of another CA, even with the same subject', async () => {
    const foreign = issueClientCertificate(otherCa, {
      csrPem: nodeCsr(`${vatA}.cert`).csrPem,
      partitaIva: vatA,
      studioId: studioA,
      validityDays: 30,
    })
    const result = await verifyClientCertificate(ca.certificatePem, foreign.certificatePem, {
      expectedPartitaIva: vatA,
      expectedStudio: studioA,
      isRevoked: notRevoked,
    })
    expect(result).toMatchObject({ ok: false, code: 'CERTIFICATE_UNTRUSTED' })
  })

  it('refuses the CA certificate itself', async () => {
    const result = await verifyClientCertificate(ca.certificatePem, ca.certificatePem, {
      expectedPartitaIva: vatA,
      expectedStudio: studioA,
      isRevoked: notRevoked,
    })
    expect(result).toMatchObject({ ok: false, code: 'CERTIFICATE_UNTRUSTED' })
  })

  it('refuses an expired and a not yet valid certificate', async () => {
    const longAgo = new Date(Date.now() - 400 * 86400_000)
    const expired = issueClientCertificate(ca, {
      csrPem: nodeCsr(vatA).csrPem,
      partitaIva: vatA,
      studioId: studioA,
      validityDays: 30,
      now: longAgo,
    })
    const options = { expectedPartitaIva: vatA, expectedStudio: studioA, isRevoked: notRevoked }
    await expect(verifyClientCertificate(ca.certificatePem, expired.certificatePem, options)).resolves.toMatchObject({
      ok: false,
      code: 'CERTIFICATE_EXPIRED',
    })
    const future = new Date(Date.now() + 31 * 86400_000)
    await expect(verifyClientCertificate(ca.certificatePem, issued.certificatePem, { ...options, at: future })).resolves.toMatchObject({
      code: 'CERTIFICATE_EXPIRED',
    })
    const past = new Date(Date.now() - 86400_000)
    await expect(verifyClientCertificate(ca.certificatePem, issued.certificatePem, { ...options, at: past })).resolves.toMatchObject({
      code: 'CERTIFICATE_EXPIRED',
    })
  })

  it('refuses a revoked certificate, asking with the canonical serial', async () => {
    const asked: string[] = []
    const result = await verifyClientCertificate(ca.certificatePem, issued.certificatePem, {
      expectedPartitaIva: vatA,
      expectedStudio: studioA,
      isRevoked: async (serial) => {
        asked.push(serial)
        return serial === issued.serialNumber
      },
    })
    expect(result).toMatchObject({ ok: false, code: 'CERTIFICATE_REVOKED' })
    expect(asked).toEqual([issued.serialNumber])
  })

  it('refuses the certificate of another VAT number', async () => {
    const result = await verifyClientCertificate(new X509Certificate(ca.certificatePem), issued.certificatePem, {
      expectedPartitaIva: vatB,
      expectedStudio: studioA,
      isRevoked: notRevoked,
    })
    expect(result).toMatchObject({ ok: false, code: 'CERTIFICATE_VAT_MISMATCH' })
    if (!result.ok) expect(verificationFailureToError(result).statusCode).toBe(403)
  })

  it('refuses a certificate of the same VAT number issued by another studio (403), and one naming no studio', async () => {
    // One company, client of two studios: studio B's certificate must not open studio A's integration user.
    const ofStudioB = issueClientCertificate(ca, {
      csrPem: nodeCsr(`${vatA}.cert`).csrPem,
      partitaIva: vatA,
      studioId: studioB,
      validityDays: 30,
    })
    const refused = await verifyClientCertificate(ca.certificatePem, ofStudioB.certificatePem, {
      expectedPartitaIva: vatA,
      expectedStudio: studioA,
      isRevoked: notRevoked,
    })
    expect(refused).toMatchObject({ ok: false, code: 'CERTIFICATE_STUDIO_MISMATCH' })
    if (!refused.ok) expect(verificationFailureToError(refused).statusCode).toBe(403)
    await expect(
      verifyClientCertificate(ca.certificatePem, ofStudioB.certificatePem, {
        expectedPartitaIva: vatA,
        expectedStudio: studioB,
        isRevoked: notRevoked,
      }),
    ).resolves.toMatchObject({ ok: true, studioId: studioB })
    // An empty expectation is no wildcard.
    await expect(
      verifyClientCertificate(ca.certificatePem, issued.certificatePem, {
        expectedPartitaIva: vatA,
        expectedStudio: '',
        isRevoked: notRevoked,
      }),
    ).resolves.toMatchObject({ ok: false, code: 'CERTIFICATE_STUDIO_MISMATCH' })

    // As issued before certificates were bound to a studio: CN and serialNumber only.
    const { csrPem } = nodeCsr(vatA)
    const csr = forge.pki.certificationRequestFromPem(csrPem)
    const legacy = forge.pki.createCertificate()
    legacy.publicKey = csr.publicKey as forge.pki.rsa.PublicKey
    legacy.serialNumber = '02'
    legacy.validity.notBefore = new Date(Date.now() - 60_000)
    legacy.validity.notAfter = new Date(Date.now() + 86400_000)
    legacy.setSubject([
      { type: '2.5.4.3', value: `${vatA}.cert` },
      { type: '2.5.4.5', value: `IT${vatA}` },
    ])
    legacy.setIssuer(ca.certificate.subject.attributes)
    legacy.setExtensions([{ name: 'extKeyUsage', clientAuth: true }])
    legacy.sign(ca.privateKey, forge.md.sha256.create())
    await expect(
      verifyClientCertificate(ca.certificatePem, forge.pki.certificateToPem(legacy), {
        expectedPartitaIva: vatA,
        expectedStudio: studioA,
        isRevoked: notRevoked,
      }),
    ).resolves.toMatchObject({ ok: false, code: 'CERTIFICATE_STUDIO_MISMATCH' })
  })

  it('refuses a certificate of our CA that is not for client auth', async () => {
    // Signed by our CA key on purpose: a server certificate must not open the client door.
    const { csrPem } = nodeCsr(vatA)
    const csr = forge.pki.certificationRequestFromPem(csrPem)
    const certificate = forge.pki.createCertificate()
    certificate.publicKey = csr.publicKey as forge.pki.rsa.PublicKey
    certificate.serialNumber = '01'
    certificate.validity.notBefore = new Date(Date.now() - 60_000)
    certificate.validity.notAfter = new Date(Date.now() + 86400_000)
    certificate.setSubject([{ type: '2.5.4.3', value: `${vatA}.cert` }])
    certificate.setIssuer(ca.certificate.subject.attributes)
    certificate.setExtensions([{ name: 'extKeyUsage', serverAuth: true }])
    certificate.sign(ca.privateKey, forge.md.sha256.create())
    const result = await verifyClientCertificate(ca.certificatePem, forge.pki.certificateToPem(certificate), {
      expectedPartitaIva: vatA,
      expectedStudio: studioA,
      isRevoked: notRevoked,
    })
    expect(result).toMatchObject({ ok: false, code: 'CERTIFICATE_NOT_CLIENT_AUTH' })
    if (!result.ok) expect(verificationFailureToError(result).statusCode).toBe(401)
  })

  it('reports a missing or unreadable certificate', async () => {
    const options = { expectedPartitaIva: vatA, expectedStudio: studioA, isRevoked: notRevoked }
    await expect(verifyClientCertificate(ca.certificatePem, {}, options)).resolves.toMatchObject({ code: 'CERTIFICATE_MISSING' })
    await expect(verifyClientCertificate(ca.certificatePem, '', options)).resolves.toMatchObject({ code: 'CERTIFICATE_MISSING' })
    await expect(verifyClientCertificate(ca.certificatePem, Buffer.from('garbage'), options)).resolves.toMatchObject({
      code: 'CERTIFICATE_MALFORMED',
    })
  })

  it('propagates a failing revocation lookup instead of guessing', async () => {
    const isRevoked = async () => {
      throw new Error('database down')
    }
    await expect(
      verifyClientCertificate(ca.certificatePem, issued.certificatePem, { expectedPartitaIva: vatA, expectedStudio: studioA, isRevoked }),
    ).rejects.toThrow('database down')
  })

  it('reads the VAT number only from a well-formed subject', () => {
    expect(partitaIvaOfSubject(`CN=${vatA}.cert\nserialNumber=IT${vatA}`)).toBe(vatA)
    expect(partitaIvaOfSubject(`CN=${vatA}.cert`)).toBe(vatA)
    expect(partitaIvaOfSubject(`CN=${vatA}`)).toBeUndefined()
    expect(partitaIvaOfSubject(`CN=${vatA}.cert\nserialNumber=IT${vatB}`)).toBeUndefined()
    expect(partitaIvaOfSubject(`CN=${vatA}.cert\nCN=${vatB}.cert`)).toBeUndefined()
  })

  it('reads the studio only from exactly one OU `studio:<id>`', () => {
    expect(studioOfSubject(`CN=${vatA}.cert\nserialNumber=IT${vatA}\nOU=studio:${studioA}`)).toBe(studioA)
    expect(studioOfSubject(`CN=${vatA}.cert\nserialNumber=IT${vatA}`)).toBeUndefined()
    expect(studioOfSubject(`CN=${vatA}.cert\nOU=${studioA}`)).toBeUndefined()
    expect(studioOfSubject(`CN=${vatA}.cert\nOU=studio:${studioA}\nOU=studio:${studioB}`)).toBeUndefined()
    expect(studioOfSubject(`CN=${vatA}.cert\nOU=studio:`)).toBeUndefined()
    expect(studioOfSubject(`CN=${vatA}.cert\nOU=studio:${studioA}\\, x`)).toBeUndefined()
    expect(new X509Certificate(issued.certificatePem).subject).toBe(`CN=${vatA}.cert\nserialNumber=IT${vatA}\nOU=studio:${studioA}`)
  })
})
