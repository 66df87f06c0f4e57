import type { TransitionResult } from './apply-notification.js'
import { type InvoiceState, invoiceStateLabels, type SdiFlow } from './invoice-state.js'
import type { BodyInput, BodyStateSnapshot, HistoryEntry, InvoiceEffect, InvoiceStateSnapshot, TransportErrorKind } from './snapshot.js'
import { commandRules, type InvoiceCommandKind, invoiceTransitions, type TransitionRule } from './transition-table.js'

interface CommandBase {
  /** When the command ran (this module has no clock). */
  at?: string
}

export type InvoiceCommand = CommandBase &
  (
    | { kind: 'sign' }
    | { kind: 'submit'; fileName: string; identificativoSdI?: string; receivedAt?: string; sha256?: string }
    | { kind: 'transport-error'; error: TransportErrorKind; fileName: string; message?: string }
    /** `reconciled`: the caller checked that SDI did not receive the file (needed after a timeout). */
    | { kind: 'retry'; reconciled?: boolean }
    /** SCARTATA, corrected: a new file (new progressivo) with the same numbers unless `bodies` says otherwise. */
    | { kind: 'correct'; signatureRequired: boolean; bodies?: readonly BodyInput[] }
    | { kind: 'archive' }
    | { kind: 'delete' }
  )

export type CommandRefusalCode =
  | 'ILLEGAL_TRANSITION'
  | 'INVOICE_DELETED'
  | 'RETRY_NEEDS_RECONCILIATION'
  | 'DELETE_AFTER_TRANSMISSION'
  | 'LOT_NOT_SETTLED'

export interface CommandRefusal {
  code: CommandRefusalCode
  command: InvoiceCommandKind
  from: InvoiceState
  flow: SdiFlow
  message: string
}

export type CommandResult = ({ ok: true } & TransitionResult) | { ok: false; refusal: CommandRefusal }

export interface NewInvoice {
  flow: SdiFlow
  /** One per FatturaElettronicaBody, in file order. */
  bodies: readonly BodyInput[]
  signatureRequired: boolean
  at?: string
}

/** Rows 1–2 of the table: a generated, pre-checked invoice starts DA FIRMARE or DA INVIARE. */
export function createInvoiceState(invoice: NewInvoice): InvoiceStateSnapshot {
  if (invoice.bodies.length === 0) throw new RangeError('An invoice has at least one FatturaElettronicaBody')
  const rule = invoiceTransitions.find(
    (r) => r.trigger.kind === 'create' && r.trigger.signatureRequired === invoice.signatureRequired && r.flows.includes(invoice.flow),
  ) as TransitionRule
  const state = rule.to as InvoiceState
  const entry: HistoryEntry = {
    source: 'command',
    key: 'create',
    decision: 'applied',
    reason: 'command',
    detail: `created: ${invoiceStateLabels[state]}`,
    from: state,
    to: state,
    ...(invoice.at ? { at: invoice.at } : {}),
  }
  return { flow: invoice.flow, state, bodies: newBodies(invoice.bodies, state), history: [entry] }
}

/**
 * Performs a portal/service command (signed, submitted, transport error, retry, corrected, archived, deleted)
 * if the transition table allows it from the current state, else returns a typed refusal and changes nothing.
 */
export function applyCommand(current: InvoiceStateSnapshot, command: InvoiceCommand): CommandResult {
  const refuse = (code: CommandRefusalCode, message: string): CommandResult => ({
    ok: false,
    refusal: { code, command: command.kind, from: current.state, flow: current.flow, message },
  })
  if (current.deleted) return refuse('INVOICE_DELETED', `the invoice was deleted; ${command.kind} is not possible`)

  const candidates = commandRules(command.kind).filter((rule) => rule.flows.includes(current.flow))
  const rule = candidates.find(
    (r) =>
      r.from === current.state &&
      (command.kind !== 'correct' || r.trigger.kind !== 'command' || r.trigger.signatureRequired === command.signatureRequired),
  )
  if (!rule) {
    const allowed = [...new Set(candidates.map((r) => (r.from ? invoiceStateLabels[r.from] : 'new')))].join(', ')
    return refuse(
      'ILLEGAL_TRANSITION',
      `${command.kind} is not allowed in state ${invoiceStateLabels[current.state]} for a ${current.flow} invoice (allowed from: ${allowed || 'none'})`,
    )
  }

  if (
    rule.guard === 'retry-needs-reconciliation' &&
    current.transportError?.ambiguous &&
    !(command.kind === 'retry' && command.reconciled)
  ) {
    return refuse(
      'RETRY_NEEDS_RECONCILIATION',
      `the last attempt (${current.transportError.kind}) may have reached SDI: wait for its RC/NS or confirm it was not received (reconciled) before retrying`,
    )
  }
  if (rule.guard === 'delete-before-transmission' && current.transportError?.ambiguous !== false) {
    return refuse('DELETE_AFTER_TRANSMISSION', 'the invoice cannot be deleted once it may have been sent to SDI (portal default)')
  }
  if (rule.guard === 'all-bodies-settled') {
    const archivable = new Set(candidates.map((r) => r.from))
    const open = current.bodies.filter((body) => !archivable.has(body.state))
    if (open.length > 0) {
      return refuse(
        'LOT_NOT_SETTLED',
        `bodies ${open.map((b) => `${b.position} (${invoiceStateLabels[b.state]})`).join(', ')} have no final outcome yet`,
      )
    }
  }

  const next: InvoiceStateSnapshot = { ...current }
  const to = rule.to
  switch (command.kind) {
    case 'submit':
      next.transmission = {
        fileName: command.fileName,
        ...(command.identificativoSdI ? { identificativoSdI: command.identificativoSdI } : {}),
        ...(command.receivedAt ? { receivedAt: command.receivedAt } : {}),
        ...(command.sha256 ? { sha256: command.sha256 } : {}),
      }
      delete next.transportError
      break
    case 'transport-error':
      next.transmission = { fileName: command.fileName }
      next.transportError = {
        kind: command.error,
        fileName: command.fileName,
        ambiguous: command.error === 'timeout',
        ...(command.message ? { message: command.message } : {}),
        ...(command.at ? { at: command.at } : {}),
      }
      break
    case 'retry':
      delete next.transmission
      delete next.transportError
      break
    case 'correct':
      if (current.transmission) {
        next.previousTransmissions = [...(current.previousTransmissions ?? []), { ...current.transmission, finalState: current.state }]
      }
      delete next.transmission
      delete next.rejection
      next.bodies = newBodies(command.bodies ?? current.bodies, to as InvoiceState)
      break
    case 'delete':
      next.deleted = true
      break
    default:
      break
  }
  if (to !== null && command.kind !== 'correct' && command.kind !== 'archive') {
    next.bodies = current.bodies.map((body) => ({ ...body, state: to }))
  }
  // ARCHIVIATA is an overlay on the file: bodies keep their SDI outcome, against which late messages are judged.
  next.state = to ?? current.state

  const effects: InvoiceEffect[] = []
  if (to === null) effects.push({ kind: 'invoice-deleted' })
  else effects.push({ kind: 'state-changed', from: current.state, to })
  const entry: HistoryEntry = {
    source: 'command',
    key: command.kind,
    decision: 'applied',
    reason: 'command',
    detail: `${command.kind}${rule.row ? ` (row ${rule.row})` : ''}: ${invoiceStateLabels[current.state]} → ${to ? invoiceStateLabels[to] : 'deleted'}`,
    from: current.state,
    to: next.state,
    ...(command.at ? { at: command.at } : {}),
  }
  next.history = [...current.history, entry]
  return { ok: true, state: next, changed: true, effects, decision: 'applied', entry }
}

function newBodies(bodies: readonly BodyInput[], state: InvoiceState): BodyStateSnapshot[] {
  return bodies.map((body, index) => ({ position: index + 1, number: body.number, year: body.year, state }))
}
