import { AppError, ClientCertificateFailureCodes, certificateSerialInvalidCode } from '@fatturapa-hub/shared'

/** Stable codes: clients and the gateway switch on them, renaming one is a breaking change. */
export const CertificateErrorCodes = {
  CsrInvalid: 'CERTIFICATE_CSR_INVALID',
  VatInvalid: 'CERTIFICATE_VAT_INVALID',
  VatMismatch: ClientCertificateFailureCodes.VatMismatch,
  StudioMismatch: ClientCertificateFailureCodes.StudioMismatch,
  ValidityInvalid: 'CERTIFICATE_VALIDITY_INVALID',
  SerialInvalid: certificateSerialInvalidCode,
  SerialConflict: 'CERTIFICATE_SERIAL_CONFLICT',
  NotFound: 'CERTIFICATE_NOT_FOUND',
  CaInvalid: 'CERTIFICATE_CA_INVALID',
  // The verification failures are shared with the gateway.
  Missing: ClientCertificateFailureCodes.Missing,
  Malformed: ClientCertificateFailureCodes.Malformed,
  Untrusted: ClientCertificateFailureCodes.Untrusted,
  Expired: ClientCertificateFailureCodes.Expired,
  Revoked: ClientCertificateFailureCodes.Revoked,
  NotClientAuth: ClientCertificateFailureCodes.NotClientAuth,
} as const

export type CertificateErrorCode = (typeof CertificateErrorCodes)[keyof typeof CertificateErrorCodes]

export class CertificateError extends AppError {
  declare readonly code: CertificateErrorCode

  constructor(code: CertificateErrorCode, statusCode: number, message: string, extensions?: Record<string, unknown>) {
    super(code, statusCode, message, extensions)
    this.name = 'CertificateError'
  }
}
