import { type AccessTokenClaims, AppError } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/core'
import { assertSettingsAllowSubmission } from '../settings/submission-guard.js'
import { signatureRequiredByFormat } from '../signing/sign-invoice.js'
import { markDueForTransmission } from '../transmission/schedule.js'
import { findStudioInvoice } from './find-invoice.js'
import { type Invoice, InvoiceIdentityRow } from './invoice.entity.js'
import { InvoiceState, sdiFlowOfFormat } from './state/index.js'
import { bodiesOf, checkSubmission, failedCheck, fileColumns, identityRows, receiveFile } from './submission.js'
import { commandInvoice, TransitionErrorCodes } from './transitions.js'

export const CorrectionErrorCodes = {
  CedenteChanged: 'CORRECTION_CEDENTE_CHANGED',
  FlowChanged: 'CORRECTION_FLOW_CHANGED',
} as const

/**
 * Row 8 of the state machine: SDI discarded the file (SCARTATA, the invoice is not issued) and the ERP sends the
 * corrected file for the same invoice. The file passes every check of a submission (the discarded file's own
 * numbers do not count as 00404: SDI never issued them); it must be the same cedente's and of the same flow (PA
 * or B2B). The invoice takes the new file, its numbers and recipient, and goes back to DA FIRMARE or DA INVIARE;
 * it is transmitted under a new progressivo (SDI refuses a name it has seen). The discarded transmission stays in
 * its history and in `GET /invoices/{id}/transmissions`.
 */
export async function correctInvoice(em: EntityManager, user: AccessTokenClaims, invoiceId: string, body: unknown): Promise<Invoice> {
  const file = receiveFile(body)
  const before = await findStudioInvoice(em.fork(), user.studio, invoiceId)
  // Checked before the file, so that a correction of an invoice that is not discarded says so whatever the file.
  assertCorrectable(before)
  const check = await checkSubmission(em, user, file)
  assertSettingsAllowSubmission(check.context.settings, user)
  if (!check.valid || !check.facts || !check.client || !check.format) throw failedCheck(check)
  const { facts, client, format } = check
  if (client.clientId !== before.clientId) {
    throw new AppError(
      CorrectionErrorCodes.CedenteChanged,
      422,
      `The corrected file is issued by partita IVA ${facts.cedente.idCodice}, the discarded one by ${before.cedentePartitaIva}: submit it as a new invoice`,
    )
  }
  if (sdiFlowOfFormat(format) !== before.flow) {
    throw new AppError(
      CorrectionErrorCodes.FlowChanged,
      422,
      `The corrected file is ${format}, the discarded one ${before.format}: a PA invoice cannot become B2B or the reverse; submit it as a new invoice`,
    )
  }
  const signatureRequired = file.contentKind === 'xml' && signatureRequiredByFormat(format, check.context.signFpr12)
  return em.fork().transactional(async (tx) => {
    const invoice = await findStudioInvoice(tx, user.studio, invoiceId)
    assertCorrectable(invoice)
    const at = new Date()
    const discarded = { fileName: invoice.fileName, identificativoSdI: invoice.identificativoSdI }
    const columns = fileColumns(file, facts, format)
    commandInvoice(
      tx,
      invoice,
      { kind: 'correct', signatureRequired, bodies: bodiesOf(facts) },
      {
        at,
        details: {
          by: user.username ?? user.sub,
          fileSha256: columns.fileSha256,
          contentKind: file.contentKind,
          discardedFileName: discarded.fileName,
          discardedIdentificativoSdI: discarded.identificativoSdI,
        },
      },
    )
    tx.assign(invoice, {
      ...columns,
      signedFile: null,
      signedAt: null,
      fileName: null,
      identificativoSdI: null,
      transmittedAt: null,
      nextActionAt: null,
    })
    if (invoice.state === InvoiceState.DaInviare) markDueForTransmission(invoice, at)
    await tx.nativeDelete(InvoiceIdentityRow, { invoiceId: invoice.id })
    for (const row of identityRows(facts, invoice.id, invoice.studioId)) tx.create(InvoiceIdentityRow, row)
    await tx.flush()
    return invoice
  })
}

function assertCorrectable(invoice: Invoice): void {
  if (invoice.state === InvoiceState.Scartata && invoice.origin !== 'import') return
  throw new AppError(
    TransitionErrorCodes.InvoiceStateConflict,
    409,
    invoice.origin === 'import'
      ? 'An imported invoice is never transmitted by the platform: it cannot be corrected here'
      : `Only an invoice SDI discarded (SCARTATA) can be corrected; this one is ${invoice.state}`,
    { reason: 'NOT_DISCARDED', state: invoice.state },
  )
}
