import { canonicalIdentificativoSdI, codeOfSdiMessage, parseSdiMessage, type SdiMessage } from '@fatturapa-hub/fatturapa'
import { SdiInboundMessage } from '@fatturapa-hub/sdi-channel'
import { type JobContext, RetryJobLaterError } from '@fatturapa-hub/shared'
import { Invoice } from '../invoices/invoice.entity.js'
import { applyNotification, InvoiceState, notificationFileName } from '../invoices/state/index.js'
import { recordTransition } from '../invoices/transitions.js'
import { SdiMessageApplication, SdiTransmission } from './transmission.entity.js'

/**
 * The message is about a file whose SdIRiceviFile call has not concluded yet (SDI can be faster than our commit of
 * its answer, and a worker killed during the call leaves it open until the sweeper declares it unanswered): the job
 * runs again after a short pause, without spending an attempt. The pause stays short whatever the wait, because the
 * message must be applied before TRANSMISSION_RECONCILE_WAIT_MS sends the file again.
 */
export class SdiMessageDeferredError extends RetryJobLaterError {
  constructor(message: string, waitedMs: number) {
    super(message, Math.min(maxDeferPauseMs, Math.max(minDeferPauseMs, Math.round(waitedMs / 4))))
    this.name = 'SdiMessageDeferredError'
  }
}

const minDeferPauseMs = 500
const maxDeferPauseMs = 5000
/** A call still open a day after SDI's message about it is not going to conclude: the message is kept as an anomaly. */
export const maxSendingWaitMs = 24 * 3600 * 1000

export type ApplicationDecision = 'applied' | 'ignored' | 'anomaly' | 'duplicate' | 'unmatched' | 'unreadable'

/**
 * Applies one stored SDI message (TrasmissioneFatture) to the outgoing invoice it is about, in the job's
 * transaction, and records that it did: the invoice is found by the file name the message names (our
 * transmissions), else by IdentificativoSdI (imported invoices, messages without a file name). The state machine
 * decides (duplicates, late and out-of-order messages, anomalies); this function only persists its result.
 */
export async function applySdiMessage(messageId: string, { em, log }: Pick<JobContext, 'em' | 'log'>): Promise<ApplicationDecision> {
  if ((await em.count(SdiMessageApplication, { messageId })) > 0) return 'duplicate'
  const message = await em.findOne(SdiInboundMessage, { id: messageId }, { populate: ['file'] })
  if (message === null) {
    log.warn({ messageId }, 'no stored SDI message with this id')
    return 'unmatched'
  }
  const record = (invoiceId: string | null, decision: ApplicationDecision, detail: string | null) => {
    em.create(SdiMessageApplication, { messageId, invoiceId, decision, detail: detail?.slice(0, 4000) ?? null, appliedAt: new Date() })
    return decision
  }

  let parsed: SdiMessage
  try {
    parsed = parseSdiMessage(message.file)
  } catch (error) {
    return record(null, 'unreadable', (error as Error).message)
  }
  const code = codeOfSdiMessage(parsed)
  const fileName = notificationFileName(parsed)
  const identificativoSdI = canonicalIdentificativoSdI(parsed.IdentificativoSdI)
  const transmissions = fileName
    ? await em.find(SdiTransmission, { fileName: { $in: [fileName, ...caseVariants(fileName)] } }, { orderBy: { attempt: 'desc' } })
    : []
  const invoice =
    transmissions.length > 0
      ? await em.findOne(Invoice, { id: transmissions[0]?.invoiceId as string })
      : await em.findOne(Invoice, { identificativoSdI })
  if (invoice === null) {
    return record(null, 'unmatched', `${code} about ${fileName ?? '?'} (IdentificativoSdI ${identificativoSdI}): no invoice of ours`)
  }
  const ours = transmissions.filter((transmission) => transmission.invoiceId === invoice.id)
  if (ours.some((transmission) => transmission.status === 'sending')) {
    const waitedMs = Date.now() - message.receivedAt.getTime()
    if (waitedMs < maxSendingWaitMs) {
      throw new SdiMessageDeferredError(`${code} for ${fileName}: the call to SDI is not concluded yet`, waitedMs)
    }
    return record(invoice.id, 'anomaly', `${code} for ${fileName} arrived while the call to SDI never concluded`)
  }
  if (isDuplicateNameRefusal(parsed) && ours.some((transmission) => transmission.status === 'ambiguous')) {
    // Our resend after an ambiguous call reached an SDI that had the first copy: that copy's messages decide.
    return record(invoice.id, 'ignored', `NS 00002 for the resend of ${fileName}: SDI already had the file`)
  }

  const wasKnown = invoice.identificativoSdI !== null
  const result = applyNotification(invoice.stateSnapshot, parsed, { arrivedAt: message.receivedAt.toISOString() })
  const leftError = invoice.state === InvoiceState.ErroreInInvio && result.state.state !== InvoiceState.ErroreInInvio
  const reconciled = result.entry?.reason === 'reconciled' || leftError
  // SDI's id of the file, learnt from its first message when the call's answer did not settle it (a reconciled
  // timeout, a resend under the same name): the invoice counts as transmitted from here on.
  const learned = result.decision === 'applied' && !wasKnown && (reconciled || invoice.fileName === fileName)
  if (learned) {
    invoice.identificativoSdI = identificativoSdI
    invoice.transmittedAt ??= message.receivedAt
  }
  if (reconciled) {
    invoice.nextActionAt = null
    const ambiguous = ours.find((transmission) => transmission.status === 'ambiguous' && transmission.fileName === fileName)
    if (ambiguous) {
      ambiguous.status = 'sent'
      ambiguous.identificativoSdI = identificativoSdI
    }
  }
  recordTransition(em, invoice, result, {
    kind: `notification.${code}`,
    at: new Date(),
    details: {
      messageId,
      messageType: parsed.type,
      identificativoSdI,
      ...(fileName ? { fileName } : {}),
      ...(learned ? { transmitted: true } : {}),
    },
  })
  return record(invoice.id, result.decision, result.entry?.detail ?? null)
}

function isDuplicateNameRefusal(message: SdiMessage): boolean {
  if (message.type !== 'RicevutaScarto' && message.type !== 'NotificaScarto') return false
  const errors: ReadonlyArray<{ Codice: string }> = message.ListaErrori
  return errors.length > 0 && errors.every((error) => error.Codice === '00002')
}

/** SDI echoes the name as sent; real senders vary the extension's case (`.XML.P7M`). */
function caseVariants(fileName: string): string[] {
  const dot = fileName.indexOf('.')
  if (dot < 0) return []
  const base = fileName.slice(0, dot)
  const extension = fileName.slice(dot)
  return [...new Set([`${base}${extension.toLowerCase()}`, `${base}${extension.toUpperCase()}`])].filter((name) => name !== fileName)
}
