import { X509Certificate } from 'node:crypto'
import { AppError } from '../errors.js'

/**
 * Verification of the client certificates the platform CA issues to integration (APIREST) users, shared by the auth
 * service (sign-in with a certificate) and the gateway (mutual TLS). Pure: node:crypto only, no I/O besides the
 * caller's revocation lookup.
 */

/** Stable codes of a refused client certificate; the auth service's CertificateErrorCodes reuse the same strings. */
export const ClientCertificateFailureCodes = {
  Missing: 'CERTIFICATE_MISSING',
  Malformed: 'CERTIFICATE_MALFORMED',
  Untrusted: 'CERTIFICATE_UNTRUSTED',
  NotClientAuth: 'CERTIFICATE_NOT_CLIENT_AUTH',
  Expired: 'CERTIFICATE_EXPIRED',
  VatMismatch: 'CERTIFICATE_VAT_MISMATCH',
  StudioMismatch: 'CERTIFICATE_STUDIO_MISMATCH',
  Revoked: 'CERTIFICATE_REVOKED',
} as const

export const certificateSerialInvalidCode = 'CERTIFICATE_SERIAL_INVALID'

/**
 * The header through which the gateway hands the TLS peer certificate of a request to the services:
 * `encodeURIComponent(PEM)`. The gateway always removes an incoming one, so only the gateway can set it.
 */
export const clientCertificateHeader = 'x-client-certificate'

/** What a caller may present: PEM text, DER bytes, or the peer certificate of a TLS socket (`getPeerCertificate()`). */
export type PresentedCertificate = string | Uint8Array | { raw?: Uint8Array | undefined }

export interface VerifyClientCertificateOptions {
  /** The VAT number the caller authenticated as with its credentials. */
  expectedPartitaIva: string
  /**
   * The id of the studio the caller belongs to (the access token's `studio` claim). One company can be a client of
   * several studios: the VAT number alone would let a certificate issued by one studio open another studio's
   * integration user, so the subject must also name this studio (see `studioOfSubject`).
   */
  expectedStudio: string
  /** Receives the canonical serial. A rejection propagates: an unknown revocation state is an outage, not a bad certificate. */
  isRevoked: (serialNumber: string) => boolean | Promise<boolean>
  at?: Date
}

export type VerificationFailureCode = (typeof ClientCertificateFailureCodes)[keyof typeof ClientCertificateFailureCodes]

export type ClientCertificateVerification =
  | { ok: true; partitaIva: string; studioId: string; serialNumber: string }
  | { ok: false; code: VerificationFailureCode; message: string }

const clientAuthOid = '1.3.6.1.5.5.7.3.2'

/**
 * Serial numbers travel as hex strings in one canonical form (uppercase, no separators, no leading zeros),
 * whatever produced them (forge, node's X509Certificate, a TLS peer certificate, a database row),
 * so that revocation lookups compare equal strings. Fails with 400 CERTIFICATE_SERIAL_INVALID.
 */
export function normalizeCertificateSerialNumber(value: string): string {
  const hex = value.trim().replace(/^0x/i, '').replaceAll(':', '').toUpperCase()
  // RFC 5280: positive, at most 20 octets.
  if (!/^[0-9A-F]{1,40}$/.test(hex)) {
    throw new AppError(certificateSerialInvalidCode, 400, 'A serial number is a positive hex integer of at most 20 octets')
  }
  const stripped = hex.replace(/^0+/, '')
  if (stripped === '') throw new AppError(certificateSerialInvalidCode, 400, 'A serial number must be positive')
  return stripped
}

/** The presented certificate when it is readable, not a CA, and signed by `caCertificate`; otherwise undefined. */
export function certificateIssuedBy(caCertificate: string | X509Certificate, presented: PresentedCertificate): X509Certificate | undefined {
  const encoded = presentedBytes(presented)
  if (encoded === undefined) return undefined
  try {
    const ca = typeof caCertificate === 'string' ? new X509Certificate(caCertificate) : caCertificate
    const certificate = new X509Certificate(encoded)
    return !certificate.ca && certificate.checkIssued(ca) && certificate.verify(ca.publicKey) ? certificate : undefined
  } catch {
    return undefined
  }
}

/**
 * Checks, cheapest and least client-specific first: trust (signed by our CA, not a CA itself), purpose
 * (clientAuth), time, VAT number, studio, and last revocation, the only check that may need I/O.
 */
export async function verifyClientCertificate(
  caCertificate: string | X509Certificate,
  presented: PresentedCertificate,
  options: VerifyClientCertificateOptions,
): Promise<ClientCertificateVerification> {
  const ca = typeof caCertificate === 'string' ? new X509Certificate(caCertificate) : caCertificate
  const encoded = presentedBytes(presented)
  if (encoded === undefined) return failure(ClientCertificateFailureCodes.Missing, 'No client certificate was presented')
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(encoded)
  } catch {
    return failure(ClientCertificateFailureCodes.Malformed, 'The client certificate cannot be read')
  }

  if (certificate.ca || !certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) {
    return failure(ClientCertificateFailureCodes.Untrusted, 'The client certificate was not issued by the platform CA')
  }
  if (!extendedKeyUsage(certificate).includes(clientAuthOid)) {
    return failure(ClientCertificateFailureCodes.NotClientAuth, 'The certificate is not valid for TLS client authentication')
  }
  const at = options.at ?? new Date()
  const validFrom = validityDate(certificate, 'validFrom')
  const validTo = validityDate(certificate, 'validTo')
  // An unparsable date compares false both ways: refuse it explicitly instead of letting it pass.
  if (Number.isNaN(validFrom.getTime()) || Number.isNaN(validTo.getTime())) {
    return failure(ClientCertificateFailureCodes.Malformed, 'The client certificate validity cannot be read')
  }
  if (at < validFrom || at > validTo) {
    return failure(ClientCertificateFailureCodes.Expired, 'The client certificate is expired or not yet valid')
  }
  const partitaIva = partitaIvaOfSubject(certificate.subject)
  if (partitaIva === undefined || partitaIva !== options.expectedPartitaIva) {
    return failure(ClientCertificateFailureCodes.VatMismatch, 'The client certificate belongs to another VAT number')
  }
  const studioId = studioOfSubject(certificate.subject)
  // An empty expectation never matches: a caller that does not know the studio must not get a pass.
  if (studioId === undefined || options.expectedStudio === '' || studioId !== options.expectedStudio) {
    return failure(ClientCertificateFailureCodes.StudioMismatch, 'The client certificate was issued for another studio')
  }
  const serialNumber = normalizeCertificateSerialNumber(certificate.serialNumber)
  if (await options.isRevoked(serialNumber))
    return failure(ClientCertificateFailureCodes.Revoked, 'The client certificate has been revoked')
  return { ok: true, partitaIva, studioId, serialNumber }
}

/** For HTTP layers: no or a bad certificate is 401, a good certificate of another client or studio 403. */
export function verificationFailureStatus(code: VerificationFailureCode): 401 | 403 {
  return code === ClientCertificateFailureCodes.VatMismatch || code === ClientCertificateFailureCodes.StudioMismatch ? 403 : 401
}

/**
 * The VAT number our CA writes into a subject: CN `<partitaiva>.cert` and, when present, serialNumber `IT<partitaiva>`
 * agreeing with it. node prints one attribute a line and escapes line breaks inside values.
 */
export function partitaIvaOfSubject(subject: string): string | undefined {
  const lines = subject.split('\n')
  const commonNames = lines.filter((line) => line.startsWith('CN='))
  if (commonNames.length !== 1) return undefined
  const match = /^CN=(\d{11})\.cert$/.exec(commonNames[0] ?? '')
  const partitaIva = match?.[1]
  if (partitaIva === undefined) return undefined
  const serialNumbers = lines.filter((line) => line.startsWith('serialNumber='))
  if (serialNumbers.some((line) => line !== `serialNumber=IT${partitaIva}`)) return undefined
  return partitaIva
}

/** Prefix of the OU value naming the studio a client certificate was issued by: `OU=studio:<studio id>`. */
export const studioUnitPrefix = 'studio:'

/** What a studio id may look like in a subject (UUIDs in practice): nothing node would escape or split. */
export const studioIdPattern = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/

/**
 * The studio our CA writes into a subject: exactly one organizationalUnitName (OID 2.5.4.11), `studio:<studio id>`.
 * node prints it as the line `OU=studio:<id>`; the id's characters are never escaped (see `studioIdPattern`).
 * Certificates issued before studios were bound have no such OU and name no studio.
 */
export function studioOfSubject(subject: string): string | undefined {
  const units = subject.split('\n').filter((line) => line.startsWith('OU='))
  if (units.length !== 1) return undefined
  const value = (units[0] ?? '').slice('OU='.length)
  if (!value.startsWith(studioUnitPrefix)) return undefined
  const studioId = value.slice(studioUnitPrefix.length)
  return studioIdPattern.test(studioId) ? studioId : undefined
}

function presentedBytes(presented: PresentedCertificate): string | Uint8Array | undefined {
  if (typeof presented === 'string') return presented.trim() === '' ? undefined : presented
  if (presented instanceof Uint8Array) return presented.length === 0 ? undefined : presented
  // getPeerCertificate() returns {} when the peer sent no certificate.
  return presented.raw !== undefined && presented.raw.length > 0 ? presented.raw : undefined
}

function extendedKeyUsage(certificate: X509Certificate): string[] {
  // Newer node names it extKeyUsage and deprecates the misnamed keyUsage, which node 20 only has.
  const named = certificate as X509Certificate & { extKeyUsage?: string[] }
  return named.extKeyUsage ?? certificate.keyUsage ?? []
}

function validityDate(certificate: X509Certificate, field: 'validFrom' | 'validTo'): Date {
  const dated = certificate as X509Certificate & { validFromDate?: Date; validToDate?: Date }
  const native = field === 'validFrom' ? dated.validFromDate : dated.validToDate
  // node 20 only has the OpenSSL text form ("Nov 23 13:56:49 2026 GMT"), which Date parses.
  return native ?? new Date(certificate[field])
}

function failure(code: VerificationFailureCode, message: string): ClientCertificateVerification {
  return { ok: false, code, message }
}
