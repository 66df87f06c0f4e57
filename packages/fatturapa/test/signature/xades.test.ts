import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { verifyXades } from '../../src/signature/index.js'
import { reference } from '../support/reference.js'
import { opensslTime, TestPki, type TestSigner } from './support/pki.js'
import { signXades } from './support/xades.js'

const invoice = readFileSync(reference('fatturapa', 'samples', 'IT01234567890_FPR01.xml'), 'utf8')

let pki: TestPki
let signer: TestSigner
let other: TestSigner
let expired: TestSigner

beforeAll(() => {
  pki = new TestPki()
  signer = pki.issue({ name: 'ROSSI MARIO' })
  other = pki.issue({ name: 'BIANCHI LUCA' })
  expired = pki.issue({ name: 'SCADUTO', startDate: '20200101000000Z', endDate: opensslTime(new Date('2021-01-01T00:00:00Z')) })
})

afterAll(() => pki.dispose())

describe('verifyXades', () => {
  it('accepts a XAdES-BES enveloped invoice', async () => {
    const signed = signXades(invoice, signer)
    const result = await verifyXades(signed, { trustedRoots: [pki.caPem] })
    expect(result).toMatchObject({ valid: true, message: 'valid' })
    expect(result.signer?.subject).toContain('CN=ROSSI MARIO')
    expect(Math.abs((result.signingTime?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000)
    // Bytes in, bytes out: the caller gets back exactly what was verified.
    const bytes = new Uint8Array(Buffer.from(`\uFEFF${signed}`, 'utf8'))
    const fromBytes = await verifyXades(bytes)
    expect(fromBytes.valid).toBe(true)
    expect(fromBytes.content).toBe(bytes)
  })

  it('refuses an altered invoice with 00102', async () => {
    const signed = signXades(invoice, signer)
    const tampered = signed.replace('<Numero>123</Numero>', '<Numero>124</Numero>')
    expect(tampered).not.toBe(signed)
    expect(await verifyXades(tampered)).toMatchObject({ valid: false, code: '00102', problem: 'reference-mismatch' })
  })

  it('refuses altered signed properties with 00102', async () => {
    const signed = signXades(invoice, signer, { signingTime: '2026-01-01T10:00:00Z' })
    const tampered = signed.replace('2026-01-01T10:00:00Z', '2025-01-01T10:00:00Z')
    expect(await verifyXades(tampered)).toMatchObject({ valid: false, code: '00102', problem: 'reference-mismatch' })
  })

  it('refuses an altered signature value with 00102', async () => {
    const signed = signXades(invoice, signer)
    const tampered = signed.replace(/<ds:SignatureValue>(.)/, (_match, first: string) => `<ds:SignatureValue>${first === 'A' ? 'B' : 'A'}`)
    expect(await verifyXades(tampered)).toMatchObject({ valid: false, code: '00102', problem: 'signature-mismatch' })
  })

  it('gives 00103 without SigningTime', async () => {
    const result = await verifyXades(signXades(invoice, signer, { signingTime: null }))
    expect(result).toMatchObject({ valid: false, code: '00103', problem: 'signing-time-missing' })
    expect(result.signer?.subject).toContain('CN=ROSSI MARIO')
  })

  it('refuses a Reference with an external URI', async () => {
    for (const uri of ['http://example.com/logo.png', 'file:///etc/passwd', '#xpointer(/)']) {
      expect(await verifyXades(signXades(invoice, signer, { extraReferenceUri: uri }))).toMatchObject({
        valid: false,
        code: '00102',
        problem: 'reference-not-allowed',
      })
    }
  })

  it('refuses a signature that does not cover the document', async () => {
    expect(await verifyXades(signXades(invoice, signer, { noDocumentReference: true }))).toMatchObject({
      code: '00102',
      problem: 'document-not-signed',
    })
  })

  it('refuses SignedProperties that are not signed, and a SigningCertificate naming another certificate', async () => {
    expect(await verifyXades(signXades(invoice, signer, { unsignedProperties: true }))).toMatchObject({
      code: '00102',
      problem: 'signed-properties-not-signed',
    })
    expect(await verifyXades(signXades(invoice, signer, { signingCertificateOf: other }))).toMatchObject({
      code: '00102',
      problem: 'signing-certificate-mismatch',
    })
  })

  it('gives 00100 for a certificate expired at signing time, 00105 after reception, 00104 when untrusted', async () => {
    expect(await verifyXades(signXades(invoice, expired))).toMatchObject({ code: '00100', problem: 'certificate-expired' })
    expect((await verifyXades(signXades(invoice, expired, { signingTime: '2020-06-01T12:00:00+02:00' }))).valid).toBe(true)
    const signed = signXades(invoice, signer)
    expect(await verifyXades(signed, { at: new Date(Date.now() - 3_600_000) })).toMatchObject({ code: '00105' })
    const stranger = new TestPki('Another CA')
    try {
      expect(await verifyXades(signed, { trustedRoots: [stranger.caDer] })).toMatchObject({ code: '00104', problem: 'untrusted' })
    } finally {
      stranger.dispose()
    }
  })

  it.each([
    ['an unsigned invoice', invoice, 'unsigned'],
    ['malformed XML', '<p:FatturaElettronica>', 'malformed'],
    ['a DOCTYPE', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', 'malformed'],
    ['empty input', '', 'malformed'],
  ])('refuses %s with 00102 without crashing', async (_label, xml, problem) => {
    expect(await verifyXades(xml)).toMatchObject({ valid: false, code: '00102', problem })
  })
})
