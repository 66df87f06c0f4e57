import { randomUUID } from 'node:crypto'
import { AppError } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/core'
import { type Invoice, InvoiceEvent } from './invoice.entity.js'
import { applyCommand, type InvoiceCommand, type InvoiceEffect, type TransitionResult } from './state/index.js'

export const TransitionErrorCodes = {
  /** The command is not allowed in the invoice's state (the refusal code of the state machine is in `reason`). */
  InvoiceStateConflict: 'INVOICE_STATE_CONFLICT',
} as const

/**
 * Puts the result of the state machine on the invoice and writes its history event, in the caller's unit of work
 * (flushed by the caller's transaction). A duplicate message writes nothing. The event is the outbox of the change:
 * webhooks, feed, e-mails and domain queues follow from it once committed.
 */
export function recordTransition(
  em: EntityManager,
  invoice: Invoice,
  result: TransitionResult,
  event: { kind: string; at: Date; details?: Record<string, unknown> },
): InvoiceEvent | undefined {
  if (result.decision === 'duplicate' || result.entry === undefined) return undefined
  const fromState = invoice.state
  invoice.stateSnapshot = result.state
  invoice.state = result.state.state
  invoice.updatedAt = event.at
  return em.create(InvoiceEvent, {
    id: randomUUID(),
    invoiceId: invoice.id,
    studioId: invoice.studioId,
    at: event.at,
    kind: event.kind,
    fromState,
    toState: invoice.state,
    details: {
      decision: result.decision,
      reason: result.entry.reason,
      detail: result.entry.detail,
      stateChanged: fromState !== invoice.state,
      ...(effectsWorthKeeping(result.effects).length > 0 ? { effects: effectsWorthKeeping(result.effects) } : {}),
      ...event.details,
    },
  })
}

/** `state-changed` repeats fromState/toState; the others say what follows from the change. */
function effectsWorthKeeping(effects: readonly InvoiceEffect[]): InvoiceEffect[] {
  return effects.filter((effect) => effect.kind !== 'state-changed')
}

/**
 * Runs a command of the state machine on the invoice and records it; a refused command is a 409 with the
 * state machine's reason, and changes nothing.
 */
export function commandInvoice(
  em: EntityManager,
  invoice: Invoice,
  command: InvoiceCommand,
  event: { at: Date; details?: Record<string, unknown> },
): InvoiceEvent | undefined {
  const result = applyCommand(invoice.stateSnapshot, { ...command, at: event.at.toISOString() })
  if (!result.ok) {
    throw new AppError(TransitionErrorCodes.InvoiceStateConflict, 409, result.refusal.message, {
      reason: result.refusal.code,
      state: result.refusal.from,
    })
  }
  return recordTransition(em, invoice, result, { kind: `command.${command.kind}`, ...event })
}
