import type { FileSdI, FileSdIConMetadati } from '@fatturapa-hub/sdicoop'

export type Vocabulary = 'PA' | 'B2B'

export interface ChannelTls {
  /** PEM client certificate and key the simulator presents (mutual TLS, as SDI does). */
  cert?: string
  key?: string
  passphrase?: string
  /** PEM CA(s) the simulator trusts for this channel's endpoints. */
  ca?: string
  rejectUnauthorized?: boolean
  servername?: string
}

/** An SDICoop channel of the platform: where SDI sends receipts (TrasmissioneFatture) and invoices (RicezioneFatture). */
export interface Channel {
  id: string
  trasmissioneUrl?: string
  ricezioneUrl?: string
  /** Transmitter ids (`IT01234567890`, the prefix of the file names) whose receipts go to this channel. */
  transmitters: string[]
  tls?: ChannelTls
  /** Send requests to this channel as MTOM/XOP. */
  mtom?: boolean
  /** A disabled channel is refused by SdIRiceviFile with EI03. */
  enabled: boolean
}

export interface DiscardError {
  codice: string
  descrizione?: string
}

/** How a recipient code behaves. */
export type Scenario =
  /** PA: the recipient accepts (EC01) `delayMs` after delivery (default 1 h). B2B: delivered, nothing more. */
  | { kind: 'accept'; delayMs?: number; descrizione?: string }
  /** PA: the recipient refuses (EC02) `delayMs` after delivery. */
  | { kind: 'refuse'; delayMs?: number; descrizione?: string }
  /** PA: no automatic outcome; an EC may still come through SdIRiceviNotifica, otherwise DT after 15 days. */
  | { kind: 'noAnswer' }
  /** Every file for this code is rejected with these codes. */
  | { kind: 'discard'; errors: DiscardError[] }
  /** The recipient's endpoint is down: every delivery attempt fails. */
  | { kind: 'down' }
  /** Delivery happens `ms` (virtual time) after reception, and the outcome as for noAnswer. */
  | { kind: 'slow'; ms: number }

export interface RecipientCode {
  code: string
  /** Channel whose RicezioneFatture endpoint receives the invoices; absent: a virtual recipient inside the simulator. */
  channelId?: string
  scenario: Scenario
}

export type FaultTarget = 'SdIRiceviFile' | 'SdIRiceviNotifica' | 'TrasmissioneFatture' | 'RicezioneFatture'

/**
 * - timeout: inbound, the call is processed but never answered (the connection is dropped after `delayMs`);
 *   outbound, the call is made but counted as failed (SDI timed out), so it is retried.
 * - http5xx: inbound, answered with HTTP `status` (default 503) and not processed; outbound, not sent and counted as failed.
 * - unavailable: inbound, SdIRiceviFile answers EI02 and SdIRiceviNotifica ES02.
 * - duplicate: outbound, the message is sent twice.
 * - outOfOrder: outbound, the message is held back and sent after the next one to the same endpoint.
 */
export type FaultKind = 'timeout' | 'http5xx' | 'unavailable' | 'duplicate' | 'outOfOrder'

export interface Fault {
  id: number
  target: FaultTarget
  kind: FaultKind
  /** How many calls it still affects. */
  remaining: number
  /** Only calls to or from this channel. */
  channelId?: string
  delayMs?: number
  status?: number
}

export type FileState =
  | 'received'
  | 'discarded'
  | 'delivering'
  | 'delivered'
  | 'not-delivered'
  | 'impossible'
  | 'accepted'
  | 'refused'
  | 'expired'
  | 'attested'
  | 'archive'

export interface SdiError {
  codice: string
  descrizione: string
  suggerimento: string
}

export type Route = 'channel' | 'virtual' | 'pec' | 'none'

export interface FileRecord {
  identificativoSdI: string
  nomeFile: string
  transmitterId?: string
  channelId?: string
  receivedAt: number
  dataOraRicezione: string
  hash: string
  size: number
  vocabulary: Vocabulary
  format?: string
  codiceDestinatario?: string
  pecDestinatario?: string
  archive?: { identificativoSdI: string; nomeFile: string }
  state: FileState
  errors: SdiError[]
  route?: Route
  deliveredAt?: number
  deliveryAttempts: number
  mcAt?: number
  esito?: 'EC01' | 'EC02'
  /** The transmitted file (invoice, .p7m or zip). */
  file: Buffer
}

export type MessageDirection = 'to-transmitter' | 'to-recipient' | 'from-recipient' | 'in-response'

export interface NotificationRecord {
  seq: number
  identificativoSdI: string
  type: string
  code: string
  vocabulary: Vocabulary
  fileName: string
  direction: MessageDirection
  createdAt: number
  xml: string
}

export type DeliveryKind = 'invoice' | 'notification' | 'pec'

export interface DeliveryAttempt {
  at: number
  ok: boolean
  error?: string
}

export interface DeliveryRecord {
  id: number
  kind: DeliveryKind
  identificativoSdI: string
  /** SOAP operation id, or `PEC`. */
  operation: string
  fileName: string
  channelId?: string
  target?: string
  attempts: DeliveryAttempt[]
  status: 'pending' | 'delivered' | 'failed' | 'no-endpoint'
}

export type NotificationOperation =
  | 'TrasmissioneFatture.RicevutaConsegna'
  | 'TrasmissioneFatture.NotificaMancataConsegna'
  | 'TrasmissioneFatture.NotificaScarto'
  | 'TrasmissioneFatture.NotificaEsito'
  | 'TrasmissioneFatture.NotificaDecorrenzaTermini'
  | 'TrasmissioneFatture.AttestazioneTrasmissioneFattura'
  | 'RicezioneFatture.NotificaDecorrenzaTermini'

export interface PecAttachment {
  filename: string
  content: Buffer
}

/** An SDI message sent by PEC (the simulator builds the PEC envelope). */
export interface PecMessage {
  from: string
  to: string
  subject: string
  messageId: string
  date: Date
  raw: Buffer
}

/** What the engine needs from the outside world; every method throws when the delivery failed. */
export interface OutboundPort {
  /** RicezioneFatture.RiceviFatture; resolves when the recipient answered ER01. */
  deliverInvoice(channel: Channel, body: FileSdIConMetadati): Promise<void>
  deliverNotification(channel: Channel, operation: NotificationOperation, body: FileSdI): Promise<void>
  sendPec(message: PecMessage): Promise<void>
}

/** Signs an SDI message (XAdES enveloped); returns the signed XML. */
export interface MessageSigner {
  sign(xml: string, options: { id: string; signingTime: Date }): Promise<string> | string
}
