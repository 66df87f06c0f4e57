/**
 * The parsed SDI messages this module reads. Property names and shapes are those of `SdiMessage` in
 * @fatturapa-hub/fatturapa (notifications/model.ts), reduced to the fields the state machine uses, so a value
 * returned by `parseSdiMessage` is assignable as is (the tests check it at compile time). Declared here because
 * fe-active does not depend on that package directly.
 */

export interface InvoiceReference {
  NumeroFattura: string
  AnnoFattura: number
  /** 1-based position of the FatturaElettronicaBody in the file. */
  PosizioneFattura?: number
}

export interface SdiErrorItem {
  Codice: string
  Descrizione: string
  /** B2B only (RicevutaScarto); absent in PA NotificaScarto and in some real B2B messages. */
  Suggerimento?: string
}

interface Transmitted {
  IdentificativoSdI: string
  NomeFile: string
  MessageId: string
}

export interface RicevutaConsegnaMessage extends Transmitted {
  vocabulary: 'PA' | 'B2B'
  type: 'RicevutaConsegna'
  DataOraRicezione: string
  DataOraConsegna: string
}

export interface NotificaScartoMessage extends Transmitted {
  vocabulary: 'PA'
  type: 'NotificaScarto'
  DataOraRicezione: string
  ListaErrori: readonly SdiErrorItem[]
}

export interface RicevutaScartoMessage extends Transmitted {
  vocabulary: 'B2B'
  type: 'RicevutaScarto'
  DataOraRicezione: string
  ListaErrori: readonly SdiErrorItem[]
}

export interface NotificaMancataConsegnaMessage extends Transmitted {
  vocabulary: 'PA'
  type: 'NotificaMancataConsegna'
  DataOraRicezione: string
  Descrizione?: string
}

export interface RicevutaImpossibilitaRecapitoMessage extends Transmitted {
  vocabulary: 'B2B'
  type: 'RicevutaImpossibilitaRecapito'
  DataOraRicezione: string
  /** xsd:date since when the invoice is in the recipient's area riservata. */
  DataMessaADisposizione: string
  Descrizione?: string
}

export interface NotificaEsitoMessage extends Transmitted {
  vocabulary: 'PA'
  type: 'NotificaEsito'
  EsitoCommittente: {
    IdentificativoSdI: string
    RiferimentoFattura?: InvoiceReference
    Esito: 'EC01' | 'EC02'
    Descrizione?: string
  }
}

export interface NotificaDecorrenzaTerminiMessage extends Transmitted {
  vocabulary: 'PA'
  type: 'NotificaDecorrenzaTermini'
  RiferimentoFattura?: InvoiceReference
  Descrizione?: string
}

export interface AttestazioneTrasmissioneFatturaMessage extends Transmitted {
  vocabulary: 'PA'
  type: 'AttestazioneTrasmissioneFattura'
  DataOraRicezione: string
}

/** Messages SDI exchanges with the recipient, never with the transmitter (MT, EC, SE). */
export interface MetadatiMessage {
  vocabulary: 'PA' | 'B2B'
  type: 'MetadatiInvioFile' | 'FileMetadati'
  IdentificativoSdI: string
  NomeFile: string
  MessageId: string
}

export interface NotificaEsitoCommittenteMessage {
  vocabulary: 'PA'
  type: 'NotificaEsitoCommittente'
  IdentificativoSdI: string
  RiferimentoFattura?: InvoiceReference
  Esito: 'EC01' | 'EC02'
  MessageIdCommittente?: string
}

export interface ScartoEsitoCommittenteMessage {
  vocabulary: 'PA'
  type: 'ScartoEsitoCommittente'
  IdentificativoSdI: string
  RiferimentoFattura?: InvoiceReference
  Scarto: 'EN00' | 'EN01'
  MessageId: string
}

export type ParsedNotification =
  | RicevutaConsegnaMessage
  | NotificaScartoMessage
  | RicevutaScartoMessage
  | NotificaMancataConsegnaMessage
  | RicevutaImpossibilitaRecapitoMessage
  | NotificaEsitoMessage
  | NotificaDecorrenzaTerminiMessage
  | AttestazioneTrasmissioneFatturaMessage
  | MetadatiMessage
  | NotificaEsitoCommittenteMessage
  | ScartoEsitoCommittenteMessage

/** File-name codes of the messages (same as `SdiMessageCode`). */
export type NotificationCode = 'RC' | 'NS' | 'MC' | 'NE' | 'DT' | 'AT' | 'MT' | 'EC' | 'SE'

export function notificationCodeOf(notification: ParsedNotification): NotificationCode {
  switch (notification.type) {
    case 'RicevutaConsegna':
      return 'RC'
    case 'NotificaScarto':
    case 'RicevutaScarto':
      return 'NS'
    case 'NotificaMancataConsegna':
    case 'RicevutaImpossibilitaRecapito':
      return 'MC'
    case 'NotificaEsito':
      return 'NE'
    case 'NotificaDecorrenzaTermini':
      return 'DT'
    case 'AttestazioneTrasmissioneFattura':
      return 'AT'
    case 'MetadatiInvioFile':
    case 'FileMetadati':
      return 'MT'
    case 'NotificaEsitoCommittente':
      return 'EC'
    case 'ScartoEsitoCommittente':
      return 'SE'
  }
}

/**
 * Identity of a message for duplicate detection: SDI's MessageId per message kind and vocabulary. An EC carries
 * no SDI MessageId; the recipient's MessageIdCommittente (or the outcome itself) stands in.
 */
export function notificationKey(notification: ParsedNotification): string {
  const prefix = `${notification.vocabulary}:${notificationCodeOf(notification)}`
  if (notification.type === 'NotificaEsitoCommittente') {
    return `${prefix}:${notification.MessageIdCommittente?.trim() ?? `${canonicalSdiId(notification.IdentificativoSdI)}-${notification.Esito}`}`
  }
  return `${prefix}:${notification.MessageId.trim()}`
}

/** PA IdentificativoSdI values are integers and may arrive zero-padded; B2B ones are opaque strings. */
export function canonicalSdiId(value: string): string {
  const trimmed = value.trim()
  return /^\d+$/.test(trimmed) ? trimmed.replace(/^0+(?=\d)/, '') : trimmed
}

/** The invoice file the message is about, when it names it (NE carries it too; EC and SE do not). */
export function notificationFileName(notification: ParsedNotification): string | undefined {
  return 'NomeFile' in notification ? notification.NomeFile.trim() : undefined
}
