import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { SigningInputError, signCades, unwrapP7m, verifyCades } from '../../src/signature/index.js'
import { reference } from '../support/reference.js'
import { openssl, opensslTime, TestPki, type TestSigner, tryOpenssl } from './support/pki.js'

const invoice = new Uint8Array(readFileSync(reference('fatturapa', 'samples', 'IT01234567890_FPR01.xml')))

let pki: TestPki
let rsa: TestSigner
let ec: TestSigner
let expired: TestSigner
let future: TestSigner

beforeAll(() => {
  pki = new TestPki()
  rsa = pki.issue({ name: 'ROSSI MARIO' })
  ec = pki.issue({ name: 'ROSSI MARIO EC', key: 'ec' })
  expired = pki.issue({ name: 'SCADUTO', startDate: '20200101000000Z', endDate: '20210101000000Z' })
  future = pki.issue({ name: 'FUTURO', startDate: opensslTime(new Date(Date.now() + 365 * 86_400_000)), endDate: '20450101000000Z' })
})

afterAll(() => pki.dispose())

/** DER INTEGER of a positive serial given in hexadecimal. */
function integer(hex: string): Buffer {
  let value = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex')
  if ((value[0] as number) & 0x80) value = Buffer.concat([Buffer.from([0]), value])
  return Buffer.concat([Buffer.from([0x02, value.length]), value])
}

/** OpenSSL 3.0 checks the ESS signingCertificate(V2) binding only with -cades. */
function opensslVerify(p7m: Uint8Array): ReturnType<typeof tryOpenssl> {
  return tryOpenssl([
    'cms',
    '-verify',
    '-cades',
    '-binary',
    '-inform',
    'DER',
    '-in',
    pki.file('check.p7m', p7m),
    '-CAfile',
    pki.caPath,
    '-purpose',
    'any',
  ])
}

/** Flips one byte of the invoice inside the envelope (the eContent is one primitive OCTET STRING). */
function tamperContent(p7m: Uint8Array): Uint8Array {
  const copy = p7m.slice()
  const at = Buffer.from(copy).indexOf('<Numero>')
  expect(at).toBeGreaterThan(0)
  copy[at + 1] = (copy[at + 1] as number) ^ 0x01
  return copy
}

describe('signCades', () => {
  it.each([
    ['RSA', () => rsa],
    ['ECDSA P-256', () => ec],
  ])('produces a CAdES-BES (%s) that OpenSSL and verifyCades accept', async (_label, signer) => {
    const { certificatePem, privateKeyPem } = signer()
    // Now (with milliseconds): the test CA itself was only created a moment ago.
    const signingTime = new Date()
    const p7m = await signCades(invoice, { certificate: certificatePem, privateKey: privateKeyPem, signingTime })

    const checked = opensslVerify(p7m)
    expect(checked.stderr).toBe('')
    expect(checked.ok).toBe(true)
    expect(checked.stdout.equals(Buffer.from(invoice))).toBe(true)

    const result = await verifyCades(p7m, { trustedRoots: [pki.caPem] })
    expect(result).toMatchObject({ valid: true, message: 'valid' })
    expect(result.signingTime?.getTime()).toBe(Math.floor(signingTime.getTime() / 1000) * 1000)
    expect(result.signer?.subject).toContain(`CN=${_label === 'RSA' ? 'ROSSI MARIO' : 'ROSSI MARIO EC'}`)
    expect(Buffer.from(result.content ?? []).equals(Buffer.from(invoice))).toBe(true)
  })

  it('writes DER with the four CAdES-BES signed attributes in DER order', async () => {
    const p7m = await signCades(invoice, { certificate: rsa.certificateDer, privateKey: rsa.privateKeyDer })
    // Strict DER: a definite-length, primitive content, and re-encoding gives back the same bytes.
    const reparsed = asn1js.fromBER(p7m)
    expect(Buffer.from(reparsed.result.toBER(false)).equals(Buffer.from(p7m))).toBe(true)
    const signedData = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: reparsed.result }).content })
    expect(signedData.encapContentInfo.eContent?.idBlock.isConstructed).toBe(false)
    const attributes = signedData.signerInfos[0]?.signedAttrs?.attributes ?? []
    expect(attributes.map((attribute) => attribute.type).sort()).toEqual(
      ['1.2.840.113549.1.9.3', '1.2.840.113549.1.9.4', '1.2.840.113549.1.9.5', '1.2.840.113549.1.9.16.2.47'].sort(),
    )
    const encodings = attributes.map((attribute) => Buffer.from(attribute.toSchema().toBER(false)))
    const sorted = [...encodings].sort(Buffer.compare)
    expect(encodings).toEqual(sorted)

    const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', pki.file('print.p7m', p7m)]).toString()
    expect(printed).toContain('id-smime-aa-signingCertificateV2')
    expect(printed).toContain('signingTime')
    expect(printed).toContain('sha256')
  })

  it('round-trips through unwrapP7m in every encoding', async () => {
    const p7m = await signCades(invoice, { certificate: rsa.certificatePem, privateKey: rsa.privateKeyPem })
    const base64 = Buffer.from(p7m).toString('base64')
    const encodings = [
      p7m,
      Buffer.from(base64),
      Buffer.from(base64.replace(/.{76}/g, '$&\r\n')),
      Buffer.from(`-----BEGIN CMS-----\n${base64}\n-----END CMS-----\n`),
    ]
    for (const bytes of encodings) {
      expect(Buffer.from(unwrapP7m(new Uint8Array(bytes)).content).equals(Buffer.from(invoice))).toBe(true)
      expect((await verifyCades(new Uint8Array(bytes))).valid).toBe(true)
    }
  })

  it('refuses a key that does not match the certificate, and empty content', async () => {
    await expect(signCades(invoice, { certificate: rsa.certificatePem, privateKey: ec.privateKeyPem })).rejects.toThrow(SigningInputError)
    await expect(signCades(new Uint8Array(), { certificate: rsa.certificatePem, privateKey: rsa.privateKeyPem })).rejects.toThrow(
      SigningInputError,
    )
    await expect(signCades(invoice, { certificate: 'not a certificate', privateKey: rsa.privateKeyPem })).rejects.toMatchObject({
      code: 'SIGNING_INPUT_INVALID',
    })
  })
})

describe('verifyCades outcomes', () => {
  it('refuses altered content with 00102, as OpenSSL does', async () => {
    const tampered = tamperContent(await signCades(invoice, { certificate: rsa.certificatePem, privateKey: rsa.privateKeyPem }))
    expect(opensslVerify(tampered).ok).toBe(false)
    expect(await verifyCades(tampered)).toMatchObject({ valid: false, code: '00102', problem: 'message-digest-mismatch' })
  })

  it('refuses an altered signature value with 00102', async () => {
    const p7m = await signCades(invoice, { certificate: rsa.certificatePem, privateKey: rsa.privateKeyPem })
    const tampered = p7m.slice()
    tampered[tampered.length - 10] = (tampered[tampered.length - 10] as number) ^ 0x01
    expect(opensslVerify(tampered).ok).toBe(false)
    expect(await verifyCades(tampered)).toMatchObject({ valid: false, code: '00102', problem: 'signature-mismatch' })
  })

  it('gives 00100 for a certificate expired at signing time', async () => {
    const p7m = await signCades(invoice, { certificate: expired.certificatePem, privateKey: expired.privateKeyPem })
    const result = await verifyCades(p7m)
    expect(result).toMatchObject({ valid: false, code: '00100', problem: 'certificate-expired' })
    expect(result.signer?.notAfter.toISOString()).toBe('2021-01-01T00:00:00.000Z')
    // Signed while it was valid, the same certificate is fine: validity is judged at signing time.
    const inTime = await signCades(invoice, {
      certificate: expired.certificatePem,
      privateKey: expired.privateKeyPem,
      signingTime: new Date('2020-06-01T00:00:00Z'),
    })
    expect((await verifyCades(inTime)).valid).toBe(true)
  })

  it('gives 00107 for a certificate not yet valid at signing time', async () => {
    const p7m = await signCades(invoice, { certificate: future.certificatePem, privateKey: future.privateKeyPem })
    expect(await verifyCades(p7m)).toMatchObject({ valid: false, code: '00107', problem: 'certificate-not-yet-valid' })
  })

  it('gives 00103 for a signature without signing time (OpenSSL -noattr)', async () => {
    const p7m = openssl([
      'cms',
      '-sign',
      '-binary',
      '-nodetach',
      '-noattr',
      '-outform',
      'DER',
      '-md',
      'sha256',
      '-in',
      pki.file('invoice.xml', invoice),
      '-signer',
      rsa.certificatePath,
      '-inkey',
      rsa.privateKeyPath,
    ])
    expect(await verifyCades(new Uint8Array(p7m))).toMatchObject({ valid: false, code: '00103', problem: 'signing-time-missing' })
  })

  it('accepts a CAdES-BES made by OpenSSL (-cades) and refuses a plain CMS without the ESS attribute', async () => {
    const sign = (extra: string[]) =>
      new Uint8Array(
        openssl([
          'cms',
          '-sign',
          '-binary',
          '-nodetach',
          '-outform',
          'DER',
          '-md',
          'sha256',
          ...extra,
          '-in',
          pki.file('invoice.xml', invoice),
          '-signer',
          rsa.certificatePath,
          '-inkey',
          rsa.privateKeyPath,
        ]),
      )
    expect(await verifyCades(sign(['-cades']), { trustedRoots: [pki.caDer] })).toMatchObject({ valid: true })
    expect(await verifyCades(sign([]))).toMatchObject({ valid: false, code: '00102', problem: 'signing-certificate-missing' })
  })

  it('refuses with 00102 a certificate swapped for another one with the same key (ESS binding)', async () => {
    const twin = pki.issue({ name: 'ROSSI MARIO', keyOf: rsa })
    expect(twin.certificateDer.length).toBe(rsa.certificateDer.length)
    const p7m = Buffer.from(await signCades(invoice, { certificate: rsa.certificatePem, privateKey: rsa.privateKeyPem }))
    const certificateAt = p7m.indexOf(Buffer.from(rsa.certificateDer))
    const swapped = Buffer.concat([
      p7m.subarray(0, certificateAt),
      twin.certificateDer,
      p7m.subarray(certificateAt + twin.certificateDer.length),
    ])
    // The sid (issuer and serial) is not signed either: point it at the twin, as an attacker would.
    const serial = (signer: TestSigner) => integer(new X509Certificate(signer.certificatePem).serialNumber)
    const sidAt = swapped.indexOf(serial(rsa), certificateAt + twin.certificateDer.length)
    serial(twin).copy(swapped, sidAt)

    expect(opensslVerify(new Uint8Array(swapped)).ok).toBe(false)
    const result = await verifyCades(new Uint8Array(swapped))
    expect(result).toMatchObject({ valid: false, code: '00102', problem: 'signing-certificate-mismatch' })
    expect(result.signer?.serialNumber).toBe(new X509Certificate(twin.certificatePem).serialNumber.toUpperCase())
  })

  it('gives 00104 only when trusted roots are given and none issued the signer', async () => {
    const other = new TestPki('Another CA')
    try {
      const p7m = await signCades(invoice, { certificate: rsa.certificatePem, privateKey: rsa.privateKeyPem })
      expect((await verifyCades(p7m)).valid).toBe(true)
      expect(await verifyCades(p7m, { trustedRoots: [other.caPem] })).toMatchObject({ valid: false, code: '00104', problem: 'untrusted' })
      expect((await verifyCades(p7m, { trustedRoots: [other.caPem, pki.caPem] })).valid).toBe(true)
    } finally {
      other.dispose()
    }
  })

  it('gives 00105 when signed after the reception time', async () => {
    const p7m = await signCades(invoice, { certificate: rsa.certificatePem, privateKey: rsa.privateKeyPem })
    expect(await verifyCades(p7m, { at: new Date(Date.now() - 60_000) })).toMatchObject({ valid: false, code: '00105' })
    expect((await verifyCades(p7m, { at: new Date(Date.now() + 60_000) })).valid).toBe(true)
  })
})
