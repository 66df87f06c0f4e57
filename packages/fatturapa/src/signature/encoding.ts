/** How a `.p7m` arrived: real corpora carry all three. */
export type P7mEncoding = 'der' | 'base64' | 'pem'

const pemPattern = /-----BEGIN (PKCS7|CMS|PKCS #7 SIGNED DATA)-----([\s\S]*?)-----END \1-----/
const base64Pattern = /^[A-Za-z0-9+/]+={0,2}$/

/**
 * Returns the DER (or BER) bytes of a `.p7m` given as DER, Base64 (with or without line breaks) or PEM, or
 * undefined when it is none of them. A DER SignedData always starts with a SEQUENCE tag (0x30), which is
 * not a Base64 character, so the two cannot be confused.
 */
export function decodeP7m(bytes: Uint8Array): { der: Uint8Array; encoding: P7mEncoding } | undefined {
  if (bytes[0] === 0x30) return { der: bytes, encoding: 'der' }
  const text = Buffer.from(bytes)
    .toString('latin1')
    .replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, '')
  const pem = pemPattern.exec(text)
  if (pem) {
    const der = fromBase64(pem[2] ?? '')
    return der && { der, encoding: 'pem' }
  }
  const der = fromBase64(text)
  return der && { der, encoding: 'base64' }
}

function fromBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/[\r\n\t ]+/g, '')
  if (compact.length === 0 || compact.length % 4 === 1 || !base64Pattern.test(compact)) return undefined
  const der = new Uint8Array(Buffer.from(compact, 'base64'))
  return der[0] === 0x30 ? der : undefined
}
