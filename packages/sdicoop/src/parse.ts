import type { XmlDocument, XmlElement } from 'libxml2-wasm'
import { decodeBodyElement } from './body-codec.js'
import { SoapError } from './errors.js'
import { parseFaultElement, type SoapFault } from './fault.js'
import { SoapNamespaces } from './namespaces.js'
import {
  type OperationId,
  type OperationInfo,
  type OperationsOf,
  operationInfo,
  operationsOfService,
  type RequestOf,
  type ResponseOf,
  type ServiceName,
  type TwoWayOperation,
} from './operations.js'
import { assertValidBody } from './schemas.js'
import { childElements, hasText, parseSoapXml, qualifiedName } from './xml.js'

/**
 * Default size limit of a SOAP message: a 5 MB invoice (the SDI maximum, 00003) is 6.7 MB in base64, plus the
 * envelope; RiceviFatture adds a small metadata file.
 */
export const defaultMaxSoapBytes = 8 * 1024 * 1024

export type MessageKind = 'request' | 'response'

export type SoapRequestMessage<O extends OperationId> = { [K in O]: { kind: 'request'; operation: K; body: RequestOf<K> } }[O]
export type SoapResponseMessage<O extends OperationId> = {
  [K in O & TwoWayOperation]: { kind: 'response'; operation: K; body: ResponseOf<K> }
}[O & TwoWayOperation]
export interface SoapFaultMessage {
  kind: 'fault'
  fault: SoapFault
}
export type SoapMessage<O extends OperationId = OperationId> = SoapRequestMessage<O> | SoapResponseMessage<O> | SoapFaultMessage

/** What the receiver expects: one operation, or any operation of a service; optionally only requests or responses. */
export type ParseExpectation = { operation: OperationId; kind?: MessageKind } | { service: ServiceName; kind?: MessageKind }

export interface ParseOptions {
  /** Larger messages are refused (SOAP_TOO_LARGE) before parsing. Default defaultMaxSoapBytes. */
  maxBytes?: number
  /**
   * The SOAPAction HTTP header received, quoted or not: when not empty it must be the action of the operation
   * the body element belongs to (SOAP_UNKNOWN_OPERATION otherwise).
   */
  soapAction?: string
  /** Check the body against the SDICoop types (default true). */
  validate?: boolean
}

/**
 * Parses a SOAP 1.1 message of the SDICoop services into its typed body, hardened against entity attacks and
 * size. Faults are returned (kind 'fault'), not thrown: a server receiving one, or a client deciding what
 * to do with it, both need its content.
 *
 * @throws SoapError SOAP_TOO_LARGE, SOAP_DTD_FORBIDDEN, SOAP_MALFORMED, SOAP_VERSION_MISMATCH,
 * SOAP_MUST_UNDERSTAND, SOAP_UNKNOWN_OPERATION, SOAP_BODY_INVALID (with the schema messages in `details`).
 */
export function parseSoapMessage<O extends OperationId>(
  input: string | Uint8Array,
  expect: { operation: O; kind?: MessageKind },
  options?: ParseOptions,
): SoapMessage<O>
export function parseSoapMessage<S extends ServiceName>(
  input: string | Uint8Array,
  expect: { service: S; kind?: MessageKind },
  options?: ParseOptions,
): SoapMessage<OperationsOf<S>>
export function parseSoapMessage(input: string | Uint8Array, expect: ParseExpectation, options?: ParseOptions): SoapMessage
export function parseSoapMessage(input: string | Uint8Array, expect: ParseExpectation, options: ParseOptions = {}): SoapMessage {
  const maxBytes = options.maxBytes ?? defaultMaxSoapBytes
  // A string has at least one UTF-8 byte per UTF-16 unit: the length alone refuses most oversized input.
  const size = typeof input === 'string' ? (input.length > maxBytes ? input.length : Buffer.byteLength(input, 'utf8')) : input.byteLength
  if (size > maxBytes) throw new SoapError('SOAP_TOO_LARGE', `SOAP message of ${size} bytes exceeds the limit of ${maxBytes} bytes`)
  const document = parseSoapXml(input)
  try {
    return readEnvelope(document, expect, options)
  } finally {
    document.dispose()
  }
}

function readEnvelope(document: XmlDocument, expect: ParseExpectation, options: ParseOptions): SoapMessage {
  const envelope = document.root
  if (envelope.name === 'Envelope' && envelope.namespaceUri === SoapNamespaces.Envelope12) {
    throw new SoapError('SOAP_VERSION_MISMATCH', 'SOAP 1.2 envelope: SDICoop speaks SOAP 1.1 only')
  }
  if (envelope.name !== 'Envelope' || envelope.namespaceUri !== SoapNamespaces.Envelope11) {
    const detail = envelope.name === 'Envelope' ? 'an Envelope in an unknown namespace' : `root ${qualifiedName(envelope)}`
    const code = envelope.name === 'Envelope' ? 'SOAP_VERSION_MISMATCH' : 'SOAP_MALFORMED'
    throw new SoapError(code, `Not a SOAP 1.1 envelope: ${detail}`)
  }
  const body = envelopeBody(envelope)
  const contents = childElements(body)
  if (hasText(body)) throw new SoapError('SOAP_MALFORMED', 'SOAP Body holds character data')
  if (contents.length === 0) throw new SoapError('SOAP_MALFORMED', 'SOAP Body is empty')
  if (contents.length > 1) throw new SoapError('SOAP_MALFORMED', `SOAP Body holds ${contents.length} elements, document/literal allows one`)
  const element = contents[0] as XmlElement
  if (element.namespaceUri === SoapNamespaces.Envelope11 && element.name === 'Fault') {
    return { kind: 'fault', fault: parseFaultElement(element) }
  }
  const { operation, kind } = matchOperation(element, expect)
  checkSoapAction(operation, options.soapAction)
  const bodyElement = kind === 'request' ? operation.request : operation.response
  if (!bodyElement) throw new SoapError('SOAP_UNKNOWN_OPERATION', `${operation.id} has no ${kind}`)
  if (options.validate ?? true) assertValidBody(element)
  return { kind, operation: operation.id, body: decodeBodyElement(element, bodyElement.type) } as SoapMessage
}

function envelopeBody(envelope: XmlElement): XmlElement {
  if (hasText(envelope)) throw new SoapError('SOAP_MALFORMED', 'SOAP Envelope holds character data')
  const children = childElements(envelope)
  let index = 0
  const first = children[0]
  if (first && first.namespaceUri === SoapNamespaces.Envelope11 && first.name === 'Header') {
    checkHeader(first)
    index = 1
  }
  const body = children[index]
  if (!body || body.namespaceUri !== SoapNamespaces.Envelope11 || body.name !== 'Body') {
    throw new SoapError('SOAP_MALFORMED', body ? `Expected soap:Body, found ${qualifiedName(body)}` : 'SOAP envelope without Body')
  }
  if (children.length > index + 1) throw new SoapError('SOAP_MALFORMED', 'Elements after the SOAP Body')
  return body
}

/** This codec processes no header entry, so one that must be understood makes the message unprocessable. */
function checkHeader(header: XmlElement): void {
  for (const entry of childElements(header)) {
    const mustUnderstand = entry.attrs.find(
      (attribute) => attribute.name === 'mustUnderstand' && attribute.namespaceUri === SoapNamespaces.Envelope11,
    )
    if (mustUnderstand && mustUnderstand.value.trim() === '1') {
      throw new SoapError('SOAP_MUST_UNDERSTAND', `Header entry ${qualifiedName(entry)} must be understood and is not supported`)
    }
  }
}

function matchOperation(element: XmlElement, expect: ParseExpectation): { operation: OperationInfo; kind: MessageKind } {
  const candidates = 'operation' in expect ? [operationInfo(expect.operation)] : operationsOfService(expect.service)
  for (const operation of candidates) {
    for (const kind of ['request', 'response'] as const) {
      if (expect.kind && expect.kind !== kind) continue
      const expected = operation[kind]
      if (expected && expected.name === element.name && expected.namespace === element.namespaceUri) return { operation, kind }
    }
  }
  const scope = 'operation' in expect ? expect.operation : `service ${expect.service}`
  throw new SoapError('SOAP_UNKNOWN_OPERATION', `Body element ${qualifiedName(element)} is no ${expect.kind ?? 'message'} of ${scope}`)
}

function checkSoapAction(operation: OperationInfo, header: string | undefined): void {
  if (header === undefined) return
  const action = header.trim().replace(/^"(.*)"$/s, '$1')
  if (action !== '' && action !== operation.soapAction) {
    throw new SoapError('SOAP_UNKNOWN_OPERATION', `SOAPAction ${action} does not match ${operation.id} (${operation.soapAction})`)
  }
}
