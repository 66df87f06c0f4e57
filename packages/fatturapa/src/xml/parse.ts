import { ParseOption, XmlDocument } from 'libxml2-wasm'
import { hasDoctype } from './prolog.js'

/** The largest invoice file SDI accepts on any channel (00003). */
export const maxInvoiceBytes = 5 * 1024 * 1024

/**
 * No network, no external entities or DTD loading, no entity substitution; libxml2 also caps entity
 * amplification, which stops billion-laughs and quadratic blow-up files at parse time. NOBLANKS and COMPACT
 * drop the indentation text nodes and pack short texts, which makes schema validation about 1.6 times
 * faster; libxml2 keeps whitespace that is an element's whole content, so no verdict changes (the
 * differential conformance test runs with these same options).
 */
export const hardenedParseOptions =
  ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_NOBLANKS | ParseOption.XML_PARSE_COMPACT

export class XmlInputError extends Error {
  constructor(
    readonly reason: 'doctype' | 'malformed',
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message)
    this.name = 'XmlInputError'
  }
}

const encodingDeclaration = /^(\uFEFF?<\?xml\s[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2/

/**
 * Parses untrusted XML (invoices, SDI messages) with libxml2; the caller disposes the document. Documents with
 * a DOCTYPE are refused outright: FatturaPA and SDI messages never carry one, and it is the vehicle of every
 * entity attack. Bytes are decoded by libxml2 from the BOM or the declaration (UTF-8, UTF-16, ISO-8859-1 and
 * windows-1252 occur in real files); a string is already decoded, so it is re-encoded as UTF-8 and its
 * declaration is made to say so.
 */
export function parseUntrustedXml(input: string | Uint8Array): XmlDocument {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input.replace(encodingDeclaration, '$1$2UTF-8$2')) : input
  if (hasDoctype(prologText(bytes))) throw new XmlInputError('doctype', 'DOCTYPE declarations are not allowed')
  try {
    return XmlDocument.fromBuffer(bytes, { option: hardenedParseOptions })
  } catch (error) {
    const detail = (error as { details?: Array<{ message: string; line?: number; col?: number }> }).details?.[0]
    throw new XmlInputError(
      'malformed',
      `XML not well-formed: ${(detail?.message ?? (error as Error).message).trim()}`,
      detail?.line,
      detail?.col === undefined ? undefined : detail.col,
    )
  }
}

/** The first bytes as text, NUL bytes dropped so UTF-16 input reads like ASCII; enough to see the prolog. */
function prologText(bytes: Uint8Array): string {
  const limit = Math.min(bytes.length, 64 * 1024)
  let text = ''
  for (let index = 0; index < limit; index++) {
    const byte = bytes[index] as number
    if (byte === 0) continue
    text += String.fromCharCode(byte)
    // The prolog ends at the first element: '<' followed by a name start character.
    if (byte === 0x3c && index + 1 < limit) {
      const next = bytes[index + 1] as number
      if ((next >= 0x41 && next <= 0x5a) || (next >= 0x61 && next <= 0x7a) || next === 0x5f) break
    }
  }
  return text
}
