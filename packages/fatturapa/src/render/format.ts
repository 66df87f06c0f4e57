/**
 * Italian number format from the decimal string of the XML ("1234.50" → "1.234,50"), done on the text so no
 * amount ever passes through binary floating point.
 */
export function formatAmount(value: string | undefined, minimumDecimals = 2): string {
  if (value === undefined || value === '') return ''
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim())
  if (!match) return value
  const [, sign, integer = '0', fraction = ''] = match
  const grouped = integer.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, '.')
  const trimmed = fraction.replace(/0+$/, '')
  const decimals =
    trimmed.length >= minimumDecimals ? trimmed : fraction.padEnd(minimumDecimals, '0').slice(0, Math.max(minimumDecimals, trimmed.length))
  return `${sign}${grouped}${decimals ? `,${decimals}` : ''}`
}

/** "2014-12-18" → "18/12/2014". */
export function formatDate(value: string | undefined): string {
  if (!value) return ''
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value)
  return match ? `${match[3]}/${match[2]}/${match[1]}` : value
}

export function formatBytes(count: number): string {
  if (count < 1024) return `${count} B`
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1).replace('.', ',')} KB`
  return `${(count / 1024 / 1024).toFixed(1).replace('.', ',')} MB`
}
