import type { InvoiceState, SdiFlow } from './invoice-state.js'
import type { NotificationCode } from './parsed-notification.js'

/** One FatturaElettronicaBody of the file: a lot has several, each with its own outcome (NE/DT may name one). */
export interface BodyStateSnapshot {
  /** 1-based position in the file (`RiferimentoFattura/PosizioneFattura`). */
  position: number
  number: string
  year: number
  state: InvoiceState
  /** The recipient's outcome, from the NE that set ACCETTATA / RIFIUTATA. */
  outcome?: { esito: 'EC01' | 'EC02'; description?: string; messageId: string }
}

export interface TransmissionRecord {
  /** Name of the transmitted file (with `.p7m` when CAdES-signed), as SDI echoes it in `NomeFile`. */
  fileName: string
  /** Missing until known: PEC transmissions and ambiguous (timed-out) SOAP calls learn it from the first message. */
  identificativoSdI?: string
  /** T0: SDI's DataOraRicezione. */
  receivedAt?: string
  /** T1: the earliest DataOraConsegna of an RC. */
  deliveredAt?: string
  /** B2B MC: DataMessaADisposizione (area riservata). */
  availableSince?: string
  sha256?: string
}

export interface PastTransmission extends TransmissionRecord {
  /** State of the file when it was superseded by a corrected re-submission. */
  finalState: InvoiceState
}

/**
 * Why a transmission attempt failed. `timeout` is the only ambiguous one: SDI may have received the file, so a
 * retry must wait for reconciliation (docs §3 row 6); the others are SDI's or the PEC provider's explicit refusal.
 */
export type TransportErrorKind = 'EI01' | 'EI02' | 'EI03' | 'soap-fault' | 'pec-non-accettazione' | 'unreachable' | 'timeout'

export interface TransportError {
  kind: TransportErrorKind
  fileName: string
  message?: string
  at?: string
  ambiguous: boolean
}

export interface RejectionError {
  code: string
  description: string
  suggestion?: string
  /** `sdi`: SDI's own Suggerimento (B2B); `fe-active`: our advice for a code SDI sent without one. */
  suggestionSource?: 'sdi' | 'fe-active'
}

export interface Rejection {
  messageId: string
  errors: readonly RejectionError[]
}

export type HistoryDecision = 'applied' | 'ignored' | 'anomaly'

export type HistoryReason =
  /** Applied: the message moves the state one documented step forward. */
  | 'advanced'
  /** Applied: the message implies earlier steps whose messages are missing or late (e.g. NE before RC). */
  | 'advanced-implied'
  /** Applied: first message about a file whose transmission ended in an ambiguous error (timeout). */
  | 'reconciled'
  /** Ignored: the state already is the one the message leads to. */
  | 'already-in-state'
  /** Ignored: a late message for a step the invoice has already passed (e.g. RC after NE). */
  | 'superseded'
  /** Ignored: the message is about an earlier transmission of the invoice (rejected, then re-submitted). */
  | 'previous-transmission'
  /** Anomaly: the message contradicts the outcome already recorded (e.g. NS after RC, NE after DT). */
  | 'conflict'
  /** Anomaly: NE/DT/AT (PA-only messages) for a B2B invoice, or an MC of the other vocabulary. */
  | 'vocabulary-mismatch'
  /** Anomaly: MT/EC/SE, which SDI exchanges with the recipient only. */
  | 'recipient-side-message'
  /** Anomaly: no transmission is on record (DA FIRMARE, DA INVIARE, deleted). */
  | 'no-transmission'
  /** Anomaly: IdentificativoSdI / file name / T0 of another transmission. */
  | 'other-transmission'
  /** Anomaly: RiferimentoFattura names no body of the file. */
  | 'unknown-body'
  /** Command applied. */
  | 'command'

export interface BodyDecision {
  position: number
  decision: HistoryDecision
  reason: HistoryReason
  from: InvoiceState
  to: InvoiceState
}

export interface HistoryEntry {
  source: 'notification' | 'command'
  /** `${vocabulary}:${code}:${MessageId}` for notifications (duplicate detection), the command kind otherwise. */
  key: string
  code?: NotificationCode
  messageType?: string
  decision: HistoryDecision
  reason: HistoryReason
  detail: string
  from: InvoiceState
  to: InvoiceState
  /** Per-body decisions, for lots. */
  bodies?: readonly BodyDecision[]
  /** When the message arrived / the command ran (given by the caller; this module has no clock). */
  at?: string
}

export interface InvoiceStateSnapshot {
  flow: SdiFlow
  /** State of the file as the portal shows it (for lots: derived from the bodies, see `fileStateOfBodies`). */
  state: InvoiceState
  bodies: readonly BodyStateSnapshot[]
  transmission?: TransmissionRecord
  previousTransmissions?: readonly PastTransmission[]
  transportError?: TransportError
  /** SCARTATA: the error list of the NS, with suggestions. */
  rejection?: Rejection
  deleted?: boolean
  history: readonly HistoryEntry[]
}

export type InvoiceEffect =
  | { kind: 'state-changed'; from: InvoiceState; to: InvoiceState }
  | { kind: 'body-state-changed'; position: number; from: InvoiceState; to: InvoiceState }
  /** NS: the invoice is not issued; show the errors; re-submit corrected under a new file name within 5 days. */
  | { kind: 'invoice-rejected'; errors: readonly RejectionError[] }
  /** PA RC: the 15-day term for the PA's outcome starts at T1 (then DT). */
  | { kind: 'outcome-term-started'; deliveredAt: string; days: 15 }
  /** B2B MC: the supplier must tell the customer the invoice is in its area riservata (and give a copy). */
  | { kind: 'notify-customer-area-riservata'; availableSince: string }
  /** AT: SDI gave up; the invoice is issued and may be delivered to the PA outside SDI. */
  | { kind: 'deliver-outside-sdi' }
  /** The file reached a final SDI outcome: ready for conservazione. */
  | { kind: 'final-outcome'; state: InvoiceState }
  /** Recorded for review, not applied. */
  | { kind: 'anomaly'; reason: HistoryReason; detail: string }
  | { kind: 'invoice-deleted' }

export interface BodyInput {
  number: string
  year: number
}
