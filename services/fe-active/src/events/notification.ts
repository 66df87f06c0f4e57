import type { Invoice } from '../invoices/invoice.entity.js'
import { type InvoiceState, invoiceStateLabels } from '../invoices/state/index.js'

/** The outcomes the studio's notification class is e-mailed about (CLASSE DI UTENTI PER NOTIFICHE). */
export const notifiedStates: ReadonlySet<InvoiceState> = new Set<InvoiceState>([
  'SCARTATA',
  'NON_CONSEGNATA',
  'NON_RECAPITABILE',
  'RIFIUTATA',
])

const explanations: Partial<Record<InvoiceState, string>> = {
  SCARTATA: 'è stata scartata dal Sistema di Interscambio (notifica di scarto): il file non è stato recapitato e va corretto e reinviato.',
  NON_CONSEGNATA:
    'non è stata consegnata al destinatario (notifica di mancata consegna): SDI la ha messa a disposizione nell’area riservata del destinatario; informare il cliente.',
  NON_RECAPITABILE:
    'è risultata non recapitabile alla pubblica amministrazione destinataria: verificare il codice ufficio e, se necessario, reinviarla.',
  RIFIUTATA: 'è stata rifiutata dalla pubblica amministrazione destinataria (esito committente EC02).',
}

function italianDate(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  return match ? `${match[3]}/${match[2]}/${match[1]}` : date
}

function italianAmount(amount: string | null): string | null {
  if (amount === null) return null
  const [units = '0', cents = ''] = amount.split('.')
  const negative = units.startsWith('-')
  const grouped = (negative ? units.slice(1) : units).replace(/\B(?=(\d{3})+(?!\d))/g, '.')
  return `${negative ? '-' : ''}${grouped},${cents.padEnd(2, '0')} EUR`
}

export interface NotificationInput {
  invoice: Invoice
  state: InvoiceState
  /** The issuer's name (from the client replica), when known. */
  cedenteDenominazione: string | null
}

/** Subject and text of the e-mail, in Italian as the portal writes them. */
export function notificationMessage({ invoice, state, cedenteDenominazione }: NotificationInput): { subject: string; text: string } {
  const label = invoiceStateLabels[state]
  const when = italianDate(invoice.dataDocumento)
  const recipient =
    invoice.destinatarioDenominazione ?? invoice.destinatarioPartitaIva ?? invoice.destinatarioCodiceFiscale ?? 'destinatario non indicato'
  const subject = `Fattura n. ${invoice.numero} del ${when} - ${label}`.slice(0, 250)
  const lines = [
    `La fattura elettronica n. ${invoice.numero} del ${when} ${explanations[state] ?? `è nello stato ${label}.`}`,
    '',
    `Stato: ${label}`,
    `Cedente/prestatore: ${cedenteDenominazione ? `${cedenteDenominazione} (P.IVA ${invoice.cedentePartitaIva})` : `P.IVA ${invoice.cedentePartitaIva}`}`,
    `Destinatario: ${recipient}`,
  ]
  const amount = italianAmount(invoice.importoTotale)
  if (amount) lines.push(`Importo totale: ${amount}`)
  if (invoice.fileName) lines.push(`Nome file: ${invoice.fileName}`)
  if (invoice.identificativoSdI) lines.push(`Identificativo SdI: ${invoice.identificativoSdI}`)
  const rejection = invoice.stateSnapshot?.rejection
  if (state === 'SCARTATA' && rejection && rejection.errors.length > 0) {
    lines.push('', 'Errori segnalati dal Sistema di Interscambio:')
    for (const error of rejection.errors) {
      lines.push(`- ${error.code}: ${error.description}`)
      if (error.suggestion) lines.push(`  Suggerimento: ${error.suggestion}`)
    }
  }
  lines.push('', 'Dettagli e storico nel Pannello Fattura Elettronica Attiva.', `Id fattura: ${invoice.id}`)
  return { subject, text: lines.join('\n').slice(0, 20000) }
}
