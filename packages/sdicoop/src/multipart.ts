import { SoapError } from './errors.js'

export interface MimePart {
  /** Header names in lower case. */
  headers: Record<string, string>
  /** The content with its Content-Transfer-Encoding undone. */
  body: Buffer
}

const CR = 0x0d
const LF = 0x0a

/**
 * Splits a multipart body (RFC 2046) into its parts. A delimiter is `--boundary` at the start of a line followed
 * by optional transport padding and a line end (or `--` for the last one), so content that merely contains the
 * boundary text, or CRLF pairs, is left alone. The preamble and the epilogue are ignored; bare LF line ends are
 * accepted as well as CRLF.
 */
export function splitMultipart(body: Buffer, boundary: string): MimePart[] {
  if (boundary === '' || boundary.length > 200) throw mtomError(`Invalid multipart boundary "${boundary}"`)
  const dash = Buffer.from(`--${boundary}`, 'latin1')
  let delimiter = findDelimiter(body, dash, 0)
  if (!delimiter) throw mtomError('Multipart body without its boundary')
  const parts: MimePart[] = []
  while (!delimiter.last) {
    const next = findDelimiter(body, dash, delimiter.contentStart)
    if (!next) throw mtomError('Multipart body without its closing boundary')
    parts.push(parsePart(body.subarray(delimiter.contentStart, Math.max(delimiter.contentStart, next.lineStart))))
    delimiter = next
  }
  if (parts.length === 0) throw mtomError('Multipart body without parts')
  return parts
}

interface Delimiter {
  /** Where the content before it ends: the CRLF (or LF) preceding the dashes belongs to the delimiter. */
  lineStart: number
  /** Where the next part starts (after the delimiter line). */
  contentStart: number
  last: boolean
}

function findDelimiter(body: Buffer, dash: Buffer, from: number): Delimiter | undefined {
  let at = from
  for (;;) {
    const found = body.indexOf(dash, at)
    if (found < 0) return undefined
    at = found + 1
    if (found > 0 && body[found - 1] !== LF) continue
    let end = found + dash.length
    const last = body[end] === 0x2d && body[end + 1] === 0x2d
    if (last) end += 2
    while (body[end] === 0x20 || body[end] === 0x09) end++
    if (body[end] === CR && body[end + 1] === LF) end += 2
    else if (body[end] === LF) end += 1
    else if (!(last && end >= body.length)) continue
    let lineStart = found
    if (found > 0) lineStart = found >= 2 && body[found - 2] === CR ? found - 2 : found - 1
    return { lineStart, contentStart: end, last }
  }
}

function parsePart(raw: Buffer): MimePart {
  let headerEnd = -1
  let bodyStart = 0
  if (raw[0] === CR && raw[1] === LF) bodyStart = 2
  else if (raw[0] === LF) bodyStart = 1
  else {
    const crlf = raw.indexOf('\r\n\r\n', 0, 'latin1')
    const lf = raw.indexOf('\n\n', 0, 'latin1')
    if (crlf >= 0 && (lf < 0 || crlf < lf)) {
      headerEnd = crlf
      bodyStart = crlf + 4
    } else if (lf >= 0) {
      headerEnd = lf
      bodyStart = lf + 2
    } else throw mtomError('Multipart part without the blank line that ends its headers')
  }
  const headers = headerEnd < 0 ? {} : parseHeaders(raw.subarray(0, headerEnd).toString('latin1'))
  const content = raw.subarray(bodyStart)
  return { headers, body: decodeTransfer(content, headers['content-transfer-encoding']) }
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  const unfolded: string[] = []
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && unfolded.length > 0) unfolded[unfolded.length - 1] += ` ${line.trim()}`
    else unfolded.push(line)
  }
  for (const line of unfolded) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    if (!(name in headers)) headers[name] = line.slice(colon + 1).trim()
  }
  return headers
}

function decodeTransfer(content: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? 'binary').trim().toLowerCase()) {
    case 'binary':
    case '8bit':
    case '7bit':
      return content
    case 'base64':
      return Buffer.from(content.toString('latin1').replace(/\s+/g, ''), 'base64')
    case 'quoted-printable':
      return decodeQuotedPrintable(content)
    default:
      throw mtomError(`Unsupported Content-Transfer-Encoding ${encoding}`)
  }
}

function decodeQuotedPrintable(content: Buffer): Buffer {
  const text = content
    .toString('latin1')
    .replace(/[ \t]+(\r?\n)/g, '$1')
    .replace(/=\r?\n/g, '')
  const bytes: number[] = []
  for (let index = 0; index < text.length; index++) {
    const hex = text.slice(index + 1, index + 3)
    if (text[index] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16))
      index += 2
    } else bytes.push(text.charCodeAt(index) & 0xff)
  }
  return Buffer.from(bytes)
}

/** A Content-ID (or a `cid:` URL) reduced to the bare id: angle brackets and URL escapes removed. */
export function normalizeContentId(value: string): string {
  let id = value.trim()
  if (/^cid:/i.test(id)) {
    id = id.slice(4)
    try {
      id = decodeURIComponent(id)
    } catch {
      // Not URL-encoded after all: compare it as written.
    }
  }
  if (id.startsWith('<') && id.endsWith('>')) id = id.slice(1, -1)
  return id.trim()
}

function mtomError(message: string): SoapError {
  return new SoapError('SOAP_MTOM_INVALID', message)
}
