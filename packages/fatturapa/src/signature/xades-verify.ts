import { createHash, X509Certificate } from 'node:crypto'
import { DOMParser, type Element } from '@xmldom/xmldom'
import { type Reference, SignedXml } from 'xml-crypto'
import { describeCertificate, type SignerIdentity } from './certificate.js'
import { checkSigner, type Failure, type SignatureVerification, type VerifyOptions } from './checks.js'
import { wholeDocumentOctets } from './whole-document.js'

const ds = 'http://www.w3.org/2000/09/xmldsig#'
const envelopedSignature = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature'
// XAdES 1.3.2 is what ETSI TS 101 903 v1.4.1 uses for SignedProperties; 1.1.1 still appears in older files.
const xadesNamespaces = ['http://uri.etsi.org/01903/v1.3.2#', 'http://uri.etsi.org/01903/v1.1.1#']
const xmlDigests: Readonly<Record<string, string>> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmldsig-more#sha224': 'sha224',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
}
// SDI accepts enveloped signatures only: the whole document or a same-document fragment, nothing external.
const sameDocumentUri = /^(|#[A-Za-z_][\w.-]*)$/

/**
 * Verifies the XAdES-BES enveloped signature(s) of an invoice `.xml` with the same SDI codes as
 * `verifyCades`. Besides the XML-DSig core validation (digests and signature value, via xml-crypto), it
 * requires every Reference to point into the document (`URI=""` or `URI="#id"`), the document reference to
 * carry the enveloped-signature transform, and the SignedProperties (SigningTime, SigningCertificate) to be
 * signed. The document is decoded as UTF-8. Never throws on bad input.
 *
 * A `URI=""` Reference digests the whole document as XML-DSig defines it (see `wholeDocumentOctets`):
 * processing instructions outside the root, such as SDI's `<?xml-stylesheet?>`, are signed; comments are not.
 */
export async function verifyXades(xml: Uint8Array | string, options: VerifyOptions = {}): Promise<SignatureVerification> {
  const text = (typeof xml === 'string' ? xml : Buffer.from(xml).toString('utf8')).replace(/^\uFEFF/, '')
  const content = typeof xml === 'string' ? new Uint8Array(Buffer.from(xml, 'utf8')) : xml
  const document = parse(text)
  if (typeof document === 'string') return { valid: false, code: '00102', problem: 'malformed', message: document, content }
  // The FatturaPA schema puts ds:Signature under the root; others (e.g. counter-signatures inside
  // UnsignedProperties) are not invoice signatures.
  const root = document.documentElement ?? undefined
  const signatures = root ? children(root, ds, 'Signature') : []
  if (signatures.length === 0)
    return { valid: false, code: '00102', problem: 'unsigned', message: 'the document has no ds:Signature', content }

  let first: SignatureVerification | undefined
  for (const [index, signature] of signatures.entries()) {
    const outcome = verifySignature(text, signature, index, options)
    outcome.content = content
    first ??= outcome
    if (!outcome.valid) return outcome
  }
  return first as SignatureVerification
}

function parse(text: string): ReturnType<DOMParser['parseFromString']> | string {
  // Invoices never carry a DTD, and entity expansion is the classic attack on XML parsers.
  if (/<!DOCTYPE/i.test(text)) return 'DOCTYPE declarations are not allowed'
  const errors: string[] = []
  try {
    const document = new DOMParser({ onError: (level, message) => level !== 'warning' && errors.push(message) }).parseFromString(
      text,
      'text/xml',
    )
    return errors.length > 0 ? `XML not well-formed: ${errors[0]}` : document
  } catch (error) {
    return `XML not well-formed: ${(error as Error).message}`
  }
}

function verifySignature(text: string, signature: Element, index: number, options: VerifyOptions): SignatureVerification {
  const fail = (failure: Failure, signer?: SignerIdentity, signingTime?: Date): SignatureVerification => {
    const outcome: SignatureVerification = { valid: false, ...failure }
    if (signer) outcome.signer = signer
    if (signingTime) outcome.signingTime = signingTime
    return outcome
  }
  const references = children(children(signature, ds, 'SignedInfo')[0], ds, 'Reference')
  const refused = references.find(
    (reference) => !reference.hasAttribute('URI') || !sameDocumentUri.test(reference.getAttribute('URI') ?? ''),
  )
  if (refused) {
    return fail({
      code: '00102',
      problem: 'reference-not-allowed',
      message: `Reference URI ${JSON.stringify(refused.getAttribute('URI'))} is not allowed: only URI="" or URI="#id" (enveloped signatures)`,
    })
  }
  const root = signature.ownerDocument?.documentElement
  const rootId = root && ['Id', 'ID', 'id'].map((name) => root.getAttribute(name)).find((id) => id)
  const coversDocument = references.some((reference) => {
    const uri = reference.getAttribute('URI')
    const transforms = children(children(reference, ds, 'Transforms')[0], ds, 'Transform').map((transform) =>
      transform.getAttribute('Algorithm'),
    )
    return (uri === '' || (rootId && uri === `#${rootId}`)) && transforms.includes(envelopedSignature)
  })
  if (!coversDocument) {
    return fail({
      code: '00102',
      problem: 'document-not-signed',
      message: 'no Reference signs the whole document with the enveloped-signature transform',
    })
  }

  const certificateText = children(children(children(signature, ds, 'KeyInfo')[0], ds, 'X509Data')[0], ds, 'X509Certificate')[0]
    ?.textContent
  let signer: SignerIdentity
  let certificate: X509Certificate
  try {
    const der = new Uint8Array(Buffer.from((certificateText ?? '').replace(/\s+/g, ''), 'base64'))
    certificate = new X509Certificate(der)
    signer = describeCertificate(der)
  } catch {
    return fail({ code: '00102', problem: 'signer-certificate-missing', message: 'KeyInfo carries no readable X509Certificate' })
  }

  const core = coreValidation(text, signature, index, certificate)
  if (core) return fail(core, signer)

  const properties = signedProperties(signature)
  const signingTime = properties && signingTimeOf(properties)
  if (properties) {
    const id = properties.getAttribute('Id')
    if (!id || !references.some((reference) => reference.getAttribute('URI') === `#${id}`)) {
      return fail(
        { code: '00102', problem: 'signed-properties-not-signed', message: 'xades:SignedProperties is not covered by a Reference' },
        signer,
        signingTime,
      )
    }
    const binding = signingCertificateFailure(properties, certificate)
    if (binding) return fail(binding, signer, signingTime)
  }
  // Without SignedProperties there is no signing time either: checkSigner reports 00103.
  const failure = checkSigner(signer, signingTime, [], options)
  if (failure) return fail(failure, signer, signingTime)
  const outcome: SignatureVerification = { valid: true, message: 'valid', signer }
  if (signingTime) outcome.signingTime = signingTime
  return outcome
}

/**
 * XML-DSig core validation: each Reference digest, then SignatureValue over the canonical SignedInfo. `index`
 * says which ds:Signature child of the root `signature` is, for the enveloped-signature transform.
 */
function coreValidation(text: string, signature: Element, index: number, certificate: X509Certificate): Failure | undefined {
  // The key is the KeyInfo certificate, read by us: whether it is trusted is checkSigner's job.
  const verifier = new SignedXml({ publicCert: certificate.toString(), getCertFromKeyInfo: () => null })
  try {
    digestWholeDocument(verifier, text, index)
    verifier.loadSignature(signature as unknown as Parameters<SignedXml['loadSignature']>[0])
    if (verifier.checkSignature(text)) return undefined
    return {
      code: '00102',
      problem: 'reference-mismatch',
      message: 'a Reference digest does not match: the document was altered after signing',
    }
  } catch (error) {
    const message = (error as Error).message
    if (/signature value .* is incorrect/.test(message)) {
      return { code: '00102', problem: 'signature-mismatch', message: 'the SignatureValue does not verify' }
    }
    return { code: '00102', problem: 'malformed', message: `cannot validate the signature: ${message}` }
  }
}

interface ReferenceValidation {
  validateReference(reference: Reference, document: unknown): string | undefined
}

/**
 * xml-crypto dereferences `URI=""` as the root element, which leaves out processing instructions outside it:
 * this verifier's `URI=""` References are digested over the whole document instead (`wholeDocumentOctets`,
 * libxml2 as in signXades and xmlsec1). Every other Reference (`#id`), the SignedInfo canonicalisation and the
 * SignatureValue stay xml-crypto's. xml-crypto 6 has no public hook for this: its per-Reference step
 * (`validateReference`, called by `checkSignature` for each Reference of the signed SignedInfo, with the same
 * contract: the canonical octets, or undefined and `validationError` set) is replaced on this instance only.
 */
function digestWholeDocument(verifier: SignedXml, text: string, index: number): void {
  const internals = verifier as unknown as ReferenceValidation
  const validateReference = internals.validateReference
  if (typeof validateReference !== 'function') throw new Error('xml-crypto has no per-Reference validation step to extend')
  internals.validateReference = (reference, document) => {
    if (reference.uri !== '') return validateReference.call(verifier, reference, document)
    const octets = wholeDocumentOctets(text, index, reference.transforms, reference.inclusiveNamespacesPrefixList)
    // xml-crypto's digests and comparison, as for its own References.
    const Hash = verifier.HashAlgorithms[reference.digestAlgorithm]
    if (!Hash) throw new Error(`hash algorithm '${reference.digestAlgorithm}' is not supported`)
    const digest = new Hash().getHash(octets)
    const expected = Buffer.from(String(reference.digestValue ?? ''), 'base64')
    if (Buffer.from(digest, 'base64').equals(expected)) return octets
    reference.validationError = new Error(
      `invalid signature: for uri ${reference.uri} calculated digest is ${digest} but the xml to validate supplies digest ${reference.digestValue}`,
    )
    return undefined
  }
}

function signedProperties(signature: Element): Element | undefined {
  for (const object of children(signature, ds, 'Object')) {
    for (const namespace of xadesNamespaces) {
      const properties = children(children(object, namespace, 'QualifyingProperties')[0], namespace, 'SignedProperties')[0]
      if (properties) return properties
    }
  }
  return undefined
}

function signingTimeOf(properties: Element): Date | undefined {
  const namespace = properties.namespaceURI ?? ''
  const time = children(children(properties, namespace, 'SignedSignatureProperties')[0], namespace, 'SigningTime')[0]?.textContent?.trim()
  // xs:dateTime; SDI requires the time zone, so a value without one is treated as missing.
  if (!time || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(time)) return undefined
  const date = new Date(time)
  return Number.isNaN(date.getTime()) ? undefined : date
}

/** SigningCertificate (v1) or SigningCertificateV2: the first Cert must be the KeyInfo certificate. */
function signingCertificateFailure(properties: Element, certificate: X509Certificate): Failure | undefined {
  const namespace = properties.namespaceURI ?? ''
  const signatureProperties = children(properties, namespace, 'SignedSignatureProperties')[0]
  const signingCertificate =
    children(signatureProperties, namespace, 'SigningCertificate')[0] ?? children(signatureProperties, namespace, 'SigningCertificateV2')[0]
  const cert = children(signingCertificate, namespace, 'Cert')[0]
  if (!cert) return { code: '00102', problem: 'signing-certificate-missing', message: 'xades:SigningCertificate is missing' }
  const certDigest = children(cert, namespace, 'CertDigest')[0]
  const algorithm = xmlDigests[children(certDigest, ds, 'DigestMethod')[0]?.getAttribute('Algorithm') ?? '']
  const expected = children(certDigest, ds, 'DigestValue')[0]?.textContent?.replace(/\s+/g, '')
  const mismatch: Failure = {
    code: '00102',
    problem: 'signing-certificate-mismatch',
    message: 'xades:SigningCertificate does not name the KeyInfo certificate',
  }
  if (!algorithm || !expected || createHash(algorithm).update(certificate.raw).digest('base64') !== expected) return mismatch
  const serial = children(children(cert, namespace, 'IssuerSerial')[0], ds, 'X509SerialNumber')[0]?.textContent?.trim()
  if (serial !== undefined && (!/^\d+$/.test(serial) || BigInt(serial) !== BigInt(`0x${certificate.serialNumber}`))) return mismatch
  return undefined
}

function children(parent: Element | undefined, namespace: string, localName: string): Element[] {
  if (!parent) return []
  return Array.from(parent.childNodes).filter(
    (node): node is Element =>
      node.nodeType === 1 && (node as Element).namespaceURI === namespace && (node as Element).localName === localName,
  )
}
