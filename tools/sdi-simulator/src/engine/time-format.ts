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

interface RomeTime {
  date: string
  time: string
  offset: string
}

function rome(ms: number): RomeTime {
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

/** xsd:dateTime in Italian local time with its offset and milliseconds, as SDI writes it (`2018-11-13T16:47:26.000+01:00`). */
export function sdiDateTime(ms: number): string {
  const time = rome(ms)
  return `${time.date}T${time.time}.${String(ms % 1000).padStart(3, '0')}${time.offset}`
}

/** xsd:date in Italian local time. */
export function sdiDate(ms: number): string {
  return rome(ms).date
}

/** `dd/mm/yyyy`, `hh:mm:ss` and `+0100`, as in the PEC daticert.xml. */
export function pecDateParts(ms: number): { giorno: string; ora: string; zona: string } {
  const time = rome(ms)
  const [year, month, day] = time.date.split('-')
  return { giorno: `${day}/${month}/${year}`, ora: time.time, zona: time.offset.replace(':', '') }
}
