import { AppError } from '@fatturapa-hub/shared'

/** Stable codes: clients and the gateway switch on them, renaming one is a breaking change. */
export const CertificateErrorCodes = {
  CsrInvalid: 'CERTIFICATE_CSR_INVALID',
  VatInvalid: 'CERTIFICATE_VAT_INVALID',
  VatMismatch: 'CERTIFICATE_VAT_MISMATCH',
  ValidityInvalid: 'CERTIFICATE_VALIDITY_INVALID',
  SerialInvalid: 'CERTIFICATE_SERIAL_INVALID',
  SerialConflict: 'CERTIFICATE_SERIAL_CONFLICT',
  NotFound: 'CERTIFICATE_NOT_FOUND',
  CaInvalid: 'CERTIFICATE_CA_INVALID',
  Missing: 'CERTIFICATE_MISSING',
  Malformed: 'CERTIFICATE_MALFORMED',
  Untrusted: 'CERTIFICATE_UNTRUSTED',
  Expired: 'CERTIFICATE_EXPIRED',
  Revoked: 'CERTIFICATE_REVOKED',
  NotClientAuth: 'CERTIFICATE_NOT_CLIENT_AUTH',
} as const

export type CertificateErrorCode = (typeof CertificateErrorCodes)[keyof typeof CertificateErrorCodes]

export class CertificateError extends AppError {
  declare readonly code: CertificateErrorCode

  constructor(code: CertificateErrorCode, statusCode: number, message: string, extensions?: Record<string, unknown>) {
    super(code, statusCode, message, extensions)
    this.name = 'CertificateError'
  }
}
