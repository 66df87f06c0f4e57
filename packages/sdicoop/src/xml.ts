import { parseUntrustedXml, XmlInputError } from '@fatturapa-hub/fatturapa'
import { XmlCData, type XmlDocument, XmlElement, type XmlNode, XmlText } from 'libxml2-wasm'
import { SoapError } from './errors.js'

/**
 * The platform's hardened libxml2 parser (no network, no external entities, no DTD loading or entity
 * substitution, DOCTYPE refused before parsing), with its failures in this package's error vocabulary.
 * The caller disposes the document.
 */
export function parseSoapXml(input: string | Uint8Array, what = 'SOAP message'): XmlDocument {
  if (declaresDoctype(input)) throw new SoapError('SOAP_DTD_FORBIDDEN', `DOCTYPE declarations are not allowed in a ${what}`)
  try {
    return parseUntrustedXml(input)
  } catch (error) {
    if (!(error instanceof XmlInputError)) throw error
    if (error.reason === 'doctype') throw new SoapError('SOAP_DTD_FORBIDDEN', `DOCTYPE declarations are not allowed in a ${what}`)
    const where = error.line ? ` (line ${error.line})` : ''
    throw new SoapError('SOAP_MALFORMED', `${what} is not well-formed XML${where}`, { details: [error.message] })
  }
}

/**
 * A second, BOM-aware look at the prolog: the shared parser's check reads UTF-16 input without skipping its byte
 * order mark, so a UTF-16 DOCTYPE would reach libxml2 (which then refuses the entities, but as "malformed").
 * Anything spelling <!DOCTYPE before the first element counts, comments included.
 */
function declaresDoctype(input: string | Uint8Array): boolean {
  let prolog = ''
  if (typeof input === 'string') prolog = input.slice(0, 64 * 1024)
  else {
    const limit = Math.min(input.length, 64 * 1024)
    for (let index = 0; index < limit; index++) {
      const byte = input[index] as number
      if (byte !== 0 && byte < 0x80) prolog += String.fromCharCode(byte)
    }
  }
  const firstElement = prolog.search(/<[A-Za-z_]/)
  return /<!DOCTYPE/i.test(firstElement < 0 ? prolog : prolog.slice(0, firstElement))
}

export function childElements(element: XmlElement): XmlElement[] {
  const children: XmlElement[] = []
  for (let child = element.firstChild; child; child = child.next) {
    if (child instanceof XmlElement) children.push(child)
  }
  return children
}

/** True when the element has character content besides whitespace (NOBLANKS already drops most of it). */
export function hasText(element: XmlElement): boolean {
  for (let child: XmlNode | null = element.firstChild; child; child = (child as XmlElement).next) {
    if ((child instanceof XmlText || child instanceof XmlCData) && child.content.trim() !== '') return true
  }
  return false
}

export function qualifiedName(element: XmlElement): string {
  return element.namespaceUri ? `{${element.namespaceUri}}${element.name}` : element.name
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;' }

/** Escapes text for element content or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"\r]/g, (character) => escapes[character] as string)
}
