import { signCades } from '@fatturapa-hub/fatturapa'
import {
  type JobHandler,
  type JobProducer,
  type Logger,
  type PeriodicTask,
  startPeriodicTask,
  type WorkerContext,
} from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/core'
import type { Config } from '../config.js'
import { Invoice, type InvoiceFormat } from '../invoices/invoice.entity.js'
import { InvoiceState } from '../invoices/state/index.js'
import { commandInvoice } from '../invoices/transitions.js'
import { markDueForTransmission, requestTransmission } from '../transmission/schedule.js'
import { openMaterial } from './credential.js'
import { ClientSigningPreferences, intermediaryOwner, SigningCredential } from './signing.entity.js'

export interface SigningDependencies {
  producer: JobProducer
  /** SIGNING_SECRET; undefined: nothing is signed server-side. */
  secret: string | undefined
}

export type SignOutcome = 'signed' | 'not-found' | 'not-to-sign' | 'no-credential' | 'credential-expired' | 'not-configured'

/**
 * Whether a new invoice must be signed before transmission (it starts DA FIRMARE): FPA12 always, FPR12 when the
 * client asked for it (signFpr12), FSM10 never. For plain XML; a .p7m arrives signed.
 */
export async function signatureRequiredFor(em: EntityManager, studioId: string, clientId: string, format: InvoiceFormat): Promise<boolean> {
  if (format !== 'FPR12') return signatureRequiredByFormat(format, false)
  const preferences = await em.findOne(ClientSigningPreferences, { clientId, studioId })
  return signatureRequiredByFormat(format, preferences?.signFpr12 ?? false)
}

/** The rule of `signatureRequiredFor` on the client's preference the caller already read. */
export function signatureRequiredByFormat(format: InvoiceFormat, signFpr12: boolean): boolean {
  if (format === 'FPA12') return true
  return format === 'FPR12' && signFpr12
}

/** The client's own certificate, else the studio's intermediary certificate, else null. */
export async function findSigningCredential(em: EntityManager, studioId: string, clientId: string): Promise<SigningCredential | null> {
  const rows = await em.find(SigningCredential, { studioId, owner: { $in: [clientId, intermediaryOwner] } }, { populate: ['sealed'] })
  return rows.find((row) => row.owner === clientId) ?? rows.find((row) => row.owner === intermediaryOwner) ?? null
}

/**
 * Signs a DA FIRMARE invoice with the client's (or the intermediary's) certificate, CAdES-BES, and moves it to DA
 * INVIARE in one transaction; then asks for its transmission. Without a usable certificate the invoice stays
 * DA FIRMARE (the sweeper signs it once one is uploaded, or an externally signed file arrives).
 */
export async function signInvoice(
  em: EntityManager,
  invoiceId: string,
  dependencies: SigningDependencies,
  log: Logger,
  at = new Date(),
): Promise<SignOutcome> {
  const { secret } = dependencies
  const outcome = await em.transactional(async (tx): Promise<{ outcome: SignOutcome; invoice?: Invoice }> => {
    const invoice = await tx.findOne(Invoice, { id: invoiceId }, { populate: ['file'] })
    if (invoice === null) return { outcome: 'not-found' }
    if (invoice.state !== InvoiceState.DaFirmare || invoice.contentKind !== 'xml') return { outcome: 'not-to-sign' }
    if (secret === undefined) return { outcome: 'not-configured' }
    const credential = await findSigningCredential(tx, invoice.studioId, invoice.clientId)
    if (credential === null) return { outcome: 'no-credential' }
    if (credential.notAfter < at || credential.notBefore > at) return { outcome: 'credential-expired' }
    const material = openMaterial(credential.sealed, secret, { studioId: credential.studioId, owner: credential.owner })
    const signed = await signCades(new Uint8Array(invoice.file), {
      certificate: Buffer.from(material.certificate, 'base64'),
      privateKey: Buffer.from(material.privateKey, 'base64'),
      chain: material.chain.map((der) => Buffer.from(der, 'base64')),
      signingTime: at,
    })
    invoice.signedFile = Buffer.from(signed)
    invoice.signedAt = at
    commandInvoice(
      tx,
      invoice,
      { kind: 'sign' },
      {
        at,
        details: {
          signature: 'server-cades',
          certificateOwner: credential.owner === intermediaryOwner ? 'intermediary' : 'client',
          signer: credential.commonName,
          certificateFingerprint: credential.fingerprintSha256,
        },
      },
    )
    markDueForTransmission(invoice, at)
    return { outcome: 'signed', invoice }
  })
  if (outcome.outcome === 'signed' && outcome.invoice) await requestTransmission(dependencies.producer, outcome.invoice, log)
  else if (outcome.outcome !== 'not-to-sign') log.info({ invoiceId, outcome: outcome.outcome }, 'invoice not signed; it stays DA FIRMARE')
  return outcome.outcome
}

/**
 * The `invoice.sign` handler (queue fe-active.transmission). It commits its own transaction before queueing the
 * transmission, so it belongs to a worker started with `transactional: false` (a transactional one also works:
 * its transaction then nests). Idempotent by the invoice state: a job for an invoice no longer DA FIRMARE does nothing.
 */
export function createSignInvoiceJob(dependencies: SigningDependencies): JobHandler<'invoice.sign'> {
  return async (data, { em, log }) => {
    await signInvoice(em, data.invoiceId, dependencies, log)
  }
}

/**
 * One pass of the signing sweeper: DA FIRMARE invoices (plain XML) of clients with a certificate, or of studios
 * with an intermediary certificate, are signed. Covers lost jobs and certificates uploaded after the invoices.
 */
export async function sweepUnsignedInvoices(
  em: EntityManager,
  dependencies: SigningDependencies,
  log: Logger,
  batchSize = 50,
): Promise<{ signed: number; examined: number }> {
  if (dependencies.secret === undefined) return { signed: 0, examined: 0 }
  const credentials = await em.fork().find(SigningCredential, {}, { fields: ['studioId', 'owner'] })
  if (credentials.length === 0) return { signed: 0, examined: 0 }
  const studios = [...new Set(credentials.filter((row) => row.owner === intermediaryOwner).map((row) => row.studioId))]
  const clients = credentials.filter((row) => row.owner !== intermediaryOwner).map((row) => row.owner)
  const or = [
    ...(studios.length > 0 ? [{ studioId: { $in: studios } }] : []),
    ...(clients.length > 0 ? [{ clientId: { $in: clients } }] : []),
  ]
  const due = await em
    .fork()
    .find(
      Invoice,
      { state: InvoiceState.DaFirmare, contentKind: 'xml', $or: or },
      { fields: ['id'], orderBy: { createdAt: 'asc' }, limit: batchSize },
    )
  let signed = 0
  for (const { id } of due) {
    try {
      if ((await signInvoice(em.fork(), id, dependencies, log)) === 'signed') signed++
    } catch (error) {
      log.warn({ err: error, invoiceId: id }, 'signing sweeper: invoice not signed this pass')
    }
  }
  return { signed, examined: due.length }
}

/** The periodic sweeper of the worker role (every `intervalMs`, default 30 s). */
export function startSigningSweeper(context: WorkerContext<Config>, intervalMs = 30_000): PeriodicTask {
  const log = context.logger.child({ task: 'signing-sweeper' })
  const dependencies = { producer: context.producer, secret: context.config.SIGNING_SECRET }
  return startPeriodicTask({
    name: 'fe-active.signing-sweeper',
    intervalMs,
    logger: context.logger,
    run: async () => {
      const result = await sweepUnsignedInvoices(context.orm.em.fork(), dependencies, log)
      if (result.signed > 0) log.info(result, 'signing sweeper signed invoices')
    },
  })
}
