import type { X509Certificate } from 'node:crypto'
import { chainsToRoot, pemOrDer, type SignerIdentity, toX509 } from './certificate.js'
import type { SignatureCode, SignatureProblem } from './errors.js'

export interface VerifyOptions {
  /** Reception time: a signing time after it gives 00105. */
  at?: Date
  /** Trust anchors (DER or PEM). When given, a signer that does not chain to one of them gives 00104. */
  trustedRoots?: Array<Uint8Array | string>
}

export interface SignatureVerification {
  valid: boolean
  code?: SignatureCode
  problem?: SignatureProblem
  message: string
  signer?: SignerIdentity
  signingTime?: Date
  /** CAdES: the encapsulated bytes (the invoice XML). XAdES: the signed document. */
  content?: Uint8Array
}

export interface Failure {
  code: SignatureCode
  problem: SignatureProblem
  message: string
}

/**
 * The checks that follow a cryptographically sound signature, in the order SDI reports them: signing
 * time present, not after reception, certificate valid at signing time, then trust.
 */
export function checkSigner(
  signer: SignerIdentity,
  signingTime: Date | undefined,
  pool: Uint8Array[],
  options: VerifyOptions,
): Failure | undefined {
  if (!signingTime) return { code: '00103', problem: 'signing-time-missing', message: 'the signature has no signing time' }
  if (options.at && signingTime.getTime() > options.at.getTime()) {
    return {
      code: '00105',
      problem: 'signing-time-after-reception',
      message: `signing time ${signingTime.toISOString()} is later than reception ${options.at.toISOString()}`,
    }
  }
  if (signingTime > signer.notAfter) {
    return {
      code: '00100',
      problem: 'certificate-expired',
      message: `signer certificate expired on ${signer.notAfter.toISOString()}, before signing time ${signingTime.toISOString()}`,
    }
  }
  if (signingTime < signer.notBefore) {
    return {
      code: '00107',
      problem: 'certificate-not-yet-valid',
      message: `signer certificate is valid only from ${signer.notBefore.toISOString()}, after signing time ${signingTime.toISOString()}`,
    }
  }
  if (options.trustedRoots) {
    const roots = options.trustedRoots.map((root) => toX509(pemOrDer(root, 'CERTIFICATE'))).filter((root) => root !== undefined)
    const certificate = toX509(signer.certificate)
    const others = pool.map(toX509).filter((candidate): candidate is X509Certificate => candidate !== undefined)
    if (!certificate || !chainsToRoot(certificate, others, roots, signingTime)) {
      return {
        code: '00104',
        problem: 'untrusted',
        message: `signer certificate issued by ${signer.issuer} does not chain to a trusted root`,
      }
    }
  }
  return undefined
}
