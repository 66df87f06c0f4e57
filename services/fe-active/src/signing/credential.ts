import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, hkdfSync, randomBytes, X509Certificate } from 'node:crypto'
import { AppError } from '@fatturapa-hub/shared'
import { children, DerError, expect, octets, oid, parseDer, Tag } from './der.js'
import { openPkcs12, Pkcs12Error } from './pkcs12.js'

export const SigningErrorCodes = {
  CredentialInvalid: 'SIGNING_CREDENTIAL_INVALID',
  CredentialNotFound: 'SIGNING_CREDENTIAL_NOT_FOUND',
  SigningNotConfigured: 'SIGNING_NOT_CONFIGURED',
  ClientNotFound: 'CLIENT_NOT_FOUND',
  SignedFileInvalid: 'SIGNED_FILE_INVALID',
  SignedFileContentMismatch: 'SIGNED_FILE_CONTENT_MISMATCH',
  SignedFileNotFound: 'SIGNED_FILE_NOT_FOUND',
  SignatureNotExpected: 'SIGNATURE_NOT_EXPECTED',
} as const

/** What is kept of a certificate in clear, for operators to recognise it. */
export interface CredentialMetadata {
  subject: string
  commonName: string | null
  /** Subject serialNumber (e.g. TINIT-<codice fiscale> on Italian qualified certificates). */
  subjectSerialNumber: string | null
  fiscalCode: string | null
  serialNumber: string
  issuer: string
  notBefore: Date
  notAfter: Date
  /** SHA-256 of the certificate DER, colon-separated hex as OpenSSL prints it. */
  fingerprintSha256: string
  keyUsage: string[]
}

/** The key and certificates the signer needs: what is sealed at rest. */
export interface SigningMaterial {
  /** PKCS#8 PrivateKeyInfo, DER base64. */
  privateKey: string
  /** The signer certificate, DER base64. */
  certificate: string
  /** Other certificates of the file (the chain), DER base64. */
  chain: string[]
}

const keyUsageBits = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign']

const invalid = (message: string, reason: string) => new AppError(SigningErrorCodes.CredentialInvalid, 422, message, { reason })

/**
 * Opens a PKCS#12 and checks it can sign invoices now: a private key, the certificate of that key, valid at `at`,
 * whose key usage (when stated) allows signatures (digitalSignature or nonRepudiation). 422 otherwise.
 */
export function inspectPkcs12(bytes: Buffer, password: string, at: Date): { material: SigningMaterial; metadata: CredentialMetadata } {
  let contents: ReturnType<typeof openPkcs12>
  try {
    contents = openPkcs12(bytes, password)
  } catch (error) {
    if (error instanceof Pkcs12Error) throw invalid(error.message, error.reason)
    throw error
  }
  if (contents.keys.length === 0) throw invalid('the PKCS#12 file holds no private key', 'no-key')
  if (contents.certificates.length === 0) throw invalid('the PKCS#12 file holds no certificate', 'no-certificate')
  const keyDer = contents.keys[0] as Buffer
  let spki: Buffer
  try {
    spki = createPublicKey(createPrivateKey({ key: keyDer, format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' })
  } catch {
    throw invalid('the private key of the PKCS#12 file cannot be read', 'malformed')
  }
  const parsed = contents.certificates.map((der) => ({ der, x509: readCertificate(der) }))
  const signer = parsed.find((item) => item.x509.publicKey.export({ type: 'spki', format: 'der' }).equals(spki))
  if (signer === undefined) throw invalid('no certificate of the PKCS#12 file matches its private key', 'key-certificate-mismatch')
  const metadata = describe(signer.x509, signer.der)
  if (at < metadata.notBefore) throw invalid(`the certificate is valid only from ${metadata.notBefore.toISOString()}`, 'not-yet-valid')
  if (at > metadata.notAfter) throw invalid(`the certificate expired on ${metadata.notAfter.toISOString()}`, 'expired')
  if (metadata.keyUsage.length > 0 && !metadata.keyUsage.some((usage) => usage === 'digitalSignature' || usage === 'nonRepudiation')) {
    throw invalid(`the certificate key usage (${metadata.keyUsage.join(', ')}) does not allow signatures`, 'key-usage')
  }
  return {
    material: {
      privateKey: keyDer.toString('base64'),
      certificate: signer.der.toString('base64'),
      chain: parsed.filter((item) => item !== signer).map((item) => item.der.toString('base64')),
    },
    metadata,
  }
}

function readCertificate(der: Buffer): X509Certificate {
  try {
    return new X509Certificate(der)
  } catch {
    throw invalid('a certificate of the PKCS#12 file cannot be read', 'malformed')
  }
}

function describe(x509: X509Certificate, der: Buffer): CredentialMetadata {
  const subject = x509.subject.split('\n')
  const field = (name: string) => subject.find((line) => line.startsWith(`${name}=`))?.slice(name.length + 1) ?? null
  const subjectSerialNumber = field('serialNumber')
  const fiscalCode = subjectSerialNumber?.match(/^(?:TIN|IDC)?IT-?([A-Z0-9]{11,16})$/i)?.[1]?.toUpperCase() ?? null
  const validity = validityOf(der)
  return {
    subject: subject.join(', '),
    commonName: field('CN'),
    subjectSerialNumber,
    fiscalCode,
    serialNumber: x509.serialNumber.toUpperCase(),
    issuer: x509.issuer.split('\n').join(', '),
    notBefore: validity.notBefore ?? new Date(x509.validFrom),
    notAfter: validity.notAfter ?? new Date(x509.validTo),
    fingerprintSha256: x509.fingerprint256,
    keyUsage: keyUsageOf(der),
  }
}

/** tbsCertificate fields: [version] serial signature issuer validity subject spki … [3] extensions. */
function tbsFields(der: Buffer) {
  const tbs = children(expect(parseDer(der), Tag.Sequence, 'a certificate'))[0]
  const fields = children(expect(tbs, Tag.Sequence, 'tbsCertificate'))
  return fields[0]?.tag === Tag.Context0 ? fields.slice(1) : fields
}

function validityOf(der: Buffer): { notBefore?: Date; notAfter?: Date } {
  try {
    const [notBefore, notAfter] = children(expect(tbsFields(der)[3], Tag.Sequence, 'validity'))
    return { notBefore: asn1Time(notBefore?.tag, notBefore?.value), notAfter: asn1Time(notAfter?.tag, notAfter?.value) }
  } catch {
    return {}
  }
}

function asn1Time(tag: number | undefined, value: Buffer | undefined): Date | undefined {
  if (value === undefined) return undefined
  const text = value.toString('latin1')
  const match = (tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/ : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/).exec(
    text,
  )
  if (!match) return undefined
  let year = Number(match[1])
  if (tag === 0x17) year += year >= 50 ? 1900 : 2000
  return new Date(Date.UTC(year, Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6])))
}

function keyUsageOf(der: Buffer): string[] {
  try {
    const extensions = tbsFields(der).find((field) => field.tag === Tag.Context3)
    if (!extensions) return []
    for (const extension of children(expect(children(extensions)[0], Tag.Sequence, 'extensions'))) {
      const parts = children(extension)
      if (oid(parts[0]) !== '2.5.29.15') continue
      const bitString = expect(parseDer(octets(parts[parts.length - 1])), Tag.BitString, 'key usage')
      const bits = bitString.value.subarray(1)
      return keyUsageBits.filter((_, index) => ((bits[Math.floor(index / 8)] ?? 0) & (0x80 >> (index % 8))) !== 0)
    }
    return []
  } catch (error) {
    if (error instanceof DerError) return []
    throw error
  }
}

/**
 * AES-256-GCM with a key derived (HKDF-SHA256, random salt) from SIGNING_SECRET and the credential's scope as
 * associated data: a database dump alone does not yield the keys, and a sealed value moved to another studio or
 * client does not open.
 */
export function sealMaterial(material: SigningMaterial, secret: string, scope: { studioId: string; owner: string }): string {
  const salt = randomBytes(16)
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', deriveKey(secret, salt), iv)
  cipher.setAAD(Buffer.from(`${scope.studioId}/${scope.owner}`, 'utf8'))
  const body = Buffer.concat([cipher.update(JSON.stringify(material), 'utf8'), cipher.final()])
  return ['v1', salt, iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.')
}

export function openMaterial(sealed: string, secret: string, scope: { studioId: string; owner: string }): SigningMaterial {
  const [version, salt, iv, tag, body] = sealed.split('.')
  if (version !== 'v1' || !salt || !iv || !tag || body === undefined) throw new Error('not a sealed signing credential')
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(secret, Buffer.from(salt, 'base64url')), Buffer.from(iv, 'base64url'))
  decipher.setAAD(Buffer.from(`${scope.studioId}/${scope.owner}`, 'utf8'))
  decipher.setAuthTag(Buffer.from(tag, 'base64url'))
  try {
    return JSON.parse(
      Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8'),
    ) as SigningMaterial
  } catch {
    throw new Error(
      'the signing credential cannot be opened: SIGNING_SECRET differs from the one it was sealed with, or the row was altered',
    )
  }
}

function deriveKey(secret: string, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), salt, 'fatturapa-hub/fe-active/signing-credential', 32))
}
