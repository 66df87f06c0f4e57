import { createHash, randomUUID } from 'node:crypto'
import { canonicalIdentificativoSdI, formatInvoiceFileName, isP7m, progressivoFromCounter } from '@fatturapa-hub/fatturapa'
import { type SdiClient, SdiClientError } from '@fatturapa-hub/sdi-channel'
import type { Logger, Orm } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/knex'
import { Invoice } from '../invoices/invoice.entity.js'
import { invoiceFacts } from '../invoices/invoice-facts.js'
import { InvoiceState, type TransportErrorKind } from '../invoices/state/index.js'
import { commandInvoice } from '../invoices/transitions.js'
import { nextCounter } from './progressivo.js'
import { SdiTransmission } from './transmission.entity.js'

export interface TransmissionPolicy {
  /** First pause before an automatic retry of a refused transmission; doubles per attempt, at most 6 hours. */
  retryBaseMs: number
  maxAttempts: number
  /** Wait for an SDI message after an ambiguous call before sending again under the same name. */
  reconcileWaitMs: number
}

export type TransmitOutcome =
  | { kind: 'skipped'; reason: string }
  | { kind: 'sent'; fileName: string; identificativoSdI: string }
  | { kind: 'refused'; fileName: string; error: TransportErrorKind; retryAt: Date | null }
  | { kind: 'ambiguous'; fileName: string; reconcileAt: Date }

interface PreparedCall {
  transmissionId: string
  fileName: string
  bytes: Buffer
  /** The file is sent again under the name of an ambiguous attempt: SDI may already have the first copy. */
  sameNameResend: boolean
  attempt: number
  fileSha256: string
}

const maxRetryPauseMs = 6 * 3600 * 1000
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** Pause before automatic attempt `attempt + 1`, after `attempt` refused transmissions. */
export function retryPauseMs(policy: TransmissionPolicy, attempt: number): number {
  return Math.min(policy.retryBaseMs * 2 ** Math.max(0, attempt - 1), maxRetryPauseMs)
}

/**
 * One transmission of an invoice to SDI in three steps, so that SDI never gets a file twice unknowingly and no
 * invoice is lost: (1) commit a `sending` row with the file name (a new progressivo, or the same name after an
 * ambiguous attempt) before calling; (2) SdIRiceviFile, outside any transaction; (3) commit the outcome. A crash
 * between (1) and (3) leaves the `sending` row, which the sweeper declares ambiguous; an ambiguous attempt is
 * resolved by SDI's first message about the file, or, after the reconciliation wait, by sending it again under
 * the same name (SDI refuses a name it already has with 00002 instead of delivering a second invoice).
 */
export class InvoiceTransmitter {
  constructor(
    private readonly orm: Orm,
    private readonly client: () => Promise<SdiClient>,
    private readonly policy: TransmissionPolicy,
    private readonly log: Logger,
  ) {}

  async transmit(invoiceId: string, attempt: number): Promise<TransmitOutcome> {
    const prepared = await this.orm.em.fork().transactional((em) => this.prepare(em as EntityManager, invoiceId, attempt))
    if ('kind' in prepared) return prepared
    let answer: { ok: true; identificativoSdI: string; dataOraRicezione: string } | { ok: false; error: SdiClientError }
    try {
      const result = await (await this.client()).transmitFile({ fileName: prepared.fileName, file: prepared.bytes })
      answer = { ok: true, ...result }
    } catch (error) {
      // Anything but the client's own errors is a failure of ours after the request may have left: ambiguous.
      answer = {
        ok: false,
        error:
          error instanceof SdiClientError
            ? error
            : new SdiClientError('SDI_BAD_ANSWER', String((error as Error)?.message ?? error), { ambiguous: true, cause: error }),
      }
    }
    return this.orm.em.fork().transactional((em) => this.conclude(em as EntityManager, invoiceId, prepared, answer))
  }

  private async prepare(em: EntityManager, invoiceId: string, attempt: number): Promise<PreparedCall | TransmitOutcome> {
    const invoice = await em.findOne(Invoice, { id: invoiceId }, { populate: ['file', 'signedFile'] })
    if (invoice === null || invoice.stateSnapshot.deleted) return { kind: 'skipped', reason: 'no such invoice' }
    // The same attempt queued twice (sweeper and request after commit): the first one runs it.
    if (invoice.transmissionAttempts >= attempt) return { kind: 'skipped', reason: `attempt ${attempt} already started` }
    // A first attempt has no transmission rows yet (the counter and the row are committed together): no lookup.
    if (invoice.transmissionAttempts > 0 && (await em.count(SdiTransmission, { invoiceId, status: 'sending' })) > 0) {
      return { kind: 'skipped', reason: 'a call to SDI is in progress or awaits recovery' }
    }
    const now = new Date()
    let sameNameAs: SdiTransmission | null = null
    if (invoice.state === InvoiceState.ErroreInInvio) {
      if (invoice.nextActionAt === null || invoice.nextActionAt > now) return { kind: 'skipped', reason: 'retry not due' }
      const ambiguous = invoice.stateSnapshot.transportError?.ambiguous === true
      if (ambiguous) {
        sameNameAs = await em.findOne(SdiTransmission, { invoiceId, status: 'ambiguous' }, { orderBy: { attempt: 'desc' } })
      }
      commandInvoice(
        em,
        invoice,
        { kind: 'retry', reconciled: ambiguous },
        {
          at: now,
          details: ambiguous
            ? {
                reconciliation: `no SDI message about ${sameNameAs?.fileName ?? 'the file'} arrived in time: sending it again under the same name`,
              }
            : { automatic: true },
        },
      )
    } else if (invoice.state !== InvoiceState.DaInviare) {
      return { kind: 'skipped', reason: `state ${invoice.state}` }
    }

    const bytes = Buffer.from(invoice.signedFile ?? invoice.file)
    const transmitter = invoice.transmitter || transmitterOf(invoice)
    const fileName =
      sameNameAs?.fileName ??
      formatInvoiceFileName({
        idPaese: transmitter.slice(0, 2),
        idCodice: transmitter.slice(2),
        progressivo: progressivoFromCounter(await nextCounter(em, transmitter)),
        kind: isP7m(bytes) ? 'xml.p7m' : 'xml',
      })
    const transmission = em.create(SdiTransmission, {
      id: randomUUID(),
      invoiceId,
      studioId: invoice.studioId,
      attempt: invoice.transmissionAttempts + 1,
      transmitter,
      progressivo: fileName.slice(fileName.indexOf('_') + 1, fileName.indexOf('.')),
      fileName,
      fileSha256: sha256(bytes),
      status: 'sending',
      startedAt: now,
      finishedAt: null,
      identificativoSdI: null,
      dataOraRicezione: null,
      errorCode: null,
      errorMessage: null,
    })
    invoice.transmissionAttempts += 1
    invoice.transmitter = transmitter
    invoice.fileName = fileName
    invoice.nextActionAt = null
    await em.flush()
    return {
      transmissionId: transmission.id,
      fileName,
      bytes,
      sameNameResend: sameNameAs !== null,
      attempt: transmission.attempt,
      fileSha256: transmission.fileSha256,
    }
  }

  private async conclude(
    em: EntityManager,
    invoiceId: string,
    call: PreparedCall,
    answer: { ok: true; identificativoSdI: string; dataOraRicezione: string } | { ok: false; error: SdiClientError },
  ): Promise<TransmitOutcome> {
    const now = new Date()
    const outcome: Partial<SdiTransmission> = answer.ok
      ? {
          status: 'sent',
          identificativoSdI: canonicalIdentificativoSdI(answer.identificativoSdI),
          dataOraRicezione: answer.dataOraRicezione,
        }
      : {
          status: answer.error.ambiguous ? 'ambiguous' : 'refused',
          errorCode: answer.error.errore ?? answer.error.code,
          errorMessage: answer.error.message.slice(0, 2000),
        }
    // Only a row still `sending`: the sweeper may have given up waiting for this call (it outlived twice the SDI
    // timeout), and then SDI's notifications decide, not this late answer.
    const updated = await em.nativeUpdate(SdiTransmission, { id: call.transmissionId, status: 'sending' }, { ...outcome, finishedAt: now })
    if (updated === 0) {
      this.log.warn({ invoiceId, fileName: call.fileName }, 'late answer of SDI ignored')
      return { kind: 'skipped', reason: 'transmission no longer in progress' }
    }
    const invoice = await em.findOneOrFail(Invoice, { id: invoiceId })
    if (answer.ok) {
      const identificativoSdI = outcome.identificativoSdI as string
      // After an ambiguous attempt SDI may hold the first copy, and then discards this one with NS 00002: the
      // invoice's IdentificativoSdI is whichever copy's messages come first (matched by the file name meanwhile).
      const confirmed = !call.sameNameResend
      commandInvoice(
        em,
        invoice,
        {
          kind: 'submit',
          fileName: call.fileName,
          ...(confirmed ? { identificativoSdI, receivedAt: answer.dataOraRicezione } : {}),
          sha256: call.fileSha256,
        },
        {
          at: now,
          details: {
            ...(confirmed ? { transmitted: true } : { sameNameResend: true }),
            identificativoSdI,
            fileName: call.fileName,
            attempt: call.attempt,
          },
        },
      )
      if (confirmed) {
        invoice.identificativoSdI = identificativoSdI
        invoice.transmittedAt = now
      }
      await em.flush()
      return { kind: 'sent', fileName: call.fileName, identificativoSdI }
    }

    const failure = answer.error
    commandInvoice(
      em,
      invoice,
      { kind: 'transport-error', error: transportErrorKind(failure), fileName: call.fileName, message: failure.message.slice(0, 500) },
      { at: now, details: { code: outcome.errorCode, attempt: call.attempt, ambiguous: failure.ambiguous } },
    )
    if (failure.ambiguous) {
      invoice.nextActionAt = new Date(now.getTime() + this.policy.reconcileWaitMs)
      await em.flush()
      return { kind: 'ambiguous', fileName: call.fileName, reconcileAt: invoice.nextActionAt }
    }
    const automatic = failure.retryable && invoice.transmissionAttempts < this.policy.maxAttempts
    invoice.nextActionAt = automatic ? new Date(now.getTime() + retryPauseMs(this.policy, invoice.transmissionAttempts)) : null
    await em.flush()
    return { kind: 'refused', fileName: call.fileName, error: transportErrorKind(failure), retryAt: invoice.nextActionAt }
  }

  /**
   * A `sending` row whose call cannot still be running (the worker stopped during it): the outcome is unknown, so
   * the invoice goes to ERRORE IN INVIO as after a timeout, and waits for SDI's messages before any resend.
   */
  async declareUnanswered(transmissionId: string): Promise<boolean> {
    return this.orm.em.fork().transactional(async (tx) => {
      const em = tx as EntityManager
      const transmission = await em.findOne(SdiTransmission, { id: transmissionId, status: 'sending' })
      if (transmission === null) return false
      const invoice = await em.findOneOrFail(Invoice, { id: transmission.invoiceId })
      const now = new Date()
      transmission.status = 'ambiguous'
      transmission.finishedAt = now
      transmission.errorCode = 'NO_ANSWER'
      transmission.errorMessage = 'no outcome of the call was recorded (the worker stopped during it)'
      if (invoice.state === InvoiceState.DaInviare) {
        commandInvoice(
          em,
          invoice,
          { kind: 'transport-error', error: 'timeout', fileName: transmission.fileName, message: transmission.errorMessage },
          { at: now, details: { code: 'NO_ANSWER', attempt: transmission.attempt, ambiguous: true } },
        )
        invoice.nextActionAt = new Date(now.getTime() + this.policy.reconcileWaitMs)
      }
      await em.flush()
      return true
    })
  }
}

function transportErrorKind(error: SdiClientError): TransportErrorKind {
  if (error.ambiguous) return 'timeout'
  if (error.errore) return error.errore
  if (error.code === 'SDI_UNREACHABLE' || error.code === 'SDI_HTTP_ERROR' || error.code === 'SDI_TIMEOUT') return 'unreachable'
  return 'soap-fault'
}

/** Invoices stored before the transmitter column read it from their file. */
function transmitterOf(invoice: Invoice): string {
  const xml = Buffer.from(invoice.file)
  if (isP7m(xml)) throw new Error(`invoice ${invoice.id} has no transmitter on record`)
  return invoiceFacts(xml, invoice.format).trasmittente
}
