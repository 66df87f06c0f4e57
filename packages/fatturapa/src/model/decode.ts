import { InvoiceXmlError, type ModelIssue } from './errors.js'
import { decodeWindows1252 } from './windows-1252.js'

/*
 * Turns the bytes of an XML file into text, following XML 1.0 Appendix F: a BOM wins, then the UTF-16 signature
 * of "<?", then the encoding pseudo-attribute of the declaration, else UTF-8. Real supplier files declare
 * windows-1252 or ISO-8859-1 (both decoded as windows-1252, as WHATWG prescribes), and some declare UTF-8 while
 * being windows-1252: lenient decoding falls back to windows-1252 and records the problem instead of failing.
 */

export interface DecodedXml {
  text: string
  encoding: string
  issues: ModelIssue[]
}

export function decodeXml(input: string | Uint8Array, lenient: boolean): DecodedXml {
  if (typeof input === 'string') {
    // A string is already decoded; whatever the declaration says about bytes no longer applies.
    return { text: input.startsWith('\uFEFF') ? input.slice(1) : input, encoding: 'utf-16', issues: [] }
  }
  const { encoding, offset } = sniffEncoding(input)
  const bytes = input.subarray(offset)
  let decoder: InstanceType<typeof TextDecoder>
  try {
    decoder = new TextDecoder(encoding, { fatal: true })
  } catch {
    throw new InvoiceXmlError('XML_ENCODING_UNSUPPORTED', `Unsupported XML encoding "${encoding}"`)
  }
  // Every byte is a character in windows-1252 (and in the labels WHATWG folds into it: latin1, ascii, …).
  if (decoder.encoding === 'windows-1252') return { text: decodeWindows1252(bytes), encoding: 'windows-1252', issues: [] }
  try {
    return { text: decoder.decode(bytes), encoding: decoder.encoding, issues: [] }
  } catch {
    if (!lenient) throw new InvoiceXmlError('XML_ENCODING_INVALID', `The file is not valid ${decoder.encoding}`)
    // A file declared (or defaulting to) UTF-8 that is not is almost always windows-1252 in practice.
    const fallback = decoder.encoding === 'utf-8' ? 'windows-1252' : decoder.encoding
    const text = fallback === 'windows-1252' ? decodeWindows1252(bytes) : new TextDecoder(fallback).decode(bytes)
    const issue: ModelIssue = { path: '', code: 'ENCODING', message: `Bytes are not valid ${decoder.encoding}; decoded as ${fallback}` }
    return { text, encoding: fallback, issues: [issue] }
  }
}

function sniffEncoding(bytes: Uint8Array): { encoding: string; offset: number } {
  const [b0, b1, b2, b3] = bytes
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: 'utf-8', offset: 3 }
  if (b0 === 0xff && b1 === 0xfe) return { encoding: 'utf-16le', offset: 2 }
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be', offset: 2 }
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x3f && b3 === 0x00) return { encoding: 'utf-16le', offset: 0 }
  if (b0 === 0x00 && b1 === 0x3c && b2 === 0x00 && b3 === 0x3f) return { encoding: 'utf-16be', offset: 0 }
  // The declaration is ASCII in every ASCII-compatible encoding, so latin1 is a safe way to read it.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 256))
  const declared = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']/.exec(head)?.[1]
  // Without a BOM or a UTF-16 signature the file cannot be UTF-16, whatever it declares.
  if (!declared || /^utf-?16/i.test(declared)) return { encoding: 'utf-8', offset: 0 }
  return { encoding: declared.toLowerCase(), offset: 0 }
}
