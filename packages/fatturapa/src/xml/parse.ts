import { ParseOption, XmlDocument } from 'libxml2-wasm'

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
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message)
    this.name = 'XmlInputError'
  }
}

/**
 * Parses untrusted XML bytes. Documents with a DOCTYPE are refused outright: FatturaPA and SDI messages
 * never carry one, and it is the vehicle of every entity attack. The encoding comes from the BOM or the
 * XML declaration (UTF-8, UTF-16, ISO-8859-1 and windows-1252 occur in real files).
 */
export function parseUntrustedXml(bytes: Uint8Array): XmlDocument {
  if (hasDoctype(bytes)) throw new XmlInputError('DOCTYPE declarations are not allowed')
  try {
    return XmlDocument.fromBuffer(bytes, { option: hardenedParseOptions })
  } catch (error) {
    const detail = (error as { details?: Array<{ message: string; line?: number; col?: number }> }).details?.[0]
    throw new XmlInputError(
      `XML not well-formed: ${(detail?.message ?? (error as Error).message).trim()}`,
      detail?.line,
      detail?.col === undefined ? undefined : detail.col,
    )
  }
}

const doctype = [0x3c, 0x21, 0x44, 0x4f, 0x43, 0x54, 0x59, 0x50, 0x45] // <!DOCTYPE

/** Looks only at the prolog (before the first element), in single-byte and UTF-16 encodings alike. */
function hasDoctype(bytes: Uint8Array): boolean {
  const limit = Math.min(bytes.length, 64 * 1024)
  const ascii: number[] = []
  for (let i = 0; i < limit; i++) {
    const byte = bytes[i] as number
    if (byte === 0) continue
    ascii.push(byte >= 0x61 && byte <= 0x7a ? byte - 0x20 : byte)
    if (ascii.length >= doctype.length) {
      const start = ascii.length - doctype.length
      if (doctype.every((value, index) => ascii[start + index] === value)) return true
    }
    // An element start ends the prolog: '<' followed by a name character.
    const previous = ascii[ascii.length - 2]
    if (previous === 0x3c && ((byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x5f)) return false
  }
  return false
}
