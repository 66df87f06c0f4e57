import { X509Certificate } from 'node:crypto'
import { beforeAll, describe, expect, it } from '@jest/globals'
import forge from 'node-forge'
import { createCa, type PlatformCa } from '../../src/certificates/ca.js'
import { type IssuedCertificate, issueClientCertificate } from '../../src/certificates/issue.js'
import { partitaIvaOfSubject, verificationFailureToError, verifyClientCertificate } from '../../src/certificates/verify.js'
import { nodeCsr, vatA, vatB } from './fixtures.js'

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
    issued = issueClientCertificate(ca, { csrPem: nodeCsr(`${vatA}.cert`).csrPem, partitaIva: vatA, validityDays: 30 })
  })

  it('accepts a valid certificate of the expected VAT number as PEM, DER or a peer certificate', async () => {
    const der = new X509Certificate(issued.certificatePem).raw
    for (const presented of [issued.certificatePem, der, { raw: der }]) {
      await expect(
        verifyClientCertificate(ca.certificatePem, presented, { expectedPartitaIva: vatA, isRevoked: notRevoked }),
      ).resolves.toEqual({
        ok: true,
        partitaIva: vatA,
        serialNumber: issued.serialNumber,
      })
    }
  })

  it('refuses a certificate of another CA, even with the same subject', async () => {
    const foreign = issueClientCertificate(otherCa, { csrPem: nodeCsr(`${vatA}.cert`).csrPem, partitaIva: vatA, validityDays: 30 })
    const result = await verifyClientCertificate(ca.certificatePem, foreign.certificatePem, {
      expectedPartitaIva: vatA,
      isRevoked: notRevoked,
    })
    expect(result).toMatchObject({ ok: false, code: 'CERTIFICATE_UNTRUSTED' })
  })

  it('refuses the CA certificate itself', async () => {
    const result = await verifyClientCertificate(ca.certificatePem, ca.certificatePem, { expectedPartitaIva: vatA, isRevoked: notRevoked })
    expect(result).toMatchObject({ ok: false, code: 'CERTIFICATE_UNTRUSTED' })
  })

  it('refuses an expired and a not yet valid certificate', async () => {
    const longAgo = new Date(Date.now() - 400 * 86400_000)
    const expired = issueClientCertificate(ca, { csrPem: nodeCsr(vatA).csrPem, partitaIva: vatA, validityDays: 30, now: longAgo })
    const options = { expectedPartitaIva: vatA, isRevoked: notRevoked }
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
      isRevoked: notRevoked,
    })
    expect(result).toMatchObject({ ok: false, code: 'CERTIFICATE_VAT_MISMATCH' })
    if (!result.ok) expect(verificationFailureToError(result).statusCode).toBe(403)
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
      isRevoked: notRevoked,
    })
    expect(result).toMatchObject({ ok: false, code: 'CERTIFICATE_NOT_CLIENT_AUTH' })
    if (!result.ok) expect(verificationFailureToError(result).statusCode).toBe(401)
  })

  it('reports a missing or unreadable certificate', async () => {
    const options = { expectedPartitaIva: vatA, isRevoked: notRevoked }
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
      verifyClientCertificate(ca.certificatePem, issued.certificatePem, { expectedPartitaIva: vatA, isRevoked }),
    ).rejects.toThrow('database down')
  })

  it('reads the VAT number only from a well-formed subject', () => {
    expect(partitaIvaOfSubject(`CN=${vatA}.cert\nserialNumber=IT${vatA}`)).toBe(vatA)
    expect(partitaIvaOfSubject(`CN=${vatA}.cert`)).toBe(vatA)
    expect(partitaIvaOfSubject(`CN=${vatA}`)).toBeUndefined()
    expect(partitaIvaOfSubject(`CN=${vatA}.cert\nserialNumber=IT${vatB}`)).toBeUndefined()
    expect(partitaIvaOfSubject(`CN=${vatA}.cert\nCN=${vatB}.cert`)).toBeUndefined()
  })
})
