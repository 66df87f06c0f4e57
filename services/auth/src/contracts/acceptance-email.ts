import { type MailMessage, romeTime } from '@fatturapa-hub/shared'

export interface AcceptanceEmailInput {
  to: string
  cc: string | null
  studioName: string
  operator: { username: string; description: string }
  contracts: Array<{ title: string; code: string; version: number; sha256: string }>
  acceptedAt: Date
  ip: string | null
}

/** `dd/mm/yyyy` and `hh:mm:ss` in Italian time, as the studio reads them. */
export function romeDateAndTime(date: Date): { date: string; time: string } {
  const rome = romeTime(date)
  const [year, month, day] = rome.date.split('-')
  return { date: `${day}/${month}/${year}`, time: rome.time }
}

/** The confirmation of seed section 1.3: which contracts, who accepted them, when. */
export function acceptanceEmail(input: AcceptanceEmailInput): MailMessage {
  const when = romeDateAndTime(input.acceptedAt)
  const contracts = input.contracts.flatMap((contract) => [
    `- ${contract.title} (codice ${contract.code}, versione ${contract.version})`,
    `  Impronta SHA-256 del documento: ${contract.sha256}`,
  ])
  return {
    to: input.to,
    ...(input.cc === null || input.cc.toLowerCase() === input.to.toLowerCase() ? {} : { cc: input.cc }),
    subject: `Conferma accettazione contratti - ${input.studioName}`,
    text: [
      'Gentile Cliente,',
      'Le confermiamo che la documentazione contrattuale seguente è stata accettata in modalità "point and click" sulla piattaforma fatturapa-hub.',
      '',
      'Contratti accettati:',
      ...contracts,
      '',
      `Operatore: ${input.operator.username} (${input.operator.description})`,
      `Data e ora di accettazione: ${when.date} alle ore ${when.time} (ora italiana, Europe/Rome)`,
      ...(input.ip === null ? [] : [`Indirizzo IP: ${input.ip}`]),
      '',
      'Conservi questa comunicazione come riepilogo dell’accettazione.',
      '',
      'Cordiali saluti.',
    ].join('\n'),
  }
}
