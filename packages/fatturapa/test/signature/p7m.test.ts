import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { P7mFormatError, unwrapP7m, verifyCades } from '../../src/signature/index.js'
import { reference } from '../support/reference.js'
import { openssl } from './support/pki.js'

const sample = (name: string) => new Uint8Array(readFileSync(reference('fatturapa', 'p7m', name)))
const good = ['IT02182030391_31.xml.p7m', 'IT02182030391_31.Base64.xml.p7m', 'IT02182030391_31.Base64.CRLF.xml.p7m']
const tampered = ['IT02182030391_31_tampered.xml.p7m', 'IT02182030391_31_tampered.Base64.xml.p7m']

describe('unwrapP7m on the reference envelopes', () => {
  // OpenSSL is the oracle for the content: -noverify because the InfoCert chain is not installed here.
  const expected = openssl([
    'cms',
    '-verify',
    '-noverify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    reference('fatturapa', 'p7m', good[0] as string),
  ])

  it.each([
    [good[0], 'der'],
    [good[1], 'base64'],
    [good[2], 'base64'],
  ])('opens %s (%s) to the same XML OpenSSL extracts', (name, encoding) => {
    const unwrapped = unwrapP7m(sample(name as string))
    expect(unwrapped.encoding).toBe(encoding)
    expect(Buffer.from(unwrapped.content).equals(expected)).toBe(true)
    expect(Buffer.from(unwrapped.content).toString('utf8')).toContain('<IdCodice>02182030391</IdCodice>')
    expect(unwrapped.signingTime?.toISOString()).toBe('2018-09-08T13:32:45.000Z')
    expect(unwrapped.signers).toHaveLength(1)
    expect(unwrapped.signers[0]?.certificate).toBeDefined()
    expect(unwrapped.certificates).toHaveLength(1)
  })

  it('opens the PEM form of the same envelope', () => {
    const der = sample(good[0] as string)
    for (const label of ['PKCS7', 'CMS']) {
      const pem = `-----BEGIN ${label}-----\r\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\r\n')}\r\n-----END ${label}-----\r\n`
      const unwrapped = unwrapP7m(new Uint8Array(Buffer.from(pem)))
      expect(unwrapped.encoding).toBe('pem')
      expect(Buffer.from(unwrapped.content).equals(expected)).toBe(true)
    }
  })

  // The DER copy has a longer phone number spliced into a 1000-byte BER chunk, which breaks the framing;
  // the Base64 copy was decoded as windows-1252 and re-encoded as UTF-8 before Base64. Neither opens.
  it.each(tampered)('refuses %s with 00102', (name) => {
    expect(() => unwrapP7m(sample(name))).toThrow(P7mFormatError)
    try {
      unwrapP7m(sample(name))
    } catch (error) {
      expect(error).toMatchObject({ code: '00102', problem: 'malformed' })
    }
  })

  it.each([
    ['empty', new Uint8Array()],
    ['XML', new Uint8Array(Buffer.from('<?xml version="1.0"?><a/>'))],
    ['truncated DER', sample(good[0] as string).slice(0, 300)],
    ['a lone SEQUENCE tag', new Uint8Array([0x30])],
    ['Base64 of text', new Uint8Array(Buffer.from(Buffer.from('hello world').toString('base64')))],
  ])('refuses %s without crashing', (_label, bytes) => {
    expect(() => unwrapP7m(bytes)).toThrow(P7mFormatError)
  })
})

describe('verifyCades on the reference envelopes', () => {
  it.each(good)('accepts %s (integrity, ESS binding, signing time within the validity)', async (name) => {
    const result = await verifyCades(sample(name))
    expect(result).toMatchObject({ valid: true, message: 'valid' })
    expect(result.signingTime?.toISOString()).toBe('2018-09-08T13:32:45.000Z')
    expect(result.signer?.subject).toContain('CN=GARDINI STEFANO')
    expect(result.signer?.serialNumber).toBe((9370902).toString(16).toUpperCase())
    expect(result.signer?.notBefore.toISOString()).toBe('2018-09-03T08:02:00.000Z')
    expect(result.signer?.notAfter.toISOString()).toBe('2021-09-03T00:00:00.000Z')
  })

  it.each(tampered)('refuses %s with 00102', async (name) => {
    expect(await verifyCades(sample(name))).toMatchObject({ valid: false, code: '00102' })
  })

  it('reports 00105 when the signing time is after the reception time', async () => {
    const result = await verifyCades(sample(good[0] as string), { at: new Date('2018-09-08T13:00:00Z') })
    expect(result).toMatchObject({ valid: false, code: '00105', problem: 'signing-time-after-reception' })
  })
})
