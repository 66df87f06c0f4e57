import { romeTime as rome } from '@fatturapa-hub/shared'

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
