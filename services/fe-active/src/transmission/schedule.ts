import type { JobProducer } from '@fatturapa-hub/shared'
import type { Invoice } from '../invoices/invoice.entity.js'

/** The logger of a request or of a worker: only warnings are written here. */
export interface WarnLog {
  warn(object: object, message: string): void
}

/**
 * Marks, in the caller's unit of work, that the invoice is due for transmission now. Whoever moves an invoice to
 * DA INVIARE calls this before committing; the transmission sweeper picks up every due invoice whose job was lost
 * (a crash between the commit and the enqueue, Redis down), so the enqueue after the commit may fail safely.
 */
export function markDueForTransmission(invoice: Pick<Invoice, 'nextActionAt'>, at: Date): void {
  invoice.nextActionAt = at
}

/** After the commit: asks the worker to transmit now. Failures are logged only (the sweeper catches up). */
export async function requestTransmission(
  producer: JobProducer,
  invoice: Pick<Invoice, 'id' | 'transmissionAttempts'>,
  log: WarnLog,
  requestId?: string,
): Promise<void> {
  try {
    await producer.enqueue('invoice.transmit', {
      v: 1,
      invoiceId: invoice.id,
      attempt: invoice.transmissionAttempts + 1,
      ...(requestId ? { requestId } : {}),
    })
  } catch (error) {
    log.warn({ err: error, invoiceId: invoice.id }, 'transmission not queued now; the sweeper will queue it')
  }
}
