import { X509Certificate } from 'node:crypto'
import { studioIdPattern, studioUnitPrefix } from '@fatturapa-hub/shared'
import { isValidPartitaIva } from '@fatturapa-hub/shared/identifiers'
import forge from 'node-forge'
import type { PlatformCa } from './ca.js'
import { assertCsrNamesPartitaIva, parseAndVerifyCsr } from './csr.js'
import { CertificateError, CertificateErrorCodes } from './errors.js'
import { normalizeSerialNumber, randomSerialNumber, serialNumberToForgeHex } from './serial.js'

export interface IssueClientCertificateInput {
  csrPem: string
  partitaIva: string
  /** The studio issuing it (whose client the VAT number is): written into the subject, checked at every use. */
  studioId: string
  validityDays: number
  /** Hex; random 128 bits when omitted. */
  serialNumber?: string
  /** Issuance clock, for tests and back-dated re-issues; defaults to now. */
  now?: Date
}

export interface IssuedCertificate {
  certificatePem: string
  /** Canonical hex (uppercase, no leading zeros), the key of revocation. */
  serialNumber: string
  notBefore: Date
  notAfter: Date
  /** Colon-separated uppercase hex, the same form as node's `fingerprint256` on a TLS peer certificate. */
  fingerprintSha256: string
  partitaIva: string
  studioId: string
}

export const maximumValidityDays = 825
// Tolerates clients whose clock runs a little behind ours.
const clockSkewMs = 5 * 60 * 1000
const dayMs = 24 * 60 * 60 * 1000

/**
 * The subject every client certificate carries: the CN the ERP integration names its file after, the VAT number as
 * serialNumber, and the issuing studio as organizationalUnitName `studio:<studio id>` (node: `OU=studio:<id>`), since
 * one company can be a client of several studios.
 */
export function clientSubjectFor(
  partitaIva: string,
  studioId: string,
): { commonName: string; serialNumber: string; organizationalUnitName: string } {
  return { commonName: `${partitaIva}.cert`, serialNumber: `IT${partitaIva}`, organizationalUnitName: `${studioUnitPrefix}${studioId}` }
}

export function issueClientCertificate(ca: PlatformCa, input: IssueClientCertificateInput): IssuedCertificate {
  const partitaIva = input.partitaIva.trim()
  if (!isValidPartitaIva(partitaIva)) {
    throw new CertificateError(CertificateErrorCodes.VatInvalid, 400, `"${partitaIva}" is not a valid partita IVA`)
  }
  // Not a client's input (the caller's own studio); a bad one is a bug, refused before anything is signed.
  if (!studioIdPattern.test(input.studioId)) throw new Error(`"${input.studioId}" cannot name a studio in a certificate subject`)
  if (!Number.isInteger(input.validityDays) || input.validityDays < 1 || input.validityDays > maximumValidityDays) {
    throw new CertificateError(
      CertificateErrorCodes.ValidityInvalid,
      400,
      `The validity must be a whole number of days between 1 and ${maximumValidityDays}`,
    )
  }
  const csr = parseAndVerifyCsr(input.csrPem)
  assertCsrNamesPartitaIva(csr, partitaIva)

  const now = input.now ?? new Date()
  // X.509 times have whole seconds: truncate here so the returned dates equal the encoded ones.
  const notBefore = wholeSeconds(now.getTime() - clockSkewMs)
  const notAfter = wholeSeconds(now.getTime() + input.validityDays * dayMs)
  // A certificate outliving its issuer would fail chain validation anyway; say so at issuance instead.
  if (notAfter > ca.notAfter) {
    throw new CertificateError(CertificateErrorCodes.ValidityInvalid, 400, 'The requested validity goes beyond the CA certificate expiry')
  }
  const serialNumber = input.serialNumber === undefined ? randomSerialNumber() : normalizeSerialNumber(input.serialNumber)
  const subject = clientSubjectFor(partitaIva, input.studioId)

  const certificate = forge.pki.createCertificate()
  certificate.publicKey = csr.publicKey
  certificate.serialNumber = serialNumberToForgeHex(serialNumber)
  certificate.validity.notBefore = notBefore
  certificate.validity.notAfter = notAfter
  certificate.setSubject([
    { type: '2.5.4.3', value: subject.commonName },
    { type: '2.5.4.5', value: subject.serialNumber },
    { type: '2.5.4.11', value: subject.organizationalUnitName },
  ])
  certificate.setIssuer(ca.certificate.subject.attributes)
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
    { name: 'subjectKeyIdentifier' },
    // forge's `keyIdentifier: true` would hash the subject key: the AKI must name the CA key.
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.keyIdentifier },
  ])
  certificate.sign(ca.privateKey, forge.md.sha256.create())

  const certificatePem = forge.pki.certificateToPem(certificate)
  const x509 = new X509Certificate(certificatePem)
  return {
    certificatePem: x509.toString(),
    serialNumber,
    notBefore,
    notAfter,
    fingerprintSha256: x509.fingerprint256,
    partitaIva,
    studioId: input.studioId,
  }
}

function wholeSeconds(epochMs: number): Date {
  return new Date(Math.floor(epochMs / 1000) * 1000)
}
