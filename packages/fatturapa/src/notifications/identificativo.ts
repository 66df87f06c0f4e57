/**
 * IdentificativoSdI in a comparable form: PA values are integers and may arrive zero-padded (`000123`), B2B ones are
 * opaque strings compared as sent.
 */
export function canonicalIdentificativoSdI(value: string): string {
  const trimmed = value.trim()
  return /^\d+$/.test(trimmed) ? trimmed.replace(/^0+(?=\d)/, '') : trimmed
}
