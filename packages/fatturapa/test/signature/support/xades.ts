import { createHash, X509Certificate } from 'node:crypto'
import { SignedXml } from 'xml-crypto'
import type { TestSigner } from './pki.js'

const c14n = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315'
const sha256 = 'http://www.w3.org/2001/04/xmlenc#sha256'

export interface XadesOptions {
  /** xs:dateTime; null leaves SigningTime out. Defaults to now. */
  signingTime?: string | null
  /** Leave SignedProperties out of SignedInfo. */
  unsignedProperties?: boolean
  /** Sign SigningCertificate with the digest of another certificate. */
  signingCertificateOf?: TestSigner
  /** Leave out the URI="" Reference: only the SignedProperties are signed. */
  noDocumentReference?: boolean
  /** An extra Reference with this URI (signed over the Causale element). */
  extraReferenceUri?: string
}

/**
 * A XAdES-BES enveloped signature built the way Italian signing tools lay it out: the document reference
 * (URI="", enveloped-signature + C14N) and a reference to xades:SignedProperties inside ds:Object.
 */
export function signXades(xml: string, signer: TestSigner, options: XadesOptions = {}): string {
  const certificate = new X509Certificate(signer.certificatePem)
  const signingTime = options.signingTime === undefined ? new Date().toISOString().replace(/\.\d+Z$/, 'Z') : options.signingTime
  const named = options.signingCertificateOf ? new X509Certificate(options.signingCertificateOf.certificatePem) : certificate
  const properties = [
    '<xades:QualifyingProperties xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Target="#Signature-1">',
    '<xades:SignedProperties Id="SignedProperties-1"><xades:SignedSignatureProperties>',
    signingTime === null ? '' : `<xades:SigningTime>${signingTime}</xades:SigningTime>`,
    '<xades:SigningCertificate><xades:Cert><xades:CertDigest>',
    `<ds:DigestMethod Algorithm="${sha256}"/><ds:DigestValue>${createHash('sha256').update(named.raw).digest('base64')}</ds:DigestValue>`,
    '</xades:CertDigest><xades:IssuerSerial>',
    `<ds:X509IssuerName>${named.issuer.split('\n').reverse().join(',')}</ds:X509IssuerName>`,
    `<ds:X509SerialNumber>${BigInt(`0x${named.serialNumber}`).toString()}</ds:X509SerialNumber>`,
    '</xades:IssuerSerial></xades:Cert></xades:SigningCertificate>',
    '</xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties>',
  ].join('')

  const signed = new SignedXml({
    privateKey: signer.privateKeyPem,
    publicCert: signer.certificatePem,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: c14n,
    objects: [{ content: properties }],
  })
  signed.getKeyInfoContent = SignedXml.getKeyInfoContent
  if (!options.noDocumentReference) {
    signed.addReference({
      xpath: '/*',
      transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', c14n],
      digestAlgorithm: sha256,
      isEmptyUri: true,
    })
  }
  if (!options.unsignedProperties) {
    signed.addReference({
      xpath: "//*[@Id='SignedProperties-1']",
      transforms: [c14n],
      digestAlgorithm: sha256,
      type: 'http://uri.etsi.org/01903#SignedProperties',
    })
  }
  if (options.extraReferenceUri !== undefined) {
    signed.addReference({
      xpath: "(//*[local-name()='Causale'])[1]",
      transforms: [c14n],
      digestAlgorithm: sha256,
      uri: options.extraReferenceUri,
    })
  }
  signed.computeSignature(xml, { prefix: 'ds', attrs: { Id: 'Signature-1' }, location: { reference: '/*', action: 'append' } })
  const output = signed.getSignedXml()
  // xml-crypto only writes same-document URIs (it gives the target an Id): point the extra Reference
  // elsewhere afterwards. The SignatureValue no longer matches, so the verifier must refuse the URI before
  // it ever gets to the cryptography for the test to see 'reference-not-allowed'.
  if (options.extraReferenceUri === undefined) return output
  const id = /<ds:Reference URI="#(_\d+)"/.exec(output)?.[1]
  if (!id) throw new Error('extra reference not found')
  return output.replace(`URI="#${id}"`, `URI="${options.extraReferenceUri}"`)
}
