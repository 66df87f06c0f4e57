/** A minimal DER/BER reader: enough to walk PKCS#12 and X.509 structures (definite lengths only). */
export interface Tlv {
  /** The identifier octet (class, constructed bit, tag number < 31). */
  tag: number
  /** The content octets. */
  value: Buffer
  /** The whole element (identifier, length and content). */
  raw: Buffer
}

export class DerError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DerError'
  }
}

export const Tag = {
  Boolean: 0x01,
  Integer: 0x02,
  BitString: 0x03,
  OctetString: 0x04,
  Oid: 0x06,
  Sequence: 0x30,
  Set: 0x31,
  Context0: 0xa0,
  Context3: 0xa3,
  Context0Primitive: 0x80,
} as const

export function readTlv(bytes: Buffer, offset = 0): Tlv & { end: number } {
  if (offset + 2 > bytes.length) throw new DerError('truncated element')
  const tag = bytes[offset] as number
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not supported')
  let length = bytes[offset + 1] as number
  let header = 2
  if (length === 0x80) throw new DerError('indefinite lengths are not supported')
  if (length > 0x80) {
    const count = length & 0x7f
    if (count > 4 || offset + 2 + count > bytes.length) throw new DerError('bad length')
    length = 0
    for (let index = 0; index < count; index++) length = length * 256 + (bytes[offset + 2 + index] as number)
    header += count
  }
  const end = offset + header + length
  if (end > bytes.length) throw new DerError('truncated element')
  return { tag, value: bytes.subarray(offset + header, end), raw: bytes.subarray(offset, end), end }
}

/** The single element the bytes hold (trailing bytes are an error). */
export function parseDer(bytes: Buffer): Tlv {
  const element = readTlv(bytes, 0)
  if (element.end !== bytes.length) throw new DerError('trailing bytes after the element')
  return element
}

export function children(element: Tlv): Tlv[] {
  const items: Tlv[] = []
  let offset = 0
  while (offset < element.value.length) {
    const item = readTlv(element.value, offset)
    items.push(item)
    offset = item.end
  }
  return items
}

export function expect(element: Tlv | undefined, tag: number, what: string): Tlv {
  if (element === undefined || element.tag !== tag) throw new DerError(`expected ${what}`)
  return element
}

export function oid(element: Tlv | undefined): string {
  const value = expect(element, Tag.Oid, 'an object identifier').value
  const first = value[0] as number
  const parts = [Math.floor(first / 40), first % 40]
  let current = 0
  for (let index = 1; index < value.length; index++) {
    const byte = value[index] as number
    current = current * 128 + (byte & 0x7f)
    if ((byte & 0x80) === 0) {
      parts.push(current)
      current = 0
    }
  }
  return parts.join('.')
}

export function integer(element: Tlv | undefined): number {
  const value = expect(element, Tag.Integer, 'an integer').value
  let result = 0
  for (const byte of value) result = result * 256 + byte
  return result
}

/** The content of an OCTET STRING, primitive or (BER) constructed of primitive segments. */
export function octets(element: Tlv | undefined, what = 'an octet string'): Buffer {
  if (element !== undefined && (element.tag === Tag.OctetString || element.tag === Tag.Context0Primitive)) return element.value
  if (element !== undefined && (element.tag === 0x24 || element.tag === Tag.Context0)) {
    return Buffer.concat(children(element).map((part) => octets(part, what)))
  }
  throw new DerError(`expected ${what}`)
}

/** DER encoding of an element (for the few structures built here). */
export function encode(tag: number, value: Buffer): Buffer {
  const length = value.length
  if (length < 0x80) return Buffer.concat([Buffer.from([tag, length]), value])
  const bytes: number[] = []
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256)
  return Buffer.concat([Buffer.from([tag, 0x80 | bytes.length, ...bytes]), value])
}
