import { createHash } from 'node:crypto'
import * as asn1js from 'asn1js'
import type * as pkijs from 'pkijs'
import { describeCertificate, type SignerIdentity } from './certificate.js'
import { checkSigner, type Failure, type SignatureVerification, type VerifyOptions } from './checks.js'
import { findSignerCertificate, type OpenedSignedData, openSignedData, signedAttribute, signingTimeOf } from './cms.js'
import { verifySignatureValue } from './cms-signature.js'
import { P7mFormatError } from './errors.js'
import { essCertIdMatches } from './ess.js'
import { digestNames, oids } from './oids.js'

/**
 * Verifies an enveloping CAdES-BES `.p7m` (DER, Base64 or PEM) as SDI does: integrity and signature (00102),
 * signing time present (00103) and not after reception `at` (00105), certificate valid at signing time
 * (00100 expired, 00107 not yet valid), and, when `trustedRoots` are given, the chain (00104). Never throws
 * on bad input. Revocation (00101) is not checked.
 */
export async function verifyCades(bytes: Uint8Array, options: VerifyOptions = {}): Promise<SignatureVerification> {
  let opened: OpenedSignedData
  try {
    opened = openSignedData(bytes)
  } catch (error) {
    if (error instanceof P7mFormatError) return { valid: false, code: '00102', problem: error.problem, message: error.message }
    throw error
  }
  const { signedData, content, certificates } = opened
  if (!content) return { valid: false, code: '00102', problem: 'malformed', message: 'detached signature: the envelope carries no content' }
  if (signedData.signerInfos.length === 0)
    return { valid: false, code: '00102', problem: 'unsigned', message: 'the envelope has no signer' }

  let first: SignatureVerification | undefined
  for (const signerInfo of signedData.signerInfos) {
    const outcome = verifySigner(signerInfo, signedData.encapContentInfo.eContentType, content, certificates, options)
    first ??= outcome
    // Every co-signature must hold; report the first failure, or the first signer when all are valid.
    if (!outcome.valid) return outcome
  }
  return first as SignatureVerification
}

function verifySigner(
  signerInfo: pkijs.SignerInfo,
  contentType: string,
  content: Uint8Array,
  certificates: Uint8Array[],
  options: VerifyOptions,
): SignatureVerification {
  const certificate = findSignerCertificate(signerInfo, certificates)
  if (!certificate) {
    return {
      valid: false,
      code: '00102',
      problem: 'signer-certificate-missing',
      message: 'the signer certificate is not in the envelope',
      content,
    }
  }
  let signer: SignerIdentity
  try {
    signer = describeCertificate(certificate)
  } catch (error) {
    return {
      valid: false,
      code: '00102',
      problem: 'malformed',
      message: `unreadable signer certificate: ${(error as Error).message}`,
      content,
    }
  }
  const signingTime = signingTimeOf(signerInfo)
  const result = (failure: Failure | undefined): SignatureVerification => {
    const outcome: SignatureVerification = failure
      ? { valid: false, ...failure, signer, content }
      : { valid: true, message: 'valid', signer, content }
    if (signingTime) outcome.signingTime = signingTime
    return outcome
  }
  return result(integrityFailure(signerInfo, contentType, content, certificate) ?? checkSigner(signer, signingTime, certificates, options))
}

/** Everything 00102 covers: content digest, signature value, and the ESS binding to the signer certificate. */
function integrityFailure(
  signerInfo: pkijs.SignerInfo,
  contentType: string,
  content: Uint8Array,
  certificate: Uint8Array,
): Failure | undefined {
  const digest = digestNames[signerInfo.digestAlgorithm.algorithmId]
  if (!digest) {
    return {
      code: '00102',
      problem: 'unsupported-algorithm',
      message: `unsupported digest algorithm ${signerInfo.digestAlgorithm.algorithmId}`,
    }
  }
  let signed = content
  if (signerInfo.signedAttrs) {
    const [declaredType] = signedAttribute(signerInfo, oids.contentType) ?? []
    if (!(declaredType instanceof asn1js.ObjectIdentifier) || declaredType.valueBlock.toString() !== contentType) {
      return {
        code: '00102',
        problem: 'content-type-mismatch',
        message: 'the content-type attribute is missing or does not match the content',
      }
    }
    const [messageDigest] = signedAttribute(signerInfo, oids.messageDigest) ?? []
    const actual = createHash(digest).update(content).digest()
    if (!(messageDigest instanceof asn1js.OctetString) || !actual.equals(Buffer.from(messageDigest.valueBlock.valueHexView))) {
      return {
        code: '00102',
        problem: 'message-digest-mismatch',
        message: 'the content was altered after signing (message digest mismatch)',
      }
    }
    signed = new Uint8Array(signerInfo.signedAttrs.encodedValue)
  }
  const verified = verifySignatureValue(signerInfo, certificate, signed)
  if (verified === 'unsupported') {
    return {
      code: '00102',
      problem: 'unsupported-algorithm',
      message: `unsupported signature algorithm ${signerInfo.signatureAlgorithm.algorithmId}`,
    }
  }
  if (!verified) return { code: '00102', problem: 'signature-mismatch', message: 'the signature value does not verify' }
  // Without signed attributes (bare PKCS#7) there is no signing time either: 00103 says more than 00102.
  if (!signerInfo.signedAttrs) return undefined
  // CAdES-BES requires the ESS signing-certificate attribute (v2, or v1 from older signers).
  const v2 = signedAttribute(signerInfo, oids.signingCertificateV2)
  const v1 = signedAttribute(signerInfo, oids.signingCertificate)
  if (!v2 && !v1) {
    return { code: '00102', problem: 'signing-certificate-missing', message: 'no signingCertificateV2 (or signingCertificate) attribute' }
  }
  if (!(v2 ? essCertIdMatches(v2, certificate, 2) : essCertIdMatches(v1 ?? [], certificate, 1))) {
    return {
      code: '00102',
      problem: 'signing-certificate-mismatch',
      message: 'the signing-certificate attribute does not name the signer certificate',
    }
  }
  return undefined
}
