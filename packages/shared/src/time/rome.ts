/** Dates and times of the product are Italian: what a user, a studio and SDI read is Europe/Rome local time. */
const romeParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

export interface RomeTime {
  /** `YYYY-MM-DD` */
  date: string
  /** `HH:MM:SS` */
  time: string
  /** UTC offset in force at that instant, `+01:00` or `+02:00`. */
  offset: string
}

/** The Italian calendar day, wall-clock time and offset of an instant (daylight saving included). */
export function romeTime(at: Date | number): RomeTime {
  const ms = typeof at === 'number' ? at : at.getTime()
  const parts = Object.fromEntries(romeParts.formatToParts(new Date(ms)).map((part) => [part.type, part.value]))
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  )
  const minutes = Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000)
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}:${parts.second}`,
    offset: `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`,
  }
}

/** The calendar day in Italy, `YYYY-MM-DD`: expiry dates and deadlines are Italian calendar days. */
export function romeToday(at: Date | number): string {
  return romeTime(at).date
}

/** `06/07/2018 alle 14:30` (with `seconds`: `14:30:05`), Italian time, for e-mails and printed documents. */
export function formatRomeDateTime(at: Date | number, options: { seconds?: boolean } = {}): string {
  const { date, time } = romeTime(at)
  const [year, month, day] = date.split('-')
  return `${day}/${month}/${year} alle ${options.seconds ? time : time.slice(0, 5)}`
}
