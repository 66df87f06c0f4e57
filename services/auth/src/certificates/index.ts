export { type CreateCaOptions, caCommonName, createCa, exportCa, type LoadCaInput, loadCa, type PlatformCa, type StoredCa } from './ca.js'
export { type CreateCrlOptions, type CrlEntry, createCrl } from './crl.js'
export { CrlPublisher, type PublishedCrl } from './crl-publisher.js'
export {
  type CertificateOwner,
  DatabaseCertificateStore,
  type DatabaseCertificateStoreOptions,
  type StoredCertificateRecord,
} from './db-store.js'
export { CertificateError, type CertificateErrorCode, CertificateErrorCodes } from './errors.js'
export {
  clientSubjectFor,
  type IssueClientCertificateInput,
  type IssuedCertificate,
  issueClientCertificate,
  maximumValidityDays,
} from './issue.js'
export { isRevocationReason, type RevocationReason, revocationReasonCodes } from './revocation-reason.js'
export { normalizeSerialNumber, randomSerialNumber } from './serial.js'
export {
  type CertificateRecord,
  type CertificateRevocation,
  type CertificateStore,
  InMemoryCertificateStore,
  type RevokeCertificateInput,
} from './store.js'
export {
  type ClientCertificateVerification,
  certificateIssuedBy,
  type PresentedCertificate,
  partitaIvaOfSubject,
  studioOfSubject,
  type VerificationFailureCode,
  type VerifyClientCertificateOptions,
  verificationFailureToError,
  verifyClientCertificate,
} from './verify.js'
