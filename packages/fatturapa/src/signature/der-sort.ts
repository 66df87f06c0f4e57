/**
 * X.690 §11.6: the elements of a DER SET OF are sorted by their encodings compared as octet strings, the
 * shorter one padded with trailing zero octets. pkijs keeps the order it is given and OpenSSL does not
 * complain, but SDI refuses unsorted signed attributes with 00102 ("Signed attributes non ordinati").
 */
export function compareDer(a: Uint8Array, b: Uint8Array): number {
  const length = Math.max(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0)
    if (difference !== 0) return difference
  }
  return 0
}

export function sortByDer<T>(items: T[], encode: (item: T) => Uint8Array): T[] {
  return items
    .map((item) => ({ item, der: encode(item) }))
    .sort((a, b) => compareDer(a.der, b.der))
    .map(({ item }) => item)
}
