import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, X509Certificate } from 'node:crypto'
import { ParseOption, XmlC14NMode, XmlDocument, XmlElement } from 'libxml2-wasm'
import { parseUntrustedXml, XmlInputError } from '../xml/parse.js'
import { SigningInputError } from './errors.js'

/** Who signs, and how the signature is labelled. */
export interface XadesSigner {
  /** Signer certificate (PEM). Its public key must be the RSA key of `privateKeyPem`. */
  certificatePem: string
  /** RSA private key, PEM (PKCS#8 or PKCS#1), unencrypted. */
  privateKeyPem: string
  /** xades:SigningTime, truncated to the second and written in UTC. Defaults to now. */
  signingTime?: Date
  /**
   * Id of the ds:Signature (an NCName); the other Ids derive from it (`<id>-signedprops`, …). Defaults to
   * `xades-` and 16 hex digits of the SHA-256 of the input, so the same input always gets the same Ids.
   */
  id?: string
}

const dsNs = 'http://www.w3.org/2000/09/xmldsig#'
const xadesNs = 'http://uri.etsi.org/01903/v1.3.2#'
const excC14n = 'http://www.w3.org/2001/10/xml-exc-c14n#'
const envelopedSignature = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature'
const rsaSha256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'
const sha256 = 'http://www.w3.org/2001/04/xmlenc#sha256'
const signedPropertiesType = 'http://uri.etsi.org/01903#SignedProperties'
const ncName = /^[A-Za-z_][\w.-]*$/
const encodingDeclaration = /^(\uFEFF?<\?xml\s[^>]*?\bencoding\s*=\s*)(["'])([^"']*)\2/
// Whitespace is content for canonicalisation: unlike the validation parser, no NOBLANKS here.
const c14nParseOptions = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE
const exclusive = { mode: XmlC14NMode.XML_C14N_EXCLUSIVE_1_0 }

/**
 * Signs an XML document (an SDI message, or an invoice) with an enveloped XAdES-BES signature, laid out as SDI
 * signs its messages: a `ds:Signature` appended as the last child of the root element, exc-c14n, RSA-SHA256;
 * Reference 1 `URI=""` (enveloped-signature + exc-c14n, SHA-256) covers the whole document, Reference 2
 * (Type `…#SignedProperties`, exc-c14n, SHA-256) covers `xades:SignedProperties` with SigningTime and
 * SigningCertificate (SHA-256 CertDigest of the DER certificate + IssuerSerial), inside
 * `ds:Object/xades:QualifyingProperties`; `KeyInfo/X509Data/X509Certificate` carries the certificate.
 * SDI itself subtracts the signature with an XPath-Filter2 transform; the enveloped-signature transform
 * selects the same node-set and is the one every verifier (xml-crypto included) implements.
 *
 * Digests follow XML-DSig to the letter: `URI=""` is the whole document, so processing instructions outside
 * the root (SDI's `<?xml-stylesheet?>`) are digested too, as xmlsec1, Apache Santuario and DSS compute them.
 * Canonicalisation is libxml2's, the engine of xmlsec1.
 *
 * Every byte of the input is kept: the signature is inserted just before the root's closing tag (an empty
 * `<root/>` becomes `<root>…</root>`). The output is deterministic: RSA PKCS#1 v1.5 has no randomness, and the
 * Ids come from `id` or a hash of the input, so the same input, key, certificate, signing time and id give the
 * same string.
 *
 * @throws SigningInputError when the input is not well-formed XML (or carries a DOCTYPE, or bytes that are not
 *   UTF-8), the key is not RSA or does not belong to the certificate, or `id`/`signingTime` are unusable.
 */
export function signXades(xml: string | Uint8Array, signer: XadesSigner): string {
  const { certificate, key } = loadSigner(signer)
  const text = decode(xml)
  const rootName = wellFormedRootName(text)
  const id = signer.id ?? `xades-${createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16)}`
  if (!ncName.test(id)) throw new SigningInputError(`the signature id ${JSON.stringify(id)} is not an XML NCName`)
  const signingTime = signer.signingTime ?? new Date()
  if (Number.isNaN(signingTime.getTime())) throw new SigningInputError('signingTime is not a valid date')

  const ids = {
    signature: id,
    documentReference: `${id}-ref-document`,
    propertiesReference: `${id}-ref-signedprops`,
    signedProperties: `${id}-signedprops`,
    signatureValue: `${id}-value`,
    keyInfo: `${id}-keyinfo`,
  }
  const parts = {
    ids,
    properties: signedProperties(ids.signedProperties, certificate, signingTime),
    certificate: certificate.raw.toString('base64'),
  }

  // First pass: the signature with empty values, in place, to digest exactly what a verifier will see.
  const skeleton = placeSignature(text, rootName, signatureXml({ ...parts, documentDigest: '', propertiesDigest: '', value: '' }), ids)
  const { documentDigest, propertiesDigest } = withDocument(skeleton.text, (document) => {
    const signature = signatureElement(document, ids.signature)
    const properties = document.get(`//xades:SignedProperties[@Id='${ids.signedProperties}']`, { xades: xadesNs })
    if (!properties) throw new Error('xades:SignedProperties not found in the signed document')
    const propertiesDigest = digest(properties.canonicalizeToString(exclusive))
    // enveloped-signature: the document node-set minus the signature subtree, comments excluded (URI="").
    signature.remove()
    return { documentDigest: digest(document.canonicalizeToString(exclusive)), propertiesDigest }
  })

  // Second pass: SignedInfo with its digests, canonicalised where it sits, then signed.
  const unsigned = skeleton.splice(signatureXml({ ...parts, documentDigest, propertiesDigest, value: '' }))
  const signedInfo = withDocument(unsigned, (document) => {
    const element = signatureElement(document, ids.signature).get('ds:SignedInfo', { ds: dsNs })
    if (!element) throw new Error('ds:SignedInfo not found in the signed document')
    return element.canonicalizeToString(exclusive)
  })
  const value = sign('sha256', Buffer.from(signedInfo, 'utf8'), key).toString('base64')
  return skeleton.splice(signatureXml({ ...parts, documentDigest, propertiesDigest, value }))
}

interface LoadedSigner {
  certificate: X509Certificate
  key: KeyObject
}

// Parsing the PEMs and checking that key and certificate match cost more than the signature itself; a signer
// (SDI, a studio) signs many documents with one pair. A few pairs are kept, keyed by a hash of both PEMs.
const loadedSigners = new Map<string, LoadedSigner>()
const maxLoadedSigners = 8

function loadSigner(signer: XadesSigner): LoadedSigner {
  const cacheKey = createHash('sha256').update(signer.certificatePem).update('\0').update(signer.privateKeyPem).digest('hex')
  const cached = loadedSigners.get(cacheKey)
  if (cached) return cached
  const loaded = readSigner(signer)
  if (loadedSigners.size >= maxLoadedSigners) loadedSigners.delete(loadedSigners.keys().next().value as string)
  loadedSigners.set(cacheKey, loaded)
  return loaded
}

function readSigner(signer: XadesSigner): LoadedSigner {
  let certificate: X509Certificate
  let key: KeyObject
  try {
    certificate = new X509Certificate(signer.certificatePem)
  } catch (error) {
    throw new SigningInputError(`unreadable certificate: ${(error as Error).message}`)
  }
  try {
    key = createPrivateKey(signer.privateKeyPem)
  } catch (error) {
    throw new SigningInputError(`unreadable private key: ${(error as Error).message}`)
  }
  // rsa-sha256 is RSASSA-PKCS1-v1_5: an RSA-PSS-only key cannot produce it.
  if (key.asymmetricKeyType !== 'rsa') {
    throw new SigningInputError(`unsupported key type ${key.asymmetricKeyType}: SDI messages are signed with RSA (rsa-sha256)`)
  }
  const spki = (publicKey: KeyObject) => publicKey.export({ type: 'spki', format: 'der' })
  if (!spki(createPublicKey(key)).equals(spki(certificate.publicKey))) {
    throw new SigningInputError('the private key does not belong to the certificate')
  }
  return { certificate, key }
}

/** Bytes must be UTF-8 (what SDI writes): the result is a string, and a re-encoding would change the document. */
function decode(xml: string | Uint8Array): string {
  if (typeof xml === 'string') return xml
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(xml)
  } catch {
    throw new SigningInputError('the document is not UTF-8')
  }
  const declared = encodingDeclaration.exec(text)?.[3]
  if (declared !== undefined && !/^utf-?8$/i.test(declared)) {
    throw new SigningInputError(`the document declares encoding ${declared}: only UTF-8 bytes can be signed; pass a string`)
  }
  return text
}

/** Well-formedness with the package's hardened parser (no DTD, no network); returns the root's qualified name. */
function wellFormedRootName(text: string): string {
  let document: XmlDocument
  try {
    document = parseUntrustedXml(text)
  } catch (error) {
    if (error instanceof XmlInputError) throw new SigningInputError(`cannot sign: ${error.message}`)
    throw error
  }
  try {
    const root = document.root
    return root.prefix ? `${root.prefix}:${root.name}` : root.name
  } finally {
    document.dispose()
  }
}

function withDocument<T>(text: string, use: (document: XmlDocument) => T): T {
  // A string is already decoded: re-encode it as UTF-8 and make the declaration say so (as parseUntrustedXml).
  const bytes = new TextEncoder().encode(text.replace(encodingDeclaration, '$1$2UTF-8$2'))
  const document = XmlDocument.fromBuffer(bytes, { option: c14nParseOptions })
  try {
    return use(document)
  } finally {
    document.dispose()
  }
}

function signatureElement(document: XmlDocument, id: string): XmlElement {
  const signature = document.root.lastChild
  if (
    !(
      signature instanceof XmlElement &&
      signature.namespaceUri === dsNs &&
      signature.name === 'Signature' &&
      signature.attr('Id')?.value === id
    )
  ) {
    throw new Error('the signature is not the last child of the root element')
  }
  return signature
}

interface Placement {
  text: string
  splice(signature: string): string
}

/**
 * Where the signature goes: just before the root's end tag. The last `</root>` in the text is the end tag
 * unless a comment or processing instruction after the root repeats it, so each candidate is checked by
 * parsing: the signature must come out as the root's last child, with Ids nobody else in the document uses.
 */
function placeSignature(text: string, rootName: string, signature: string, ids: Record<string, string>): Placement {
  const candidates: Array<(inserted: string) => string> = []
  const endTag = new RegExp(`</${rootName.replace(/\./g, '\\.')}\\s*>`, 'g')
  const ends = [...text.matchAll(endTag)].map((match) => match.index).reverse()
  for (const at of ends) candidates.push((inserted) => text.slice(0, at) + inserted + text.slice(at))
  if (ends.length === 0) {
    // <root/>: no end tag; attribute values are quoted, and may contain '>' and '/'.
    const empty = new RegExp(`<${rootName.replace(/\./g, '\\.')}((?:\\s+[^\\s=/>]+\\s*=\\s*(?:"[^"]*"|'[^']*'))*\\s*)/>`, 'g')
    for (const match of [...text.matchAll(empty)].reverse()) {
      const before = text.slice(0, match.index)
      const after = text.slice(match.index + match[0].length)
      candidates.push((inserted) => `${before}<${rootName}${match[1]}>${inserted}</${rootName}>${after}`)
    }
  }
  for (const candidate of candidates) {
    const placed = candidate(signature)
    let duplicate: string | undefined
    try {
      withDocument(placed, (document) => {
        signatureElement(document, ids.signature as string)
        duplicate = Object.values(ids).find((id) => document.find(`//@*[. = '${id}']`).length !== 1)
      })
    } catch {
      continue
    }
    if (duplicate) throw new SigningInputError(`the document already uses the Id ${JSON.stringify(duplicate)}: pass another id`)
    return { text: placed, splice: candidate }
  }
  throw new SigningInputError('cannot find the end of the root element')
}

function signedProperties(id: string, certificate: X509Certificate, signingTime: Date): string {
  const time = new Date(Math.floor(signingTime.getTime() / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z')
  // RFC 4514 order (most specific RDN first); node prints one RDN per line, RFC 2253-escaped, root first.
  const issuer = certificate.issuer.split('\n').reverse().join(',')
  const serial = BigInt(`0x${certificate.serialNumber}`).toString()
  return [
    `<xades:SignedProperties Id="${id}"><xades:SignedSignatureProperties>`,
    `<xades:SigningTime>${time}</xades:SigningTime>`,
    '<xades:SigningCertificate><xades:Cert><xades:CertDigest>',
    `<ds:DigestMethod Algorithm="${sha256}"/><ds:DigestValue>${createHash('sha256').update(certificate.raw).digest('base64')}</ds:DigestValue>`,
    '</xades:CertDigest><xades:IssuerSerial>',
    `<ds:X509IssuerName>${escapeText(issuer)}</ds:X509IssuerName><ds:X509SerialNumber>${serial}</ds:X509SerialNumber>`,
    '</xades:IssuerSerial></xades:Cert></xades:SigningCertificate>',
    '</xades:SignedSignatureProperties></xades:SignedProperties>',
  ].join('')
}

interface SignatureParts {
  ids: Record<'signature' | 'documentReference' | 'propertiesReference' | 'signedProperties' | 'signatureValue' | 'keyInfo', string>
  properties: string
  certificate: string
  documentDigest: string
  propertiesDigest: string
  value: string
}

function signatureXml({ ids, properties, certificate, documentDigest, propertiesDigest, value }: SignatureParts): string {
  const digestOf = (digestValue: string) => `<ds:DigestMethod Algorithm="${sha256}"/><ds:DigestValue>${digestValue}</ds:DigestValue>`
  return [
    `<ds:Signature xmlns:ds="${dsNs}" Id="${ids.signature}">`,
    '<ds:SignedInfo>',
    `<ds:CanonicalizationMethod Algorithm="${excC14n}"/>`,
    `<ds:SignatureMethod Algorithm="${rsaSha256}"/>`,
    `<ds:Reference Id="${ids.documentReference}" URI="">`,
    `<ds:Transforms><ds:Transform Algorithm="${envelopedSignature}"/><ds:Transform Algorithm="${excC14n}"/></ds:Transforms>`,
    digestOf(documentDigest),
    '</ds:Reference>',
    `<ds:Reference Id="${ids.propertiesReference}" Type="${signedPropertiesType}" URI="#${ids.signedProperties}">`,
    `<ds:Transforms><ds:Transform Algorithm="${excC14n}"/></ds:Transforms>`,
    digestOf(propertiesDigest),
    '</ds:Reference>',
    '</ds:SignedInfo>',
    `<ds:SignatureValue Id="${ids.signatureValue}">${value}</ds:SignatureValue>`,
    `<ds:KeyInfo Id="${ids.keyInfo}"><ds:X509Data><ds:X509Certificate>${certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`,
    `<ds:Object><xades:QualifyingProperties xmlns:xades="${xadesNs}" Target="#${ids.signature}">${properties}</xades:QualifyingProperties></ds:Object>`,
    '</ds:Signature>',
  ].join('')
}

function digest(canonical: string): string {
  return createHash('sha256').update(canonical, 'utf8').digest('base64')
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
