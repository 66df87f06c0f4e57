import { SoapError } from './errors.js'
import { parseMediaType } from './media-type.js'
import { decodeMtom } from './mtom.js'
import type { OperationId, OperationsOf, ServiceName } from './operations.js'
import { type MessageKind, type ParseExpectation, type ParseOptions, parseSoapMessage, type SoapMessage } from './parse.js'

/**
 * Parses a SOAP message as it arrives over HTTP: plain `text/xml`, or MTOM/XOP `multipart/related` (what SDI
 * sends). A SOAP 1.2 media type (`application/soap+xml`) is a version mismatch.
 */
export function parseSoapHttp<O extends OperationId>(
  contentType: string | undefined,
  body: Uint8Array,
  expect: { operation: O; kind?: MessageKind },
  options?: ParseOptions,
): SoapMessage<O>
export function parseSoapHttp<S extends ServiceName>(
  contentType: string | undefined,
  body: Uint8Array,
  expect: { service: S; kind?: MessageKind },
  options?: ParseOptions,
): SoapMessage<OperationsOf<S>>
export function parseSoapHttp(
  contentType: string | undefined,
  body: Uint8Array,
  expect: ParseExpectation,
  options?: ParseOptions,
): SoapMessage
export function parseSoapHttp(
  contentType: string | undefined,
  body: Uint8Array,
  expect: ParseExpectation,
  options: ParseOptions = {},
): SoapMessage {
  return parseSoapMessage(soapXmlOfHttpBody(contentType, body, options.maxBytes), expect, options)
}

/** The envelope of an HTTP body: MTOM packages are unpacked, XML bodies returned as they are. */
export function soapXmlOfHttpBody(contentType: string | undefined, body: Uint8Array, maxBytes?: number): string | Uint8Array {
  const media = parseMediaType(contentType ?? 'text/xml')
  switch (media.type) {
    case 'multipart/related':
      return decodeMtom(contentType as string, body, maxBytes === undefined ? {} : { maxBytes })
    case 'text/xml':
    case 'application/xml':
    case '':
      return body
    case 'application/soap+xml':
      throw new SoapError('SOAP_VERSION_MISMATCH', 'application/soap+xml is SOAP 1.2: SDICoop speaks SOAP 1.1 only')
    default:
      throw new SoapError('SOAP_UNSUPPORTED_MEDIA_TYPE', `Unsupported content type ${media.type}`)
  }
}
