import { type BodyContext, documentPath } from './context.js'

/** 00403 and 00418: the invoice date against the reception date and the dates of the linked invoices. */
export function checkDates(ctx: BodyContext): void {
  const data = day(ctx.body.DatiGenerali.DatiGeneraliDocumento.Data)
  const dataPath = `${ctx.path}/${documentPath}/Data`

  const receivedAt = ctx.options.receivedAt
  if (receivedAt) {
    const received = romeDay(receivedAt)
    if (data > received) {
      ctx.add('00403', dataPath, `Data ${data} is later than ${received}, the date SDI received the file`)
    }
  }

  ctx.body.DatiGenerali.DatiFattureCollegate?.forEach((collegata, index) => {
    if (collegata.Data === undefined) return
    const linked = day(collegata.Data)
    if (data < linked) {
      ctx.add(
        '00418',
        dataPath,
        `Data ${data} is earlier than ${linked}, the Data of linked invoice ${collegata.IdDocumento} (DatiFattureCollegate[${index + 1}])`,
      )
    }
  })
}

/** xs:date may carry a time zone ("2024-01-31+01:00"); SDI compares calendar days. */
function day(value: string): string {
  return value.slice(0, 10)
}

const romeFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit' })

/** The calendar day in Italy, where SDI dates its receipts: 23:30 UTC on 31 Dec is already 1 Jan there. */
export function romeDay(instant: Date): string {
  const parts = Object.fromEntries(romeFormat.formatToParts(instant).map((part) => [part.type, part.value]))
  return `${parts.year}-${parts.month}-${parts.day}`
}
