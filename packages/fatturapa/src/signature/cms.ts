import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { decodeP7m, type P7mEncoding } from './encoding.js'
import { P7mFormatError } from './errors.js'
import { oids } from './oids.js'

export interface OpenedSignedData {
  encoding: P7mEncoding
  signedData: pkijs.SignedData
  /** The encapsulated content, chunks of a BER constructed OCTET STRING joined; undefined when detached. */
  content: Uint8Array | undefined
  /** Certificates of the envelope as they were encoded (the ESS hash is over these exact bytes). */
  certificates: Uint8Array[]
}

// A 5 MB invoice split in 512-byte BER chunks is ~10,000 nodes, the asn1js default cap: allow more, but keep a cap.
const parseLimits = { maxNodes: 200_000, parseEmbedded: false }

/** Decodes DER/Base64/PEM and parses a CMS SignedData; anything else is a {@link P7mFormatError} (00102). */
export function openSignedData(bytes: Uint8Array): OpenedSignedData {
  const decoded = decodeP7m(bytes)
  if (!decoded) throw new P7mFormatError('not a CMS envelope in DER, Base64 or PEM')
  let contentInfo: pkijs.ContentInfo
  let signedData: pkijs.SignedData
  let certificates: Uint8Array[]
  try {
    const parsed = asn1js.fromBER(decoded.der, parseLimits)
    if (parsed.offset === -1) throw new Error(parsed.result.error || 'BER decoding failed')
    contentInfo = new pkijs.ContentInfo({ schema: parsed.result })
    if (contentInfo.contentType !== oids.signedData) throw new Error(`content type ${contentInfo.contentType} is not signedData`)
    certificates = rawCertificates(contentInfo.content)
    signedData = new pkijs.SignedData({ schema: contentInfo.content })
  } catch (error) {
    throw new P7mFormatError(`cannot parse the CMS envelope (${decoded.encoding}): ${(error as Error).message}`)
  }
  const eContent = signedData.encapContentInfo.eContent
  const content = eContent instanceof asn1js.OctetString ? new Uint8Array(eContent.getValue()) : undefined
  return { encoding: decoded.encoding, signedData, content, certificates }
}

/** The [0] IMPLICIT certificates of SignedData, as raw element bytes. */
function rawCertificates(signedData: unknown): Uint8Array[] {
  if (!(signedData instanceof asn1js.Sequence)) return []
  const set = signedData.valueBlock.value.find((element) => element.idBlock.tagClass === 3 && element.idBlock.tagNumber === 0)
  if (!(set instanceof asn1js.Constructed)) return []
  return set.valueBlock.value
    .filter((element) => element instanceof asn1js.Sequence)
    .map((element) => new Uint8Array(element.valueBeforeDecodeView))
}

/** The values of a signed attribute, or undefined when the attribute is absent. */
export function signedAttribute(signerInfo: pkijs.SignerInfo, type: string): unknown[] | undefined {
  return signerInfo.signedAttrs?.attributes.find((attribute) => attribute.type === type)?.values
}

export function signingTimeOf(signerInfo: pkijs.SignerInfo): Date | undefined {
  const [value] = signedAttribute(signerInfo, oids.signingTime) ?? []
  return value instanceof asn1js.UTCTime || value instanceof asn1js.GeneralizedTime ? value.toDate() : undefined
}

/** The certificate the SignerInfo sid names: by issuer and serial number, or by subject key identifier. */
export function findSignerCertificate(signerInfo: pkijs.SignerInfo, certificates: Uint8Array[]): Uint8Array | undefined {
  const sid = signerInfo.sid
  return certificates.find((der) => {
    let certificate: pkijs.Certificate
    try {
      certificate = pkijs.Certificate.fromBER(der)
    } catch {
      return false
    }
    if (sid instanceof pkijs.IssuerAndSerialNumber) {
      return certificate.issuer.isEqual(sid.issuer) && certificate.serialNumber.isEqual(sid.serialNumber)
    }
    const keyId = sid?.valueBlock?.valueHexView as Uint8Array | undefined
    const extension = certificate.extensions?.find((candidate) => candidate.extnID === oids.subjectKeyIdentifier)
    const own = extension?.parsedValue instanceof asn1js.OctetString ? extension.parsedValue.valueBlock.valueHexView : undefined
    return keyId !== undefined && own !== undefined && Buffer.from(keyId).equals(Buffer.from(own))
  })
}
