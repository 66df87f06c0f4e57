/**
 * SDI signature outcomes [AdE spec 1.7.1, Appendice 1]: 00100 certificate expired, 00101 revoked, 00102 file not
 * intact / signature not valid, 00103 no signing time, 00104 CA not trusted, 00105 signing time later than
 * reception, 00107 certificate not valid.
 */
export type SignatureCode = '00100' | '00101' | '00102' | '00103' | '00104' | '00105' | '00107'

/** Why a signature was refused, finer than the SDI code; stable, for logs and tests. */
export type SignatureProblem =
  | 'malformed'
  | 'unsigned'
  | 'unsupported-algorithm'
  | 'signer-certificate-missing'
  | 'content-type-mismatch'
  | 'message-digest-mismatch'
  | 'signature-mismatch'
  | 'reference-mismatch'
  | 'reference-not-allowed'
  | 'document-not-signed'
  | 'signed-properties-not-signed'
  | 'signing-certificate-missing'
  | 'signing-certificate-mismatch'
  | 'signing-time-missing'
  | 'signing-time-after-reception'
  | 'certificate-expired'
  | 'certificate-not-yet-valid'
  | 'untrusted'

/** The bytes are not a CMS SignedData envelope SDI could open: it answers 00102 "File non integro". */
export class P7mFormatError extends Error {
  readonly code = '00102'

  constructor(
    message: string,
    readonly problem: SignatureProblem = 'malformed',
  ) {
    super(message)
    this.name = 'P7mFormatError'
  }
}

/** A certificate or key handed to {@link signCades} cannot be used; a caller bug, not an SDI outcome. */
export class SigningInputError extends Error {
  readonly code = 'SIGNING_INPUT_INVALID'

  constructor(message: string) {
    super(message)
    this.name = 'SigningInputError'
  }
}
