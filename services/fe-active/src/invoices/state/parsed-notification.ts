import {
  canonicalIdentificativoSdI,
  codeOfSdiMessage,
  type ErroreB2B,
  type RiferimentoFattura,
  type SdiMessage,
  type SdiMessageCode,
} from '@fatturapa-hub/fatturapa'

/** The parsed SDI messages this module reads: exactly what `parseSdiMessage` of @fatturapa-hub/fatturapa returns. */
export type ParsedNotification = SdiMessage
export type InvoiceReference = RiferimentoFattura
/** PA errors have no `Suggerimento`; B2B ones may. */
export type SdiErrorItem = ErroreB2B
/** File-name codes of the messages. */
export type NotificationCode = SdiMessageCode

export function notificationCodeOf(notification: ParsedNotification): NotificationCode {
  return codeOfSdiMessage(notification)
}

/**
 * Identity of a message for duplicate detection: SDI's MessageId per message kind and vocabulary. An EC carries
 * no SDI MessageId; the recipient's MessageIdCommittente (or the outcome itself) stands in.
 */
export function notificationKey(notification: ParsedNotification): string {
  const prefix = `${notification.vocabulary}:${notificationCodeOf(notification)}`
  if (notification.type === 'NotificaEsitoCommittente') {
    return `${prefix}:${notification.MessageIdCommittente?.trim() ?? `${canonicalIdentificativoSdI(notification.IdentificativoSdI)}-${notification.Esito}`}`
  }
  return `${prefix}:${notification.MessageId.trim()}`
}

/** The invoice file the message is about, when it names it (NE carries it too; EC and SE do not). */
export function notificationFileName(notification: ParsedNotification): string | undefined {
  return 'NomeFile' in notification ? notification.NomeFile.trim() : undefined
}
