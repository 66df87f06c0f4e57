import { AppError } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/core'
import { Invoice } from './invoice.entity.js'
import { InvoiceErrorCodes } from './submission.js'

/**
 * An invoice of the caller's studio, or 404 INVOICE_NOT_FOUND: another studio's id answers as an unknown one, and
 * so does a deleted invoice.
 */
export async function findStudioInvoice(
  em: EntityManager,
  studioId: string,
  id: string,
  options: { populate?: Array<'file' | 'signedFile'> } = {},
): Promise<Invoice> {
  const invoice = await em.findOne(Invoice, { id, studioId }, options.populate ? { populate: options.populate } : {})
  if (invoice === null || invoice.stateSnapshot.deleted) {
    throw new AppError(InvoiceErrorCodes.InvoiceNotFound, 404, `No invoice ${id} in your studio`)
  }
  return invoice
}
