import { createPrivateKey, generateKeyPair, type KeyObject, X509Certificate } from 'node:crypto'
import { promisify } from 'node:util'
import forge from 'node-forge'
import { CertificateError, CertificateErrorCodes } from './errors.js'
import { randomSerialNumber, serialNumberToForgeHex } from './serial.js'

const generateKeyPairAsync = promisify(generateKeyPair)

export const caCommonName = 'fatturapa-hub client CA'

/** The platform CA in memory: the decrypted key never leaves this object except through `exportCa`. */
export interface PlatformCa {
  readonly certificate: forge.pki.Certificate
  readonly certificatePem: string
  readonly privateKey: forge.pki.rsa.PrivateKey
  /** Subject key identifier (binary string): the authority key identifier of everything the CA signs. */
  readonly keyIdentifier: string
  readonly notAfter: Date
}

export interface CreateCaOptions {
  /** Studio or platform name, the O of the CA subject. */
  organization: string
  validityYears?: number
  /** 3072 by default: the CA outlives most client keys, so it gets the stronger size. */
  keyBits?: number
  now?: Date
}

export interface StoredCa {
  certificatePem: string
  /** PKCS#8 PEM encrypted with AES-256-CBC under a PBKDF2-derived key. */
  encryptedKeyPem: string
}

export interface LoadCaInput extends StoredCa {
  passphrase: string
}

const minimumPassphraseLength = 12

/** A self-signed root that only signs client certificates and CRLs (pathLen 0: no intermediate CAs below it). */
export async function createCa(options: CreateCaOptions): Promise<PlatformCa> {
  const organization = options.organization.trim()
  if (organization === '') throw new CertificateError(CertificateErrorCodes.CaInvalid, 500, 'The CA organization name is required')
  const validityYears = options.validityYears ?? 10
  const now = options.now ?? new Date()

  // Native key generation: node-forge's pure-JS prime search takes seconds for 3072 bits.
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: options.keyBits ?? 3072, publicExponent: 0x10001 })
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString())

  const certificate = forge.pki.createCertificate()
  certificate.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e)
  certificate.serialNumber = serialNumberToForgeHex(randomSerialNumber())
  certificate.validity.notBefore = now
  const notAfter = new Date(now)
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + validityYears)
  certificate.validity.notAfter = notAfter
  const subject: forge.pki.CertificateField[] = [
    { type: '2.5.4.3', value: caCommonName },
    // UTF8String: a studio name may carry accents. @types/node-forge types the tag as a Class, forge reads a Type.
    { type: '2.5.4.10', value: organization, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class },
  ]
  certificate.setSubject(subject)
  certificate.setIssuer(subject)
  certificate.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ])
  certificate.sign(forgeKey, forge.md.sha256.create())
  return caFromParts(forge.pki.certificateToPem(certificate), forgeKey)
}

/** The at-rest form: the certificate in clear, the private key encrypted with the passphrase. */
export function exportCa(ca: PlatformCa, passphrase: string): StoredCa {
  if (passphrase.length < minimumPassphraseLength) {
    throw new CertificateError(
      CertificateErrorCodes.CaInvalid,
      500,
      `The CA passphrase must be at least ${minimumPassphraseLength} characters long`,
    )
  }
  const encryptedKeyPem = createPrivateKey(forge.pki.privateKeyToPem(ca.privateKey))
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
    .toString()
  return { certificatePem: ca.certificatePem, encryptedKeyPem }
}

export function loadCa(input: LoadCaInput): PlatformCa {
  // A clear-text key here means the at-rest rule was broken somewhere: refuse rather than silently accept it.
  if (!isEncryptedKeyPem(input.encryptedKeyPem)) {
    throw new CertificateError(CertificateErrorCodes.CaInvalid, 500, 'The CA private key must be stored encrypted')
  }
  let key: KeyObject
  try {
    key = createPrivateKey({ key: input.encryptedKeyPem, format: 'pem', passphrase: input.passphrase })
  } catch {
    throw new CertificateError(CertificateErrorCodes.CaInvalid, 500, 'The CA private key cannot be decrypted with the given passphrase')
  }
  if (key.asymmetricKeyType !== 'rsa') throw new CertificateError(CertificateErrorCodes.CaInvalid, 500, 'The CA key must be an RSA key')
  const forgeKey = forge.pki.privateKeyFromPem(key.export({ type: 'pkcs1', format: 'pem' }).toString())
  return caFromParts(input.certificatePem, forgeKey, key)
}

function isEncryptedKeyPem(pem: string): boolean {
  return pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /Proc-Type:\s*4,ENCRYPTED/.test(pem)
}

function caFromParts(certificatePem: string, privateKey: forge.pki.rsa.PrivateKey, keyObject?: KeyObject): PlatformCa {
  let x509: X509Certificate
  let certificate: forge.pki.Certificate
  try {
    x509 = new X509Certificate(certificatePem)
    certificate = forge.pki.certificateFromPem(certificatePem)
  } catch {
    throw new CertificateError(CertificateErrorCodes.CaInvalid, 500, 'The CA certificate is not a readable RSA X.509 certificate')
  }
  if (!x509.ca) throw new CertificateError(CertificateErrorCodes.CaInvalid, 500, 'The CA certificate lacks basicConstraints CA')
  const keyUsage = certificate.getExtension('keyUsage') as { keyCertSign?: boolean; cRLSign?: boolean } | undefined
  if (!keyUsage?.keyCertSign || !keyUsage.cRLSign) {
    throw new CertificateError(CertificateErrorCodes.CaInvalid, 500, 'The CA certificate must allow keyCertSign and cRLSign')
  }
  const key = keyObject ?? createPrivateKey(forge.pki.privateKeyToPem(privateKey))
  if (!x509.checkPrivateKey(key)) {
    throw new CertificateError(CertificateErrorCodes.CaInvalid, 500, 'The CA private key does not match the CA certificate')
  }
  return {
    certificate,
    certificatePem: x509.toString(),
    privateKey,
    keyIdentifier: subjectKeyIdentifier(certificate),
    notAfter: certificate.validity.notAfter,
  }
}

function subjectKeyIdentifier(certificate: forge.pki.Certificate): string {
  // forge exposes a parsed SKI extension as hex; a CA made elsewhere may lack it, then derive it (RFC 5280 method 1).
  const extension = certificate.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | undefined
  if (typeof extension?.subjectKeyIdentifier === 'string') return forge.util.hexToBytes(extension.subjectKeyIdentifier)
  return certificate.generateSubjectKeyIdentifier().getBytes()
}
