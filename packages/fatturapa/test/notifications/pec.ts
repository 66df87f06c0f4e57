import { readFileSync } from 'node:fs'
import { parseSdiMessageFileName } from '../../src/notifications/index.js'

export interface PecAttachment {
  source: string
  fileName: string
  bytes: Uint8Array
}

/**
 * Pulls the SDI message attachments out of a saved PEC message (nested multipart MIME). Just enough MIME for
 * the reference files: a part header block with `filename=<SDI message name>` and a 7bit, quoted-printable or
 * base64 body that runs up to the next boundary line.
 */
export function sdiAttachments(path: string): PecAttachment[] {
  const lines = readFileSync(path, 'latin1').split(/\r?\n/)
  const found: PecAttachment[] = []
  for (let index = 0; index < lines.length; index++) {
    const header = /^Content-Disposition:\s*attachment;\s*filename="?([^";]+)"?/i.exec(lines[index] as string)
    if (!header || !parseSdiMessageFileName(header[1] as string)) continue
    let start = index
    while (start > 0 && (lines[start - 1] as string).trim() !== '' && !(lines[start - 1] as string).startsWith('--')) start--
    let end = index
    while (end < lines.length && (lines[end] as string).trim() !== '') end++
    const headers = lines.slice(start, end).join('\n')
    const encoding = /Content-Transfer-Encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase() ?? '7bit'
    let stop = end + 1
    while (stop < lines.length && !(lines[stop] as string).startsWith('--')) stop++
    const body = lines.slice(end + 1, stop)
    found.push({ source: path, fileName: header[1] as string, bytes: decode(body, encoding) })
    index = stop
  }
  return found
}

function decode(body: string[], encoding: string): Uint8Array {
  if (encoding === 'base64') return Buffer.from(body.join(''), 'base64')
  if (encoding === 'quoted-printable') {
    const joined = body.join('\n').replace(/=\n/g, '')
    const bytes: number[] = []
    for (let i = 0; i < joined.length; i++) {
      const char = joined[i] as string
      if (char === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
        bytes.push(Number.parseInt(joined.slice(i + 1, i + 3), 16))
        i += 2
      } else bytes.push(char.charCodeAt(0))
    }
    return Uint8Array.from(bytes)
  }
  // 7bit / 8bit: the file was read as latin1, one char per byte.
  return Buffer.from(body.join('\n'), 'latin1')
}
