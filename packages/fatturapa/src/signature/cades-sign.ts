import { createHash, createPrivateKey, createPublicKey, type KeyObject, type webcrypto, X509Certificate } from 'node:crypto'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { pemOrDer } from './certificate.js'
import { sortByDer } from './der-sort.js'
import { SigningInputError } from './errors.js'
import { oids } from './oids.js'

export interface SignCadesOptions {
  /** Signer certificate, DER or PEM. */
  certificate: Uint8Array | string
  /** PKCS#8 private key (RSA or EC P-256/P-384/P-521), DER or PEM. */
  privateKey: Uint8Array | string
  /** Defaults to now. SDI needs it (00103); it is encoded to the second. */
  signingTime?: Date
  /** Intermediate certificates to carry in the envelope, DER or PEM. */
  chain?: Array<Uint8Array | string>
}

// A local engine, not pkijs.setEngine: the global engine belongs to whoever embeds this library.
const engine = new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto: globalThis.crypto })

const curves: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }

/**
 * Builds an enveloping CAdES-BES `.p7m` (DER) of `content`, SHA-256: signed attributes content-type,
 * signing-time, message-digest and signingCertificateV2 (ESSCertIDv2 with IssuerSerial), DER-sorted.
 */
export async function signCades(content: Uint8Array, options: SignCadesOptions): Promise<Uint8Array> {
  // An empty eContent would be dropped by pkijs, turning the envelope into a detached signature.
  if (content.length === 0) throw new SigningInputError('cannot sign empty content')
  const certificateDer = pemOrDer(options.certificate, 'CERTIFICATE')
  const keyDer = pemOrDer(options.privateKey, 'PRIVATE KEY')
  const { certificate, key } = await loadSigner(certificateDer, keyDer)
  const signingTime = new Date(Math.floor((options.signingTime ?? new Date()).getTime() / 1000) * 1000)

  const attributes = sortByDer(
    [
      new pkijs.Attribute({ type: oids.contentType, values: [new asn1js.ObjectIdentifier({ value: oids.data })] }),
      new pkijs.Attribute({ type: oids.signingTime, values: [timeValue(signingTime)] }),
      new pkijs.Attribute({
        type: oids.messageDigest,
        values: [new asn1js.OctetString({ valueHex: createHash('sha256').update(content).digest() })],
      }),
      new pkijs.Attribute({ type: oids.signingCertificateV2, values: [signingCertificateV2(certificate, certificateDer)] }),
    ],
    (attribute) => new Uint8Array(attribute.toSchema().toBER(false)),
  )
  const chain = (options.chain ?? []).map((item) => pkijs.Certificate.fromBER(pemOrDer(item, 'CERTIFICATE')))
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: oids.data }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
      }),
    ],
    certificates: sortByDer([certificate, ...chain], (item) => new Uint8Array(item.toSchema().toBER(false))),
  })
  // Assigned after construction: the constructor would split the content into a BER constructed string,
  // and the output is meant to be DER.
  signedData.encapContentInfo.eContent = new asn1js.OctetString({ valueHex: content })
  await signedData.sign(key, 0, 'SHA-256', undefined, engine)
  const contentInfo = new pkijs.ContentInfo({ contentType: oids.signedData, content: signedData.toSchema(true) })
  return new Uint8Array(contentInfo.toSchema().toBER(false))
}

async function loadSigner(
  certificateDer: Uint8Array,
  keyDer: Uint8Array,
): Promise<{ certificate: pkijs.Certificate; key: webcrypto.CryptoKey }> {
  let x509: X509Certificate
  let certificate: pkijs.Certificate
  let privateKey: KeyObject
  try {
    x509 = new X509Certificate(certificateDer)
    certificate = pkijs.Certificate.fromBER(certificateDer)
  } catch (error) {
    throw new SigningInputError(`unreadable certificate: ${(error as Error).message}`)
  }
  try {
    privateKey = createPrivateKey({ key: Buffer.from(keyDer), format: 'der', type: 'pkcs8' })
  } catch (error) {
    throw new SigningInputError(`unreadable PKCS#8 private key: ${(error as Error).message}`)
  }
  const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'der' })
  if (!spki(createPublicKey(privateKey)).equals(spki(x509.publicKey))) {
    throw new SigningInputError('the private key does not belong to the certificate')
  }
  let algorithm: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams
  if (privateKey.asymmetricKeyType === 'rsa') {
    algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
  } else if (privateKey.asymmetricKeyType === 'ec' && curves[privateKey.asymmetricKeyDetails?.namedCurve ?? '']) {
    algorithm = { name: 'ECDSA', namedCurve: curves[privateKey.asymmetricKeyDetails?.namedCurve ?? ''] as string }
  } else {
    throw new SigningInputError(`unsupported key type ${privateKey.asymmetricKeyType}; use RSA or EC P-256/P-384/P-521`)
  }
  const key = await globalThis.crypto.subtle.importKey('pkcs8', keyDer, algorithm, false, ['sign'])
  return { certificate, key }
}

/** RFC 5652 §11.3: UTCTime for 1950–2049, GeneralizedTime otherwise. */
function timeValue(date: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  const year = date.getUTCFullYear()
  return year >= 1950 && year < 2050 ? new asn1js.UTCTime({ valueDate: date }) : new asn1js.GeneralizedTime({ valueDate: date })
}

/** SigningCertificateV2 { certs: [ESSCertIDv2 { certHash: SHA-256(cert DER), issuerSerial }] }, hashAlgorithm omitted (DEFAULT sha256). */
function signingCertificateV2(certificate: pkijs.Certificate, certificateDer: Uint8Array): asn1js.Sequence {
  const issuerSerial = new pkijs.IssuerSerial({
    issuer: new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 4, value: certificate.issuer })] }),
    serialNumber: certificate.serialNumber,
  })
  const essCertIdV2 = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: createHash('sha256').update(certificateDer).digest() }), issuerSerial.toSchema()],
  })
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] })
}
