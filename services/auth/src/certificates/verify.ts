import { type VerificationFailureCode, verificationFailureStatus } from '@fatturapa-hub/shared'
import { CertificateError } from './errors.js'

// The checks live in @fatturapa-hub/shared so that the gateway (mutual TLS) and this service run the same code.
export {
  type ClientCertificateVerification,
  certificateIssuedBy,
  type PresentedCertificate,
  partitaIvaOfSubject,
  studioOfSubject,
  type VerificationFailureCode,
  type VerifyClientCertificateOptions,
  verifyClientCertificate,
} from '@fatturapa-hub/shared'

/** For HTTP layers: no or a bad certificate is 401, a good certificate of another client or studio 403. */
export function verificationFailureToError(result: { code: VerificationFailureCode; message: string }): CertificateError {
  return new CertificateError(result.code, verificationFailureStatus(result.code), result.message)
}
