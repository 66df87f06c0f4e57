import type { XmlElement } from 'libxml2-wasm'
import { SoapError } from './errors.js'
import { SoapNamespaces } from './namespaces.js'
import { childElements, escapeXml } from './xml.js'

/** The fault codes SOAP 1.1 defines; a dotted suffix refines them (`Client.Authentication`). */
export type SoapFaultCode = 'VersionMismatch' | 'MustUnderstand' | 'Client' | 'Server'

export interface SoapFault {
  /**
   * The fault code: the local part when it is in the SOAP 1.1 namespace (`Client`, `Server.Busy`), otherwise
   * `{namespace}local` (or the raw text when its prefix is not declared).
   */
  code: string
  /** The faultcode text as sent (a QName). */
  faultcode: string
  faultstring: string
  faultactor?: string
  /** Text of each detail entry. */
  detail?: string[]
}

export interface SoapFaultInput {
  code: SoapFaultCode | `${SoapFaultCode}.${string}`
  faultstring: string
  faultactor?: string
  /** Emitted as one `hub:message` detail entry each. */
  detail?: readonly string[]
}

/** SOAP 1.1 over HTTP: a fault travels with status 500. */
export const soapFaultHttpStatus = 500

const detailNamespace = 'urn:fatturapa-hub:sdicoop'

/** A SOAP 1.1 envelope holding one Fault. */
export function buildSoapFault(fault: SoapFaultInput): string {
  const actor = fault.faultactor === undefined ? '' : `<faultactor>${escapeXml(fault.faultactor)}</faultactor>`
  const detail =
    fault.detail && fault.detail.length > 0
      ? `<detail>${fault.detail.map((line) => `<hub:message xmlns:hub="${detailNamespace}">${escapeXml(line)}</hub:message>`).join('')}</detail>`
      : ''
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soapenv:Envelope xmlns:soapenv="${SoapNamespaces.Envelope11}"><soapenv:Body><soapenv:Fault>` +
    `<faultcode>soapenv:${escapeXml(fault.code)}</faultcode><faultstring>${escapeXml(fault.faultstring)}</faultstring>${actor}${detail}` +
    `</soapenv:Fault></soapenv:Body></soapenv:Envelope>`
  )
}

/**
 * The fault a server answers for an error: the sender's fault (Client) for messages it must not resend as they
 * are, VersionMismatch/MustUnderstand as SOAP 1.1 requires, Server for everything else (whose message is not
 * leaked: it may describe internals).
 */
export function soapFaultFromError(error: unknown): SoapFaultInput {
  if (!(error instanceof SoapError)) return { code: 'Server', faultstring: 'Internal error' }
  switch (error.code) {
    case 'SOAP_VERSION_MISMATCH':
      return { code: 'VersionMismatch', faultstring: error.message }
    case 'SOAP_MUST_UNDERSTAND':
      return { code: 'MustUnderstand', faultstring: error.message }
    case 'SOAP_MALFORMED':
    case 'SOAP_DTD_FORBIDDEN':
    case 'SOAP_UNKNOWN_OPERATION':
    case 'SOAP_BODY_INVALID':
    case 'SOAP_TOO_LARGE':
    case 'SOAP_MTOM_INVALID':
    case 'SOAP_UNSUPPORTED_MEDIA_TYPE':
      return { code: 'Client', faultstring: error.message, ...(error.details.length > 0 ? { detail: error.details } : {}) }
    default:
      return { code: 'Server', faultstring: 'Internal error' }
  }
}

/** Reads a `soapenv:Fault` element. */
export function parseFaultElement(element: XmlElement): SoapFault {
  const children = new Map<string, XmlElement>()
  for (const child of childElements(element)) {
    // SOAP 1.1 fault children are unqualified; some stacks qualify them anyway.
    if (!children.has(child.name)) children.set(child.name, child)
  }
  const faultcodeElement = children.get('faultcode')
  const faultstringElement = children.get('faultstring')
  if (!faultcodeElement || !faultstringElement) {
    throw new SoapError('SOAP_MALFORMED', 'SOAP Fault without faultcode or faultstring')
  }
  const faultcode = faultcodeElement.content.trim()
  const fault: SoapFault = { code: resolveCode(faultcodeElement, faultcode), faultcode, faultstring: faultstringElement.content }
  const actor = children.get('faultactor')
  if (actor) fault.faultactor = actor.content.trim()
  const detail = children.get('detail')
  if (detail) {
    const entries = childElements(detail)
    const texts = entries.length > 0 ? entries.map((entry) => entry.content.trim()) : [detail.content.trim()]
    fault.detail = texts.filter((text) => text !== '')
  }
  return fault
}

function resolveCode(element: XmlElement, qname: string): string {
  const colon = qname.indexOf(':')
  const prefix = colon < 0 ? '' : qname.slice(0, colon)
  const local = qname.slice(colon + 1)
  const namespace = prefix === '' ? element.namespaceForPrefix('') : element.namespaceForPrefix(prefix)
  if (namespace === SoapNamespaces.Envelope11) return local
  return namespace ? `{${namespace}}${local}` : qname
}
