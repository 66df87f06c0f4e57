import { ParseOption, XmlDocument } from 'libxml2-wasm'
import { SdiMessageError } from './errors.js'

// No network, no external entities; DTDs are refused before parsing (see hasDoctype).
const hardened = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE

/**
 * Parses the bytes of an SDI message with libxml2. The encoding comes from the BOM or the XML declaration
 * (UTF-8, UTF-16, ISO-8859-1, windows-1252 all occur). A string has already been decoded, so its declared
 * encoding is meaningless: it is re-encoded as UTF-8 and the declaration says so.
 * The caller owns the returned document and must dispose it.
 */
export function parseMessageXml(input: string | Uint8Array): XmlDocument {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(declareUtf8(input)) : input
  if (hasDoctype(bytes)) throw new SdiMessageError('SDI_MESSAGE_DTD_FORBIDDEN', 'DOCTYPE declarations are not allowed in SDI messages')
  try {
    return XmlDocument.fromBuffer(bytes, { option: hardened })
  } catch (error) {
    const details = (error as { details?: Array<{ message: string; line?: number }> }).details
    const first = details?.[0]
    const where = first?.line ? ` (line ${first.line})` : ''
    throw new SdiMessageError(
      'SDI_MESSAGE_MALFORMED',
      `Not well-formed XML${where}: ${(first?.message ?? (error as Error).message).trim()}`,
    )
  }
}

const encodingDeclaration = /^(\uFEFF?<\?xml\s[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2/

function declareUtf8(text: string): string {
  return text.replace(encodingDeclaration, '$1$2UTF-8$2')
}

/**
 * Looks for `<!DOCTYPE` in the prolog (before the first element). NUL bytes are skipped so that UTF-16
 * input is covered by the same ASCII scan.
 */
function hasDoctype(bytes: Uint8Array): boolean {
  const limit = Math.min(bytes.length, 64 * 1024)
  let prolog = ''
  for (let index = 0; index < limit; index++) {
    const byte = bytes[index] as number
    if (byte !== 0) prolog += String.fromCharCode(byte)
  }
  const doctype = prolog.indexOf('<!DOCTYPE')
  if (doctype < 0) return false
  const firstElement = prolog.search(/<[A-Za-z_]/)
  return firstElement < 0 || doctype < firstElement
}
