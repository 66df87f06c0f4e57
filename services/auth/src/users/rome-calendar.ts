const romeDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit' })
const romeDateTime = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
})

/** The calendar day in Italy, as `YYYY-MM-DD`: user expiry dates are Italian calendar days. */
export function romeToday(now: Date): string {
  return romeDay.format(now)
}

/** `06/07/2018 alle 14:30`, Italian time, for e-mails. */
export function formatRomeDateTime(at: Date): string {
  const parts = Object.fromEntries(romeDateTime.formatToParts(at).map((part) => [part.type, part.value]))
  return `${parts.day}/${parts.month}/${parts.year} alle ${parts.hour}:${parts.minute}`
}
