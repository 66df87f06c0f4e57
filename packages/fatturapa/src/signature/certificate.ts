import { X509Certificate } from 'node:crypto'
import * as pkijs from 'pkijs'
import { SigningInputError } from './errors.js'

/** Who signed, as SDI reports it; dates are the certificate validity window. */
export interface SignerIdentity {
  subject: string
  issuer: string
  /** Uppercase hexadecimal, as `openssl x509 -serial` prints it. */
  serialNumber: string
  notBefore: Date
  notAfter: Date
  /** DER of the signer certificate. */
  certificate: Uint8Array
}

export function describeCertificate(der: Uint8Array): SignerIdentity {
  const x509 = new X509Certificate(der)
  // pkijs gives the validity as Date objects; node:crypto's validFrom is a display string on Node 20.
  const parsed = pkijs.Certificate.fromBER(der)
  return {
    subject: x509.subject.split('\n').join(', '),
    issuer: x509.issuer.split('\n').join(', '),
    serialNumber: x509.serialNumber.toUpperCase(),
    notBefore: parsed.notBefore.value,
    notAfter: parsed.notAfter.value,
    certificate: der,
  }
}

/** DER of a certificate or key given as DER bytes or PEM (string or bytes). */
export function pemOrDer(input: Uint8Array | string, label: 'CERTIFICATE' | 'PRIVATE KEY'): Uint8Array {
  const text = typeof input === 'string' ? input : input[0] === 0x2d ? Buffer.from(input).toString('latin1') : undefined
  if (text === undefined) return input as Uint8Array
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(text)
  if (!match) throw new SigningInputError(`expected a PEM ${label}`)
  return new Uint8Array(Buffer.from((match[1] ?? '').replace(/\s+/g, ''), 'base64'))
}

export function toX509(der: Uint8Array): X509Certificate | undefined {
  try {
    return new X509Certificate(der)
  } catch {
    return undefined
  }
}

/**
 * True when `certificate` chains to one of `roots` through CA certificates of `pool`, every link valid at
 * `at` (the signing time: a signature made with a then-valid certificate stays valid). Revocation is not
 * checked here (00101 needs CRL/OCSP access).
 */
export function chainsToRoot(
  certificate: X509Certificate,
  pool: X509Certificate[],
  roots: X509Certificate[],
  at: Date,
  depth = 0,
): boolean {
  if (roots.some((root) => root.fingerprint256 === certificate.fingerprint256)) return true
  if (roots.some((root) => issuedBy(certificate, root, at))) return true
  if (depth >= 8) return false
  return pool.some(
    (ca) =>
      ca.fingerprint256 !== certificate.fingerprint256 && issuedBy(certificate, ca, at) && chainsToRoot(ca, pool, roots, at, depth + 1),
  )
}

function issuedBy(certificate: X509Certificate, issuer: X509Certificate, at: Date): boolean {
  if (!issuer.ca || !certificate.checkIssued(issuer)) return false
  const validFrom = new Date(issuer.validFrom)
  const validTo = new Date(issuer.validTo)
  if (at < validFrom || at > validTo) return false
  try {
    return certificate.verify(issuer.publicKey)
  } catch {
    return false
  }
}
