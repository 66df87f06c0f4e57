import { createHash, randomUUID } from 'node:crypto'
import {
  buildInvoiceXml,
  type DuplicateStore,
  duplicateIssues,
  type InvoiceIdentity,
  isP7m,
  type SdiIssue,
  validateInvoice,
  validateInvoiceModel,
} from '@fatturapa-hub/fatturapa'
import { type AccessTokenClaims, AppError, ErrorCodes, insertAtomically, type JobProducer } from '@fatturapa-hub/shared'
import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core'
import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex'
import { ClientReplica } from '../clients/client-replica.entity.js'
import { importoCents } from '../panel/amounts.js'
import { assertSettingsAllowSubmission } from '../settings/submission-guard.js'
import { signatureRequiredByFormat } from '../signing/sign-invoice.js'
import { markDueForTransmission, requestTransmission, type WarnLog } from '../transmission/schedule.js'
import { Invoice, type InvoiceContentKind, InvoiceEvent, type InvoiceFormat, InvoiceIdentityRow } from './invoice.entity.js'
import { type InvoiceFacts, invoiceFacts } from './invoice-facts.js'
import { createInvoiceState, InvoiceState, sdiFlowOfFormat } from './state/index.js'
import { databaseBoolean, loadSubmissionContext, type SubmissionContext } from './submission-context.js'

export const InvoiceErrorCodes = {
  InvoiceInvalid: 'INVOICE_INVALID',
  ClientUnknown: 'CLIENT_UNKNOWN',
  ClientNotEnabled: 'CLIENT_NOT_ENABLED_FOR_FE_ATTIVA',
  CedenteMismatch: 'CEDENTE_MISMATCH',
  IdempotencyKeyReused: 'IDEMPOTENCY_KEY_REUSED',
  InvoiceNotFound: 'INVOICE_NOT_FOUND',
} as const

/** The file an ERP submitted, before any check: the bytes to validate and store, and what identifies the request. */
export interface ReceivedFile {
  bytes: Buffer
  contentKind: InvoiceContentKind
  /** SHA-256 of the request body as sent (compared on Idempotency-Key replays). */
  requestHash: string
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex')

/**
 * Turns the request body into the invoice file: XML and .p7m bytes as they are; the JSON model is checked
 * (422 INVOICE_INVALID with JSON Pointers) and serialised with buildInvoiceXml. 415 for anything else.
 */
export function receiveFile(body: unknown): ReceivedFile {
  if (Buffer.isBuffer(body)) {
    if (body.length === 0) throw new AppError(InvoiceErrorCodes.InvoiceInvalid, 422, 'The request body is empty: send the invoice file')
    return { bytes: body, contentKind: isP7m(body) ? 'p7m' : 'xml', requestHash: sha256(body) }
  }
  if (body !== null && typeof body === 'object') {
    const validation = validateInvoiceModel(body)
    if (!validation.ok) {
      throw new AppError(InvoiceErrorCodes.InvoiceInvalid, 422, 'The JSON invoice does not match the FatturaPA model', {
        errors: validation.errors.map((issue) => ({ path: issue.path, message: issue.message, code: issue.code })),
      })
    }
    const xml = Buffer.from(buildInvoiceXml(validation.value), 'utf8')
    return { bytes: xml, contentKind: 'xml', requestHash: sha256(`json\n${JSON.stringify(body)}`) }
  }
  throw new AppError(
    ErrorCodes.UnsupportedMediaType,
    415,
    'Send the invoice as application/xml, application/pkcs7-mime (or application/octet-stream) for a signed .p7m, or application/json',
  )
}

export interface Refusal {
  status: number
  code: string
  message: string
}

export interface CheckResult {
  valid: boolean
  format?: InvoiceFormat
  /** SDI codes (00xxx) and the refusals of this service, as issues. */
  issues: SdiIssue[]
  warnings: SdiIssue[]
  /** Set when the caller or the client cannot submit this file; takes precedence over issues when submitting. */
  refusal?: Refusal
  facts?: InvoiceFacts
  client?: ClientReplica
}

/** DuplicateStore over this studio's invoices (files that SDI rejected do not count, as at SDI). */
export function studioDuplicateStore(em: EntityManager, studioId: string): DuplicateStore {
  const knex = (em as SqlEntityManager).getConnection().getKnex()
  return {
    async exists(identity: InvoiceIdentity) {
      // One indexed lookup per body; the credit-note flag is compared here because PostgreSQL and SQLite spell booleans differently.
      const rows: Array<{ credit_note: unknown }> = await knex
        .select('i.credit_note')
        .from('invoice_identity as i')
        .join('invoice as v', 'v.id', 'i.invoice_id')
        .where({ 'i.studio_id': studioId, 'i.issuer': identity.issuer, 'i.period': identity.period, 'i.numero': identity.numero })
        .andWhereNot('v.state', InvoiceState.Scartata)
      return rows.some((row) => databaseBoolean(row.credit_note) === identity.creditNote)
    },
  }
}

/** The outcome of `checkSubmission`, with what it read of the studio and the client. */
export interface SubmissionCheck extends CheckResult {
  context: SubmissionContext
}

/**
 * Every check of a submission, in order: the SDI pipeline (name aside: signature, format, content), who may send
 * for this cedente (token, client replica, FE Attiva), then 00404 against the studio's invoices. The studio's
 * parameters and the client are read in one query once the file is known (see loadSubmissionContext).
 */
export async function checkSubmission(em: EntityManager, user: AccessTokenClaims, file: ReceivedFile): Promise<SubmissionCheck> {
  const result = await validateInvoice(file.bytes)
  const base = { issues: result.issues, warnings: result.warnings, ...(result.format ? { format: result.format } : {}) }
  const facts = result.valid && result.xml && result.format ? invoiceFacts(result.xml, result.format) : undefined
  const context = await loadSubmissionContext(em, user.studio, facts?.cedente)
  if (facts === undefined) return { valid: false, ...base, context }

  const refuse = (refusal: Refusal): SubmissionCheck => ({
    valid: false,
    ...base,
    issues: [...base.issues, { code: refusal.code, message: refusal.message, path: '/FatturaElettronicaHeader/CedentePrestatore' }],
    refusal,
    facts,
    context,
  })
  const cedente = cedenteRefusalOf(user, facts, context.client)
  if ('status' in cedente) return refuse(cedente)
  const { client } = cedente
  if (facts.model) {
    const duplicates = (await duplicateIssues(facts.model, studioDuplicateStore(em, user.studio))).filter((issue) => issue.code === '00404')
    if (duplicates.length > 0) return { valid: false, ...base, issues: duplicates, facts, client, context }
  }
  return { valid: true, ...base, facts, client, context }
}

/**
 * Who may file an invoice of this cedente: an integration user only its own partita IVA; the cedente must be a
 * client of the caller's studio enabled for FE Attiva. Imports apply it to files SDI's checks are not run on.
 */
export async function cedenteRefusal(
  em: EntityManager,
  user: AccessTokenClaims,
  facts: Pick<InvoiceFacts, 'cedente'>,
): Promise<Refusal | { client: ClientReplica }> {
  const { idPaese, idCodice } = facts.cedente
  const client = idPaese === 'IT' ? await em.findOne(ClientReplica, { studioId: user.studio, partitaIva: idCodice }) : null
  return cedenteRefusalOf(user, facts, client)
}

/** The rule of `cedenteRefusal` on the client the caller already read (null: the studio has no such client). */
export function cedenteRefusalOf(
  user: AccessTokenClaims,
  facts: Pick<InvoiceFacts, 'cedente'>,
  client: ClientReplica | null,
): Refusal | { client: ClientReplica } {
  const { idPaese, idCodice } = facts.cedente
  if (user.kind === 'integration' && normaliseVat(user.partitaIva) !== normaliseVat(idCodice)) {
    return {
      status: 403,
      code: InvoiceErrorCodes.CedenteMismatch,
      message: `The CedentePrestatore's partita IVA ${idPaese}${idCodice} is not the one of your integration user`,
    }
  }
  if (client === null) {
    return {
      status: 422,
      code: InvoiceErrorCodes.ClientUnknown,
      message: `No client of your studio has the CedentePrestatore's partita IVA ${idPaese}${idCodice}`,
    }
  }
  if (client.feAttivaEnabledAt === null) {
    return {
      status: 422,
      code: InvoiceErrorCodes.ClientNotEnabled,
      message: `Client ${client.codiceSoggetto} (${client.denominazione}) is not enabled for FE Attiva`,
    }
  }
  return { client }
}

function normaliseVat(value: string | undefined): string {
  return (value ?? '').trim().toUpperCase().replace(/^IT/, '')
}

/** Throws the HTTP error of a failed check. */
export function failedCheck(check: CheckResult): AppError {
  if (check.refusal) return new AppError(check.refusal.code, check.refusal.status, check.refusal.message)
  const codes = [...new Set(check.issues.map((issue) => issue.code))]
  return new AppError(InvoiceErrorCodes.InvoiceInvalid, 422, `SDI would reject the file: ${codes.join(', ')}`, {
    sdiCodes: codes,
    errors: check.issues.map((issue) => ({ path: issue.path ?? '', message: issue.message, code: issue.code })),
  })
}

export interface NewInvoiceInput {
  studioId: string
  file: ReceivedFile
  check: Required<Pick<CheckResult, 'facts' | 'client' | 'format'>>
  /** FPA12 always, FPR12 when the client asked (see signatureRequiredFor); never for a file that arrives signed. */
  signatureRequired: boolean
  idempotencyKey: string | undefined
  at: Date
}

/** The bodies of a file as the state machine numbers them. */
export function bodiesOf(facts: InvoiceFacts): Array<{ number: string; year: number }> {
  return facts.bodies.map((body) => ({ number: body.numero, year: Number(body.data.slice(0, 4)) }))
}

/** The columns of an invoice that come from its file (set at submission, replaced by a correction). */
export function fileColumns(file: ReceivedFile, facts: InvoiceFacts, format: InvoiceFormat) {
  const first = facts.bodies[0] as (typeof facts.bodies)[number]
  return {
    cedentePartitaIva: facts.cedente.idCodice,
    transmitter: facts.trasmittente,
    format,
    flow: sdiFlowOfFormat(format),
    bodiesCount: facts.bodies.length,
    numero: first.numero,
    dataDocumento: first.data,
    destinatarioDenominazione: facts.destinatario.denominazione,
    destinatarioCodiceFiscale: facts.destinatario.codiceFiscale,
    destinatarioPartitaIva: facts.destinatario.partitaIva,
    codiceDestinatario: facts.destinatario.codiceDestinatario,
    pecDestinatario: facts.destinatario.pecDestinatario,
    importoTotale: facts.importoTotale,
    importoTotaleCents: importoCents(facts.importoTotale),
    file: file.bytes,
    fileSha256: sha256(file.bytes),
    contentKind: file.contentKind,
  }
}

/** The 00404 identities of a file's bodies, as rows of the invoice. */
export function identityRows(facts: InvoiceFacts, invoiceId: string, studioId: string) {
  return facts.identities.map((identity, index) => ({ id: randomUUID(), invoiceId, studioId, position: index + 1, ...identity }))
}

/** The rows of a new invoice: the invoice, the identities of its bodies and its first history event. */
export function newInvoiceRecords(input: NewInvoiceInput) {
  const { facts, client, format } = input.check
  const columns = fileColumns(input.file, facts, format)
  const snapshot = createInvoiceState({
    flow: columns.flow,
    bodies: bodiesOf(facts),
    signatureRequired: input.signatureRequired && input.file.contentKind !== 'p7m',
    at: input.at.toISOString(),
  })
  const invoice = {
    id: randomUUID(),
    studioId: input.studioId,
    clientId: client.clientId,
    ...columns,
    state: snapshot.state,
    stateSnapshot: snapshot,
    idempotencyKey: input.idempotencyKey ?? null,
    requestHash: input.idempotencyKey === undefined ? null : input.file.requestHash,
    createdAt: input.at,
    updatedAt: input.at,
    version: 1,
    nextActionAt: null as Date | null,
  }
  if (invoice.state === InvoiceState.DaInviare) markDueForTransmission(invoice, input.at)
  const identities = identityRows(facts, invoice.id, input.studioId)
  const event = {
    id: randomUUID(),
    invoiceId: invoice.id,
    studioId: input.studioId,
    at: input.at,
    kind: 'created',
    fromState: null,
    toState: snapshot.state,
    details: {
      contentKind: input.file.contentKind,
      format,
      bodies: facts.bodies.length,
      fileSha256: columns.fileSha256,
      ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
    },
  }
  return { invoice, identities, event }
}

/** Stores a new invoice in the caller's unit of work (flushed here), e.g. inside an import's transaction. */
export async function storeInvoice(em: EntityManager, input: NewInvoiceInput): Promise<Invoice> {
  const records = newInvoiceRecords(input)
  const invoice = em.create(Invoice, records.invoice)
  for (const identity of records.identities) em.create(InvoiceIdentityRow, identity)
  em.create(InvoiceEvent, records.event)
  await em.flush()
  return invoice
}

/**
 * Inserts a new invoice, its identities and its first event all or nothing (one statement on PostgreSQL: the
 * submission hot path). The invoice returned is a detached copy of what was stored.
 */
export async function insertInvoice(em: EntityManager, input: NewInvoiceInput): Promise<Invoice> {
  const records = newInvoiceRecords(input)
  await insertAtomically(em, [
    { entity: Invoice, rows: [records.invoice] },
    { entity: InvoiceIdentityRow, rows: records.identities },
    { entity: InvoiceEvent, rows: [records.event] },
  ])
  return Object.assign(new Invoice(), records.invoice)
}

export type SubmitOutcome = { kind: 'created'; invoice: Invoice } | { kind: 'replay'; invoice: Invoice }

/**
 * POST /invoices: the same Idempotency-Key with the same body answers the invoice it created; with another body
 * 409. Concurrent requests with one key: the unique (studio, key) lets one insert win, the others read it.
 */
export async function submitInvoice(
  em: EntityManager,
  user: AccessTokenClaims,
  body: unknown,
  idempotencyKey: string | undefined,
): Promise<SubmitOutcome> {
  const file = receiveFile(body)
  const earlier = async () => {
    if (idempotencyKey === undefined) return undefined
    const invoice = await em.fork().findOne(Invoice, { studioId: user.studio, idempotencyKey })
    if (invoice === null) return undefined
    if (invoice.requestHash !== file.requestHash) {
      throw new AppError(
        InvoiceErrorCodes.IdempotencyKeyReused,
        409,
        'This Idempotency-Key was already used with a different request body; use a new key for a new invoice',
      )
    }
    return { kind: 'replay', invoice } as const
  }
  const replay = await earlier()
  if (replay) return replay

  const check = await checkSubmission(em, user, file)
  assertSettingsAllowSubmission(check.context.settings, user)
  if (!check.valid || !check.facts || !check.client || !check.format) {
    // A concurrent request with the same key may have stored this very file meanwhile (then 00404 here).
    const raced = check.issues.some((issue) => issue.code === '00404') ? await earlier() : undefined
    if (raced) return raced
    throw failedCheck(check)
  }
  const { facts, client, format } = check
  const signatureRequired = file.contentKind === 'xml' && signatureRequiredByFormat(format, check.context.signFpr12)
  try {
    const invoice = await insertInvoice(em, {
      studioId: user.studio,
      file,
      check: { facts, client, format },
      signatureRequired,
      idempotencyKey,
      at: new Date(),
    })
    return { kind: 'created', invoice }
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      const raced = await earlier()
      if (raced) return raced
    }
    throw error
  }
}

/**
 * After the commit of a new invoice: queue its signature (DA FIRMARE) or its transmission (DA INVIARE). A failure
 * to queue is logged only: the sweepers find the invoice from the database.
 */
export async function startProcessing(producer: JobProducer, invoice: Invoice, log: WarnLog, requestId?: string): Promise<void> {
  if (invoice.state === InvoiceState.DaInviare) {
    await requestTransmission(producer, invoice, log, requestId)
  } else if (invoice.state === InvoiceState.DaFirmare) {
    await producer
      .enqueue('invoice.sign', { v: 1, invoiceId: invoice.id, fileSha256: invoice.fileSha256, ...(requestId ? { requestId } : {}) })
      .catch((error: unknown) => log.warn({ err: error, invoiceId: invoice.id }, 'signature not queued now; the sweeper will queue it'))
  }
}
