import forge from 'node-forge'
import type { PlatformCa } from './ca.js'
import { CertificateError, CertificateErrorCodes } from './errors.js'
import { type RevocationReason, revocationReasonCodes } from './revocation-reason.js'
import { serialNumberToDerBytes } from './serial.js'

// node-forge reads and writes certificates but not CRLs: the RFC 5280 CertificateList is built here with forge.asn1.
const { Class, Type } = forge.asn1
const sha256WithRsaOid = '1.2.840.113549.1.1.11'
const authorityKeyIdentifierOid = '2.5.29.35'
const crlNumberOid = '2.5.29.20'
const reasonCodeOid = '2.5.29.21'
const hourMs = 60 * 60 * 1000

export interface CrlEntry {
  serialNumber: string
  revokedAt: Date
  reason?: RevocationReason | undefined
}

export interface CreateCrlOptions {
  revoked: readonly CrlEntry[]
  /** Monotonically increasing per CA (RFC 5280 5.2.3): the caller persists it. */
  crlNumber: bigint | number
  thisUpdate?: Date
  /** thisUpdate + 24 hours by default. */
  nextUpdate?: Date
}

/** A v2 CRL signed by the CA (SHA-256 with RSA), PEM `X509 CRL`. */
export function createCrl(ca: PlatformCa, options: CreateCrlOptions): string {
  const crlNumber = BigInt(options.crlNumber)
  if (crlNumber < 0n) throw new CertificateError(CertificateErrorCodes.SerialInvalid, 400, 'The CRL number must not be negative')
  const thisUpdate = options.thisUpdate ?? new Date()
  const nextUpdate = options.nextUpdate ?? new Date(thisUpdate.getTime() + 24 * hourMs)

  const tbsCertList = sequence([
    integer(forge.util.hexToBytes('01')), // v2
    signatureAlgorithm(),
    caSubjectName(ca),
    time(thisUpdate),
    time(nextUpdate),
    // An empty revokedCertificates must be omitted, not encoded as an empty SEQUENCE.
    ...(options.revoked.length === 0 ? [] : [sequence(options.revoked.map(revokedEntry))]),
    forge.asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [
      sequence([
        extension(authorityKeyIdentifierOid, sequence([forge.asn1.create(Class.CONTEXT_SPECIFIC, 0, false, ca.keyIdentifier)])),
        extension(crlNumberOid, integer(bigintToDerBytes(crlNumber))),
      ]),
    ]),
  ])
  const tbsDer = forge.asn1.toDer(tbsCertList).getBytes()
  const digest = forge.md.sha256.create()
  digest.update(tbsDer)
  const signature = ca.privateKey.sign(digest)
  const certificateList = sequence([
    tbsCertList,
    signatureAlgorithm(),
    forge.asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, `\u0000${signature}`),
  ])
  return forge.pem.encode({ type: 'X509 CRL', body: forge.asn1.toDer(certificateList).getBytes() })
}

function revokedEntry(entry: CrlEntry): forge.asn1.Asn1 {
  const code = revocationReasonCodes[entry.reason ?? 'unspecified']
  // RFC 5280 5.3.1: the reason code extension is absent rather than "unspecified".
  const extensions =
    code === 0
      ? []
      : [sequence([extension(reasonCodeOid, forge.asn1.create(Class.UNIVERSAL, Type.ENUMERATED, false, String.fromCharCode(code)))])]
  return sequence([integer(serialNumberToDerBytes(entry.serialNumber)), time(entry.revokedAt), ...extensions])
}

/** The issuer must be byte-for-byte the CA subject, so it is copied from the CA certificate DER instead of re-encoded. */
function caSubjectName(ca: PlatformCa): forge.asn1.Asn1 {
  const der = forge.pem.decode(ca.certificatePem)[0]?.body
  if (der === undefined) throw new CertificateError(CertificateErrorCodes.CaInvalid, 500, 'The CA certificate PEM is empty')
  const certificate = forge.asn1.fromDer(der)
  const tbs = (certificate.value as forge.asn1.Asn1[])[0]
  const fields = (tbs?.value ?? []) as forge.asn1.Asn1[]
  // TBSCertificate: [0] version?, serialNumber, signature, issuer, validity, subject, …
  const offset = fields[0]?.tagClass === Class.CONTEXT_SPECIFIC ? 1 : 0
  const subject = fields[offset + 4]
  if (subject === undefined) throw new CertificateError(CertificateErrorCodes.CaInvalid, 500, 'The CA certificate has no subject')
  return subject
}

function extension(oid: string, value: forge.asn1.Asn1): forge.asn1.Asn1 {
  return sequence([
    forge.asn1.create(Class.UNIVERSAL, Type.OID, false, forge.asn1.oidToDer(oid).getBytes()),
    forge.asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, forge.asn1.toDer(value).getBytes()),
  ])
}

function signatureAlgorithm(): forge.asn1.Asn1 {
  return sequence([
    forge.asn1.create(Class.UNIVERSAL, Type.OID, false, forge.asn1.oidToDer(sha256WithRsaOid).getBytes()),
    forge.asn1.create(Class.UNIVERSAL, Type.NULL, false, ''),
  ])
}

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050. */
function time(date: Date): forge.asn1.Asn1 {
  return date.getUTCFullYear() < 2050
    ? forge.asn1.create(Class.UNIVERSAL, Type.UTCTIME, false, forge.asn1.dateToUtcTime(date))
    : forge.asn1.create(Class.UNIVERSAL, Type.GENERALIZEDTIME, false, forge.asn1.dateToGeneralizedTime(date))
}

function integer(contentBytes: string): forge.asn1.Asn1 {
  return forge.asn1.create(Class.UNIVERSAL, Type.INTEGER, false, contentBytes)
}

function sequence(value: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return forge.asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, value)
}

function bigintToDerBytes(value: bigint): string {
  let hex = value.toString(16)
  if (hex.length % 2 === 1) hex = `0${hex}`
  if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`
  return forge.util.hexToBytes(hex)
}
