import { X509Certificate } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import forge from 'node-forge'
import { caCommonName, createCa, exportCa, loadCa, type PlatformCa } from '../../src/certificates/ca.js'
import { CertificateError } from '../../src/certificates/errors.js'
import { openssl, type TempDir, tempDir } from './fixtures.js'

const passphrase = 'correct horse battery staple'

describe('platform CA', () => {
  let ca: PlatformCa
  let dir: TempDir

  beforeAll(async () => {
    ca = await createCa({ organization: 'Studio Rossi & Associati', keyBits: 2048 })
    dir = tempDir()
  })
  afterAll(() => dir.remove())

  it('is a self-signed root for client certificates, valid ten years', () => {
    const x509 = new X509Certificate(ca.certificatePem)
    expect(x509.ca).toBe(true)
    expect(x509.subject).toBe(`CN=${caCommonName}\nO=Studio Rossi & Associati`)
    expect(x509.issuer).toBe(x509.subject)
    expect(x509.verify(x509.publicKey)).toBe(true)
    const years = (ca.notAfter.getTime() - ca.certificate.validity.notBefore.getTime()) / (365.25 * 24 * 3600 * 1000)
    expect(Math.round(years)).toBe(10)
  })

  it('carries CA basic constraints and keyCertSign + cRLSign, as openssl reads them', () => {
    const text = openssl(['x509', '-in', dir.write('ca.pem', ca.certificatePem), '-noout', '-text']).stdout
    expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/)
    expect(text).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/)
    expect(text).toContain('Subject Key Identifier')
  })

  it('stores the key encrypted and loads it back with the passphrase', () => {
    const stored = exportCa(ca, passphrase)
    expect(stored.encryptedKeyPem).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----')
    const loaded = loadCa({ ...stored, passphrase })
    expect(loaded.certificatePem).toBe(ca.certificatePem)
    expect(loaded.keyIdentifier).toBe(ca.keyIdentifier)
    expect(loaded.privateKey.n.equals(ca.privateKey.n)).toBe(true)
  })

  it('refuses a wrong passphrase, a clear-text key, a short passphrase and a key of another CA', async () => {
    const stored = exportCa(ca, passphrase)
    expect(() => loadCa({ ...stored, passphrase: 'wrong passphrase!' })).toThrow(/cannot be decrypted/)
    const clearKeyPem = forge.pki.privateKeyToPem(ca.privateKey)
    expect(() => loadCa({ certificatePem: stored.certificatePem, encryptedKeyPem: clearKeyPem, passphrase })).toThrow(/encrypted/)
    expect(() => exportCa(ca, 'short')).toThrow(CertificateError)
    const other = exportCa(await createCa({ organization: 'Other', keyBits: 2048 }), passphrase)
    let caught: unknown
    try {
      loadCa({ certificatePem: stored.certificatePem, encryptedKeyPem: other.encryptedKeyPem, passphrase })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(CertificateError)
    expect((caught as CertificateError).code).toBe('CERTIFICATE_CA_INVALID')
  })
})
