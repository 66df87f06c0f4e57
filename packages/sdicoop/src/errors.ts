import type { SoapFault } from './fault.js'

export type SoapErrorCode =
  /** Not well-formed XML, not a SOAP envelope, or a Body that is missing, empty or holds more than one element. */
  | 'SOAP_MALFORMED'
  /** A DOCTYPE is present: SOAP 1.1 forbids it, and it is the vehicle of every entity attack. */
  | 'SOAP_DTD_FORBIDDEN'
  /** The envelope is not SOAP 1.1 (e.g. a SOAP 1.2 envelope or media type). */
  | 'SOAP_VERSION_MISMATCH'
  /** A header entry asks to be understood (mustUnderstand="1"): this codec understands none. */
  | 'SOAP_MUST_UNDERSTAND'
  /** The body element (or the SOAPAction) belongs to no expected operation. */
  | 'SOAP_UNKNOWN_OPERATION'
  /** The body element does not conform to the SDICoop types; `details` carries the schema messages. */
  | 'SOAP_BODY_INVALID'
  /** The message is larger than the configured limit. */
  | 'SOAP_TOO_LARGE'
  /** A multipart/related (MTOM/XOP) package that cannot be decoded. */
  | 'SOAP_MTOM_INVALID'
  /** An HTTP content type that is neither text/xml nor multipart/related. */
  | 'SOAP_UNSUPPORTED_MEDIA_TYPE'
  /** The peer answered with an HTTP error status and no SOAP fault. */
  | 'SOAP_HTTP_ERROR'
  /** Connection refused, reset, TLS failure... */
  | 'SOAP_NETWORK_ERROR'
  /** No complete answer within the deadline. */
  | 'SOAP_TIMEOUT'
  /** The peer answered with a SOAP fault (see SoapFaultError). */
  | 'SOAP_FAULT'

export interface SoapErrorOptions {
  details?: readonly string[]
  /**
   * True when the peer may have received and processed the request although no answer came back (timeout or
   * connection lost after sending): re-sending could duplicate it, so reconcile first (for SdIRiceviFile: wait
   * for the RC/NS of the file name before re-sending under a new one).
   */
  ambiguous?: boolean
  httpStatus?: number
  cause?: unknown
}

/** Every failure of this package; `code` is stable, `details` carries schema or parser messages. */
export class SoapError extends Error {
  readonly details: readonly string[]
  readonly ambiguous: boolean
  readonly httpStatus: number | undefined

  constructor(
    readonly code: SoapErrorCode,
    message: string,
    options: SoapErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'SoapError'
    this.details = options.details ?? []
    this.ambiguous = options.ambiguous ?? false
    this.httpStatus = options.httpStatus
  }
}

/** The peer answered with a SOAP fault. */
export class SoapFaultError extends SoapError {
  constructor(
    readonly fault: SoapFault,
    httpStatus?: number,
  ) {
    super('SOAP_FAULT', `SOAP fault ${fault.faultcode}: ${fault.faultstring}`, {
      details: fault.detail ?? [],
      ...(httpStatus === undefined ? {} : { httpStatus }),
    })
    this.name = 'SoapFaultError'
  }
}
