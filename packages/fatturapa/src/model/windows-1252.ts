/*
 * windows-1252 decoding done by hand: Node's TextDecoder (20.x at least) decodes the "windows-1252" label as plain
 * ISO-8859-1, turning € ‘ ’ “ ” – — … (bytes 0x80–0x9F) into invisible C1 controls. Those are exactly the
 * characters Italian invoices written on Windows contain.
 */

// Code points for bytes 0x80–0x9F; the five bytes windows-1252 leaves undefined map to the C1 control, as in WHATWG.
const high = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f, 0x90, 0x2018,
  0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
]

export function decodeWindows1252(bytes: Uint8Array): string {
  const chunks: string[] = []
  const chunkSize = 8192
  for (let start = 0; start < bytes.length; start += chunkSize) {
    const codes = Array.from(bytes.subarray(start, start + chunkSize), (byte) =>
      byte >= 0x80 && byte < 0xa0 ? (high[byte - 0x80] as number) : byte,
    )
    chunks.push(String.fromCharCode(...codes))
  }
  return chunks.join('')
}
