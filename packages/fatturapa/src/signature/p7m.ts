import { findSignerCertificate, openSignedData, signingTimeOf } from './cms.js'
import type { P7mEncoding } from './encoding.js'
import { P7mFormatError } from './errors.js'

export interface P7mSigner {
  /** DER of the signer certificate, when the envelope carries it. */
  certificate?: Uint8Array
  signingTime?: Date
}

export interface UnwrappedP7m {
  encoding: P7mEncoding
  /** The signed bytes: the invoice XML for a FatturaPA `.xml.p7m`. */
  content: Uint8Array
  signers: P7mSigner[]
  /** Signing time of the first signer, when present. */
  signingTime?: Date
  /** Every certificate in the envelope (signers and chain). */
  certificates: Uint8Array[]
}

/**
 * Opens a CAdES `.p7m` (DER, Base64 with or without line breaks, or PEM) without verifying it: use
 * `verifyCades` to judge the signature. Throws {@link P7mFormatError} (00102) when the bytes are not an
 * enveloping SignedData.
 */
export function unwrapP7m(bytes: Uint8Array): UnwrappedP7m {
  const { encoding, signedData, content, certificates } = openSignedData(bytes)
  if (!content) throw new P7mFormatError('detached signature: the envelope carries no content')
  const signers = signedData.signerInfos.map((signerInfo) => {
    const signer: P7mSigner = {}
    const certificate = findSignerCertificate(signerInfo, certificates)
    if (certificate) signer.certificate = certificate
    const signingTime = signingTimeOf(signerInfo)
    if (signingTime) signer.signingTime = signingTime
    return signer
  })
  const unwrapped: UnwrappedP7m = { encoding, content, signers, certificates }
  const signingTime = signers[0]?.signingTime
  if (signingTime) unwrapped.signingTime = signingTime
  return unwrapped
}

/** True when the bytes open as a CMS SignedData, e.g. to unwrap a p7m nested in a p7m. */
export function isP7m(bytes: Uint8Array): boolean {
  // XML (with or without BOM and leading blanks) is never DER, Base64 or PEM: answer without building an exception.
  if (startsLikeXml(bytes)) return false
  try {
    openSignedData(bytes)
    return true
  } catch {
    return false
  }
}

function startsLikeXml(bytes: Uint8Array): boolean {
  let index = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  while (index < bytes.length && (bytes[index] === 0x20 || bytes[index] === 0x09 || bytes[index] === 0x0a || bytes[index] === 0x0d)) index++
  return bytes[index] === 0x3c
}
