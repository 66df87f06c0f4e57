import { canonicalIdentificativoSdI } from '@fatturapa-hub/fatturapa'
import { type InvoiceState, invoiceStateLabels, isFinalState, InvoiceState as S, type SdiFlow } from './invoice-state.js'
import {
  type InvoiceReference,
  type NotificationCode,
  notificationCodeOf,
  notificationFileName,
  notificationKey,
  type ParsedNotification,
  type SdiErrorItem,
} from './parsed-notification.js'
import type {
  BodyDecision,
  BodyStateSnapshot,
  HistoryDecision,
  HistoryEntry,
  HistoryReason,
  InvoiceEffect,
  InvoiceStateSnapshot,
  RejectionError,
  TransmissionRecord,
} from './snapshot.js'
import { notificationPath, notificationTarget } from './transition-table.js'

export interface NotificationContext {
  /** When the message arrived (e.g. `SdiInboundMessage.receivedAt`), kept in the history only. */
  arrivedAt?: string
}

export interface TransitionResult {
  /** The next snapshot (the same object for a duplicate). */
  state: InvoiceStateSnapshot
  /** The file state or a body state changed. */
  changed: boolean
  effects: readonly InvoiceEffect[]
  decision: HistoryDecision | 'duplicate'
  /** The history entry appended (none for a duplicate). */
  entry?: HistoryEntry
}

/**
 * Applies one SDI notification to an outgoing invoice. Pure and idempotent: the same message (same vocabulary,
 * kind and MessageId) applied twice changes nothing the second time, and the result of a legal set of messages
 * does not depend on the order they arrive in (SDI retries receipts for up to 3 days, docs §2.4, so late and
 * re-ordered messages are normal).
 *
 * Order comes from the SDI semantics, because most messages carry no time of their own (NE and DT have none;
 * NS, MC and AT only repeat the file's T0): the notification rows of the transition table form a graph in which
 * SDI outcomes only move forward. A message whose state lies ahead of the current one is applied (even if the
 * messages between are missing: an NE proves the delivery its RC would report); one whose state lies behind is
 * late and ignored; one on another branch (NS vs RC, RC vs AT, NE vs DT, B2B RC vs B2B MC) contradicts the
 * recorded outcome and is kept as an anomaly for review, never applied. The times that messages do carry are
 * used as facts: T0 must match the transmission, the earliest RC DataOraConsegna is T1 (the start of the PA's
 * 15-day term), DataMessaADisposizione dates the B2B area riservata.
 */
export function applyNotification(
  current: InvoiceStateSnapshot,
  notification: ParsedNotification,
  context: NotificationContext = {},
): TransitionResult {
  const key = notificationKey(notification)
  // A redelivery or a retried job: the first copy already decided (docs §2.4 retries; codebase §2.11 idempotent consumers).
  if (current.history.some((entry) => entry.source === 'notification' && entry.key === key)) {
    return { state: current, changed: false, effects: [], decision: 'duplicate' }
  }
  const code = notificationCodeOf(notification)
  const base = {
    source: 'notification' as const,
    key,
    code,
    messageType: notification.type,
    ...(context.arrivedAt ? { at: context.arrivedAt } : {}),
  }
  const unapplied = (decision: HistoryDecision, reason: HistoryReason, detail: string): TransitionResult => {
    const entry: HistoryEntry = { ...base, decision, reason, detail, from: current.state, to: current.state }
    const effects: InvoiceEffect[] = decision === 'anomaly' ? [{ kind: 'anomaly', reason, detail }] : []
    return { state: { ...current, history: [...current.history, entry] }, changed: false, effects, decision, entry }
  }

  if (code === 'MT' || code === 'EC' || code === 'SE') {
    // docs §2.1: MT, EC and SE travel between SDI and the recipient; TrasmissioneFatture never carries them.
    return unapplied(
      'anomaly',
      'recipient-side-message',
      `${notification.type} (${code}) is exchanged with the recipient only, never with the transmitter`,
    )
  }
  if (current.flow === 'B2B' && (code === 'NE' || code === 'DT' || code === 'AT')) {
    // docs §2.1 (SDICoop Trasmissione): outcome, deadline-passed and proof-of-transmission exist only for PA.
    return unapplied('anomaly', 'vocabulary-mismatch', `${code} exists only in the PA flow; this is a B2B invoice`)
  }
  if (code === 'MC' && notification.vocabulary !== current.flow) {
    // docs §2.3: a PA MC is transient, a B2B MC final; a message of the other vocabulary cannot say which applies.
    return unapplied(
      'anomaly',
      'vocabulary-mismatch',
      `${notification.vocabulary} MC for a ${current.flow} invoice: PA MC is transient, B2B MC final`,
    )
  }

  const match = matchTransmission(current, notification)
  if (match.kind !== 'match') return unapplied(match.kind === 'previous' ? 'ignored' : 'anomaly', match.reason, match.detail)

  const target = notificationTarget(current.flow, code, esitoOf(notification)) as InvoiceState
  const reference = referenceOf(notification)
  const addressed = reference ? resolveBody(current.bodies, reference) : current.bodies
  if (addressed === undefined) {
    return unapplied('anomaly', 'unknown-body', `RiferimentoFattura ${describeReference(reference)} names no body of this file`)
  }

  const decisions = new Map<number, BodyDecision & { detail: string }>()
  for (const body of addressed) decisions.set(body.position, { position: body.position, ...decide(current.flow, body.state, target, code) })

  const applied = [...decisions.values()].filter((d) => d.decision === 'applied')
  const conflicts = [...decisions.values()].filter((d) => d.decision === 'anomaly')
  const bodies = current.bodies.map((body): BodyStateSnapshot => {
    const d = decisions.get(body.position)
    if (d?.decision !== 'applied') return body
    const next: BodyStateSnapshot = { ...body, state: d.to }
    if (notification.type === 'NotificaEsito') {
      const { Esito, Descrizione } = notification.EsitoCommittente
      next.outcome = { esito: Esito, messageId: notification.MessageId, ...(Descrizione ? { description: Descrizione } : {}) }
    }
    return next
  })
  const fileState = current.state === S.Archiviata ? S.Archiviata : fileStateOfBodies(bodies)
  const first = applied[0] ?? [...decisions.values()][0]
  const decision: HistoryDecision = applied.length > 0 ? 'applied' : conflicts.length > 0 ? 'anomaly' : 'ignored'

  const effects: InvoiceEffect[] = []
  let transmission = recordFacts(current.transmission as TransmissionRecord, notification, conflicts.length === decisions.size)
  let { rejection, transportError } = current
  if (applied.length > 0) {
    if (current.state === S.ErroreInInvio) transportError = undefined
    if (current.state !== fileState) effects.push({ kind: 'state-changed', from: current.state, to: fileState })
    if (current.bodies.length > 1) {
      for (const d of applied) effects.push({ kind: 'body-state-changed', position: d.position, from: d.from, to: d.to })
    }
    if (notification.type === 'NotificaScarto' || notification.type === 'RicevutaScarto') {
      rejection = { messageId: notification.MessageId, errors: rejectionErrors(notification.ListaErrori) }
      effects.push({ kind: 'invoice-rejected', errors: rejection.errors })
    }
    if (notification.type === 'RicevutaConsegna' && current.flow === 'PA' && target === S.Consegnata && transmission.deliveredAt) {
      effects.push({ kind: 'outcome-term-started', deliveredAt: transmission.deliveredAt, days: 15 })
    }
    if (notification.type === 'RicevutaImpossibilitaRecapito') {
      transmission = { ...transmission, availableSince: notification.DataMessaADisposizione }
      effects.push({ kind: 'notify-customer-area-riservata', availableSince: notification.DataMessaADisposizione })
    }
    if (code === 'AT') effects.push({ kind: 'deliver-outside-sdi' })
    if (fileState !== current.state && isFinalState(fileState, current.flow) && !isFinalState(current.state, current.flow)) {
      effects.push({ kind: 'final-outcome', state: fileState })
    }
  }
  for (const d of conflicts) effects.push({ kind: 'anomaly', reason: d.reason, detail: d.detail })

  const entry: HistoryEntry = {
    ...base,
    decision,
    reason: first?.reason ?? 'already-in-state',
    detail: [...decisions.values()].map((d) => (current.bodies.length > 1 ? `body ${d.position}: ${d.detail}` : d.detail)).join('; '),
    from: current.state,
    to: fileState,
    ...(current.bodies.length > 1 ? { bodies: [...decisions.values()].map(({ detail: _detail, ...d }) => d) } : {}),
  }
  const state: InvoiceStateSnapshot = {
    ...current,
    state: fileState,
    bodies,
    transmission,
    history: [...current.history, entry],
  }
  if (rejection) state.rejection = rejection
  if (transportError) state.transportError = transportError
  else delete state.transportError
  return { state, changed: applied.length > 0, effects, decision, entry }
}

/**
 * For lots, the portal shows one state per file. Bodies differ only after NE/DT naming a single body; the file
 * then shows the state that still needs someone's attention first: an outcome still pending (CONSEGNATA: the
 * term runs), then a refusal (credit note to issue), then expired terms, then acceptance.
 */
const lotPriority: readonly InvoiceState[] = [
  S.DaFirmare,
  S.DaInviare,
  S.ErroreInInvio,
  S.Inviata,
  S.Scartata,
  S.NonConsegnata,
  S.NonRecapitabile,
  S.Consegnata,
  S.Rifiutata,
  S.DecorsiTermini,
  S.Accettata,
  S.Archiviata,
]

export function fileStateOfBodies(bodies: readonly Pick<BodyStateSnapshot, 'state'>[]): InvoiceState {
  let best: InvoiceState | undefined
  for (const { state } of bodies) {
    if (best === undefined || lotPriority.indexOf(state) < lotPriority.indexOf(best)) best = state
  }
  if (best === undefined) throw new RangeError('An invoice has at least one body')
  return best
}

function decide(
  flow: SdiFlow,
  from: InvoiceState,
  target: InvoiceState,
  code: NotificationCode,
): Omit<BodyDecision, 'position'> & { detail: string } {
  const label = (state: InvoiceState) => invoiceStateLabels[state]
  // docs §3 row 6: after a transport error (a timeout above all) SDI may still have the file; a message naming it
  // proves SDI received it, so the invoice is judged as INVIATA.
  const effective = from === S.ErroreInInvio ? S.Inviata : from
  const same = { from, to: from }
  if (effective === target && from !== S.ErroreInInvio) {
    return { ...same, decision: 'ignored', reason: 'already-in-state', detail: `${code}: already ${label(from)}` }
  }
  const path = effective === target ? [target] : notificationPath(flow, effective, target)
  if (path) {
    if (from === S.ErroreInInvio) {
      return {
        from,
        to: target,
        decision: 'applied',
        reason: 'reconciled',
        detail: `${code}: SDI received the file despite the transport error; ${label(target)}`,
      }
    }
    if (path.length > 1) {
      const implied = path.slice(0, -1).map(label).join(' → ')
      return {
        from,
        to: target,
        decision: 'applied',
        reason: 'advanced-implied',
        detail: `${code}: ${label(target)}; implies ${implied} (its message is missing or late)`,
      }
    }
    return { from, to: target, decision: 'applied', reason: 'advanced', detail: `${code}: ${label(from)} → ${label(target)}` }
  }
  if (notificationPath(flow, target, effective)) {
    return { ...same, decision: 'ignored', reason: 'superseded', detail: `${code}: late, ${label(from)} already follows ${label(target)}` }
  }
  return { ...same, decision: 'anomaly', reason: 'conflict', detail: conflictDetail(from, target, code) }
}

function conflictDetail(from: InvoiceState, target: InvoiceState, code: NotificationCode): string {
  const label = (state: InvoiceState) => invoiceStateLabels[state]
  if (from === S.DecorsiTermini && code === 'NE') {
    // docs §2.3: after DT no EC goes through SDI (an EC after DT is refused with SE) [unconfirmed detail].
    return 'NE after DT: SDI forwards no outcome once the terms expired; kept DECORSI TERMINI'
  }
  if (from === S.Scartata || target === S.Scartata) {
    // docs §2.3: a rejected file is not issued and never delivered, so NS excludes RC/MC/AT/NE/DT and vice versa.
    return `${code} contradicts ${label(from)}: a rejected file is never delivered; kept ${label(from)}`
  }
  return `${code} (${label(target)}) contradicts the recorded outcome ${label(from)}; kept ${label(from)}`
}

type TransmissionMatch =
  | { kind: 'match' }
  | { kind: 'previous'; reason: 'previous-transmission'; detail: string }
  | { kind: 'anomaly'; reason: 'no-transmission' | 'other-transmission'; detail: string }

function matchTransmission(current: InvoiceStateSnapshot, notification: ParsedNotification): TransmissionMatch {
  const id = canonicalIdentificativoSdI(notification.IdentificativoSdI)
  const fileName = notificationFileName(notification)
  const same = (record: TransmissionRecord) =>
    record.identificativoSdI !== undefined
      ? canonicalIdentificativoSdI(record.identificativoSdI) === id
      : fileName !== undefined && record.fileName === fileName
  const previous = current.previousTransmissions?.find((record) => record.identificativoSdI !== undefined && same(record))
  if (previous) {
    return {
      kind: 'previous',
      reason: 'previous-transmission',
      detail: `about the earlier file ${previous.fileName} (${invoiceStateLabels[previous.finalState]}), since re-submitted`,
    }
  }
  const transmission = current.transmission
  const sent = current.state !== S.DaFirmare && current.state !== S.DaInviare && !current.deleted
  if (!transmission || !sent) {
    return {
      kind: 'anomaly',
      reason: 'no-transmission',
      detail: `no transmission on record in state ${invoiceStateLabels[current.state]} (IdentificativoSdI ${notification.IdentificativoSdI})`,
    }
  }
  if (!same(transmission)) {
    const ours = transmission.identificativoSdI ?? transmission.fileName
    return {
      kind: 'anomaly',
      reason: 'other-transmission',
      detail: `IdentificativoSdI ${notification.IdentificativoSdI} / file ${fileName ?? '?'} is not this transmission (${ours})`,
    }
  }
  const t0 = 'DataOraRicezione' in notification ? notification.DataOraRicezione : undefined
  if (t0 !== undefined && transmission.receivedAt !== undefined && !sameInstant(t0, transmission.receivedAt)) {
    return {
      kind: 'anomaly',
      reason: 'other-transmission',
      detail: `DataOraRicezione ${t0} differs from T0 ${transmission.receivedAt} of this transmission`,
    }
  }
  return { kind: 'match' }
}

/** Facts carried by any message about this transmission, applied or late; not from a contradicting one. */
function recordFacts(transmission: TransmissionRecord, notification: ParsedNotification, contradicted: boolean): TransmissionRecord {
  if (contradicted) return transmission
  const next: TransmissionRecord = { ...transmission }
  if (next.identificativoSdI === undefined) next.identificativoSdI = notification.IdentificativoSdI.trim()
  if (next.receivedAt === undefined && 'DataOraRicezione' in notification) next.receivedAt = notification.DataOraRicezione
  if (notification.type === 'RicevutaConsegna') {
    // T1 is the first delivery: a later RC (e.g. a PA redelivery) does not restart the 15-day term.
    if (next.deliveredAt === undefined || instant(notification.DataOraConsegna) < instant(next.deliveredAt))
      next.deliveredAt = notification.DataOraConsegna
  }
  return next
}

function esitoOf(notification: ParsedNotification): 'EC01' | 'EC02' | undefined {
  return notification.type === 'NotificaEsito' ? notification.EsitoCommittente.Esito : undefined
}

function referenceOf(notification: ParsedNotification): InvoiceReference | undefined {
  if (notification.type === 'NotificaEsito') return notification.EsitoCommittente.RiferimentoFattura
  if (notification.type === 'NotificaDecorrenzaTermini') return notification.RiferimentoFattura
  return undefined
}

function resolveBody(bodies: readonly BodyStateSnapshot[], reference: InvoiceReference): BodyStateSnapshot[] | undefined {
  const sameInvoice = (body: BodyStateSnapshot) =>
    body.number.trim() === reference.NumeroFattura.trim() && body.year === reference.AnnoFattura
  if (reference.PosizioneFattura !== undefined) {
    const body = bodies.find((b) => b.position === reference.PosizioneFattura)
    return body && sameInvoice(body) ? [body] : undefined
  }
  const matches = bodies.filter(sameInvoice)
  return matches.length === 1 ? matches : undefined
}

function describeReference(reference: InvoiceReference | undefined): string {
  if (!reference) return '-'
  const position = reference.PosizioneFattura !== undefined ? ` at position ${reference.PosizioneFattura}` : ''
  return `${reference.NumeroFattura}/${reference.AnnoFattura}${position}`
}

/**
 * Our advice for codes SDI sends without a Suggerimento (PA NotificaScarto never has one), from docs §2.3–§5.
 * SDI's own Suggerimento always wins.
 */
export const rejectionSuggestions: Readonly<Record<string, string>> = {
  '00001': 'Fix the file name: IT<IdCodice>_<progressivo 5 chars>.xml or .xml.p7m.',
  '00002':
    'The file name was already used, e.g. by files this transmitter sent before the platform: set its last progressivo (PUT /settings/transmitters/{IdTrasmittente}/progressivo), then send it again with POST /invoices/{id}/correction: it goes under the next progressivo.',
  '00102': 'The signature is not valid or the file changed after signing: sign the final file again.',
  '00311': 'CodiceDestinatario not found: check the recipient code (or use 0000000 with PECDestinatario).',
  '00312': 'CodiceDestinatario not active: ask the recipient for its current code.',
  '00404':
    'Duplicate invoice (cedente, year, number) of a file SDI did not reject: check that transmission; do not re-send an invoice already issued.',
}

function rejectionErrors(errors: readonly SdiErrorItem[]): RejectionError[] {
  return errors.map((error) => {
    const sdi = error.Suggerimento?.trim()
    const ours = rejectionSuggestions[error.Codice.trim()]
    const result: RejectionError = { code: error.Codice.trim(), description: error.Descrizione }
    if (sdi) Object.assign(result, { suggestion: sdi, suggestionSource: 'sdi' })
    else if (ours) Object.assign(result, { suggestion: ours, suggestionSource: 'fe-active' })
    return result
  })
}

function instant(value: string): number {
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms
}

function sameInstant(a: string, b: string): boolean {
  const x = Date.parse(a)
  const y = Date.parse(b)
  return Number.isNaN(x) || Number.isNaN(y) ? a.trim() === b.trim() : x === y
}
