import { ParseOption, XmlDocument } from 'libxml2-wasm'
import { encodeBodyElement } from './body-codec.js'
import { SoapError } from './errors.js'
import { SoapNamespaces } from './namespaces.js'
import { type BodyElement, type OperationId, operationInfo, type RequestOf, type ResponseOf, type TwoWayOperation } from './operations.js'
import { assertValidBody } from './schemas.js'

/** Content type of a plain SOAP 1.1 message. */
export const soapContentType = 'text/xml; charset=utf-8'

export interface SoapEnvelope {
  operation: OperationId
  /** The whole envelope, UTF-8 with an XML declaration. */
  xml: string
  /** The SOAPAction URI of the operation. */
  soapAction: string
  /** The SOAPAction HTTP header value (the URI quoted, as SOAP 1.1 wants it). */
  soapActionHeader: string
  contentType: string
}

export interface BuildOptions {
  /** Check the body against the SDICoop types before returning (default true): an invalid body throws SOAP_BODY_INVALID. */
  validate?: boolean
}

/** A SOAP 1.1 envelope around one body element. */
export function wrapInEnvelope(bodyXml: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SoapNamespaces.Envelope11}"><soapenv:Body>${bodyXml}</soapenv:Body></soapenv:Envelope>`
}

export function buildSoapRequest<O extends OperationId>(operation: O, body: RequestOf<O>, options: BuildOptions = {}): SoapEnvelope {
  const info = operationInfo(operation)
  return build(operation, info.request, body, options)
}

export function buildSoapResponse<O extends TwoWayOperation>(operation: O, body: ResponseOf<O>, options: BuildOptions = {}): SoapEnvelope {
  const info = operationInfo(operation)
  if (!info.response) throw new TypeError(`${operation} is one-way: it has no response body`)
  return build(operation, info.response, body, options)
}

function build(operation: OperationId, element: BodyElement, body: unknown, options: BuildOptions): SoapEnvelope {
  const bodyXml = encodeBodyElement(element, body)
  if (options.validate ?? true) validateBuiltBody(bodyXml)
  const info = operationInfo(operation)
  return {
    operation,
    xml: wrapInEnvelope(bodyXml),
    soapAction: info.soapAction,
    soapActionHeader: `"${info.soapAction}"`,
    contentType: soapContentType,
  }
}

function validateBuiltBody(bodyXml: string): void {
  let document: XmlDocument
  try {
    document = XmlDocument.fromString(bodyXml, { option: ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE })
  } catch (error) {
    // Only characters XML cannot carry (e.g. U+0000) get here: the builder escapes the rest.
    const message = (error as Error).message
    throw new SoapError('SOAP_BODY_INVALID', `Body cannot be represented in XML: ${message}`, { details: [message] })
  }
  try {
    assertValidBody(document.root)
  } finally {
    document.dispose()
  }
}
