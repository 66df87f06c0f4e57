import { createHash, randomUUID } from 'node:crypto'
import {
  canonicalIdentificativoSdI,
  codeOfSdiMessage,
  duplicateIssues,
  InvalidFileNameError,
  isP7m,
  type ParsedInvoiceFileName,
  parseInvoiceFileName,
  parseSdiMessage,
  parseSdiMessageFileName,
  type SdiIssue,
  type SdiMessage,
  type SdiMessageCode,
  unwrapP7m,
  validateInvoice,
  validateInvoiceFormat,
} from '@fatturapa-hub/fatturapa'
import { SdiInboundMessage } from '@fatturapa-hub/sdi-channel'
import { type AccessTokenClaims, AppError } from '@fatturapa-hub/shared'
import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core'
import { Invoice, type InvoiceContentKind, InvoiceEvent, type InvoiceFormat } from '../invoices/invoice.entity.js'
import { type InvoiceFacts, invoiceFacts } from '../invoices/invoice-facts.js'
import {
  applyCommand,
  applyNotification,
  createInvoiceState,
  InvoiceState,
  type InvoiceStateSnapshot,
  sdiFlowOfFormat,
} from '../invoices/state/index.js'
import { cedenteRefusal, storeInvoice, studioDuplicateStore } from '../invoices/submission.js'
import { commandInvoice, recordTransition } from '../invoices/transitions.js'
import { assertSubmissionAllowed } from '../settings/submission-guard.js'
import { SdiMessageApplication } from '../transmission/transmission.entity.js'
import type { ImportInvoiceBody } from './schemas.js'

export const ImportErrorCodes = {
  /** The invoice file is not base64, not a readable .p7m, or not a FatturaPA / simplified invoice at all. */
  FileUnreadable: 'IMPORT_FILE_UNREADABLE',
  /** The file name is not an SDI invoice file name (00001), names a ZIP, or its extension contradicts the content. */
  FileNameInvalid: 'IMPORT_FILE_NAME_INVALID',
  /** A notification file is not base64 or not an SDI message. */
  NotificationUnreadable: 'IMPORT_NOTIFICATION_UNREADABLE',
  /** The notifications contradict the invoice, each other, or the ids the caller gave (`errors` lists each finding). */
  NotificationsInconsistent: 'IMPORT_NOTIFICATIONS_INCONSISTENT',
  /** No notification and no explicit IdentificativoSdI + file name: nothing proves SDI took the file. */
  SdiIdsRequired: 'IMPORT_SDI_IDS_REQUIRED',
  /** 00404: an invoice of the studio (imported or transmitted by the platform) has the same number, year and issuer. */
  DuplicateInvoice: 'IMPORT_DUPLICATE_INVOICE',
  /** Another invoice on the platform already has this IdentificativoSdI (SDI's notifications are matched by it). */
  IdentificativoSdIInUse: 'IMPORT_IDENTIFICATIVO_SDI_IN_USE',
} as const

/** The messages SDI sends to a transmitter (TrasmissioneFatture), with the operation that carries each. */
const transmitterOperations: Partial<Record<SdiMessageCode, string>> = {
  RC: 'RicevutaConsegna',
  NS: 'NotificaScarto',
  MC: 'NotificaMancataConsegna',
  NE: 'NotificaEsito',
  DT: 'NotificaDecorrenzaTermini',
  AT: 'AttestazioneTrasmissioneFattura',
}

/**
 * `sdi_inbound_message.operation` of an imported notification: `import.` + the TrasmissioneFatture operation that
 * would have carried it. The row says where it came from (an ERP upload, not SDI's SOAP call to us), and it never
 * takes the (operation, IdentificativoSdI, file name) key of a real delivery.
 */
export const importOperation = (code: SdiMessageCode) => `import.${transmitterOperations[code] ?? code}`

/** SDI order of the outcomes, for a readable history: the state machine itself does not depend on it. */
const codeOrder: Partial<Record<SdiMessageCode, number>> = { NS: 0, MC: 1, RC: 2, AT: 2, NE: 3, DT: 3 }

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

interface ReadNotification {
  /** Position in the request, for the `errors[].path` of a refusal. */
  index: number
  fileName: string
  bytes: Buffer
  parsed: SdiMessage
  code: SdiMessageCode
}

export interface ImportedNotificationView {
  id: string
  fileName: string
  operation: string
  messageType: string | null
  decision: string
  detail: string | null
}

export interface ImportOutcome {
  kind: 'created' | 'replay'
  invoice: Invoice
  notifications: ImportedNotificationView[]
  issues: SdiIssue[]
  warnings: SdiIssue[]
}

interface Finding {
  /** The notification at fault (its position in the request), or none for the set as a whole. */
  index?: number
  message: string
}

function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '')
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined
  return Buffer.from(compact, 'base64')
}

const unreadable = (message: string, extensions?: Record<string, unknown>) =>
  new AppError(ImportErrorCodes.FileUnreadable, 422, message, extensions)

/** The invoice as SDI received it: its bytes, the XML inside, and what fe-active keeps in columns. */
interface ReadInvoice {
  bytes: Buffer
  contentKind: InvoiceContentKind
  xml: Uint8Array
  format: InvoiceFormat
  facts: InvoiceFacts
}

/**
 * Reads the file without judging it as SDI would today: a file SDI accepted (an expired signing certificate since,
 * a content rule added later) stays importable. Refused only when it is no FatturaPA at all.
 */
function readInvoiceFile(bytes: Buffer): ReadInvoice {
  const signed = isP7m(bytes)
  let xml: Uint8Array = bytes
  if (signed) {
    try {
      xml = unwrapP7m(bytes).content
    } catch (error) {
      throw unreadable(`The .p7m envelope cannot be opened: ${(error as Error).message}`)
    }
  }
  const format = validateInvoiceFormat(xml)
  if (!format.format) {
    throw unreadable('The file is not a FatturaPA (FPA12, FPR12) or simplified (FSM10) invoice', {
      errors: format.issues.slice(0, 20).map((issue) => ({ path: issue.path ?? '', message: issue.message, code: issue.code })),
    })
  }
  let facts: InvoiceFacts
  try {
    facts = invoiceFacts(xml, format.format)
  } catch (error) {
    throw unreadable(`The invoice cannot be read: ${(error as Error).message}`)
  }
  const complete =
    facts.cedente.idCodice !== '' &&
    facts.bodies.length > 0 &&
    facts.bodies.every((body) => body.numero !== '' && /^\d{4}-\d{2}-\d{2}$/.test(body.data))
  if (!complete) throw unreadable('The invoice lacks its CedentePrestatore IdFiscaleIVA or a body Numero / Data')
  return { bytes, contentKind: signed ? 'p7m' : 'xml', xml, format: format.format, facts }
}

function readNotifications(body: ImportInvoiceBody): ReadNotification[] {
  const read: ReadNotification[] = []
  for (const [index, item] of (body.notifications ?? []).entries()) {
    const bytes = decodeBase64(item.file)
    const fail = (message: string) =>
      new AppError(ImportErrorCodes.NotificationUnreadable, 422, `Notification ${item.fileName}: ${message}`, {
        errors: [{ path: `body/notifications/${index}/file`, message }],
      })
    if (bytes === undefined) throw fail('the file is not base64')
    let parsed: SdiMessage
    try {
      parsed = parseSdiMessage(bytes)
    } catch (error) {
      throw fail((error as Error).message)
    }
    const same = read.find((earlier) => earlier.fileName === item.fileName)
    if (same) {
      if (!same.bytes.equals(bytes)) {
        throw new AppError(ImportErrorCodes.NotificationsInconsistent, 422, `Two different notifications are named ${item.fileName}`, {
          errors: [{ path: `body/notifications/${index}`, message: `${item.fileName} sent twice with different content` }],
        })
      }
      continue
    }
    read.push({ index, fileName: item.fileName, bytes, parsed, code: codeOfSdiMessage(parsed) })
  }
  return read
}

const instant = (value: string) => Date.parse(value.trim())

/** The name SDI received: given, or the one the notifications name. */
function sameFileName(a: string, b: string): boolean {
  const dot = (name: string) => (name.indexOf('.') < 0 ? name.length : name.indexOf('.'))
  return a.slice(0, dot(a)) === b.slice(0, dot(b)) && a.slice(dot(a)).toLowerCase() === b.slice(dot(b)).toLowerCase()
}

interface SdiIds {
  fileName: string
  parsedName: ParsedInvoiceFileName
  identificativoSdI: string
  dataOraRicezione: string | undefined
}

/** What the notifications and the caller say about the transmission; every contradiction is reported at once. */
function transmissionIds(body: ImportInvoiceBody, invoice: ReadInvoice, notifications: readonly ReadNotification[]): SdiIds {
  if (notifications.length === 0 && (body.identificativoSdI === undefined || body.fileName === undefined)) {
    throw new AppError(
      ImportErrorCodes.SdiIdsRequired,
      422,
      'Without SDI notifications, give the IdentificativoSdI and the file name SDI received (fields identificativoSdI and fileName)',
    )
  }
  const first = notifications.find((notification) => 'NomeFile' in notification.parsed)
  const fileName = body.fileName ?? (first && 'NomeFile' in first.parsed ? first.parsed.NomeFile.trim() : '')
  let parsedName: ParsedInvoiceFileName
  try {
    parsedName = parseInvoiceFileName(fileName)
  } catch (error) {
    if (!(error instanceof InvalidFileNameError)) throw error
    throw new AppError(ImportErrorCodes.FileNameInvalid, 422, `${error.message} (00001)`)
  }
  if (parsedName.kind === 'zip') {
    throw new AppError(
      ImportErrorCodes.FileNameInvalid,
      422,
      `${fileName}: import the invoice files of a ZIP one by one, each with its name`,
    )
  }
  if ((parsedName.kind === 'xml.p7m') !== (invoice.contentKind === 'p7m')) {
    throw new AppError(
      ImportErrorCodes.FileNameInvalid,
      422,
      `${fileName}: the name says ${parsedName.kind} but the file is ${invoice.contentKind === 'p7m' ? 'a signed .p7m' : 'plain XML'}`,
    )
  }

  const findings: Finding[] = []
  const fileSha256 = sha256(invoice.bytes)
  const ids = new Set<string>()
  const t0s = new Map<number, string>()
  if (body.identificativoSdI !== undefined) ids.add(canonicalIdentificativoSdI(body.identificativoSdI))
  if (body.dataOraRicezione !== undefined) t0s.set(instant(body.dataOraRicezione), body.dataOraRicezione)
  for (const { index, fileName: name, parsed, code } of notifications) {
    const say = (message: string) => findings.push({ index, message: `${name}: ${message}` })
    if (transmitterOperations[code] === undefined) say(`${parsed.type} (${code}) is not a message SDI sends to the transmitter`)
    const named = parseSdiMessageFileName(name)
    if (named && named.code !== code) say(`the file name says ${named.code} but the message is ${parsed.type} (${code})`)
    if ('NomeFile' in parsed && !sameFileName(parsed.NomeFile.trim(), fileName)) say(`NomeFile ${parsed.NomeFile} is not ${fileName}`)
    if ('Hash' in parsed && parsed.Hash !== undefined && parsed.Hash.trim().toLowerCase() !== fileSha256) {
      say(`Hash ${parsed.Hash} is not the SHA-256 of the invoice file (${fileSha256})`)
    }
    if ('HashFileOriginale' in parsed && parsed.HashFileOriginale.trim().toLowerCase() !== fileSha256) {
      say(`HashFileOriginale ${parsed.HashFileOriginale} is not the SHA-256 of the invoice file (${fileSha256})`)
    }
    ids.add(canonicalIdentificativoSdI(parsed.IdentificativoSdI))
    if ('DataOraRicezione' in parsed) t0s.set(instant(parsed.DataOraRicezione), parsed.DataOraRicezione)
  }
  if (ids.size > 1) findings.push({ message: `The IdentificativoSdI differs: ${[...ids].join(', ')}` })
  if (t0s.size > 1) findings.push({ message: `DataOraRicezione differs: ${[...t0s.values()].join(', ')}` })
  if (t0s.has(Number.NaN)) findings.push({ message: 'DataOraRicezione is not a date-time' })
  if (findings.length > 0) throw inconsistent(findings)
  return {
    fileName,
    parsedName,
    identificativoSdI: [...ids][0] as string,
    dataOraRicezione: [...t0s.values()][0],
  }
}

function inconsistent(findings: readonly Finding[]): AppError {
  return new AppError(
    ImportErrorCodes.NotificationsInconsistent,
    422,
    `The notifications contradict the invoice or each other: ${findings.map((finding) => finding.message).join('; ')}`,
    {
      errors: findings.map((finding) => ({
        path: finding.index === undefined ? 'body/notifications' : `body/notifications/${finding.index}`,
        message: finding.message,
      })),
    },
  )
}

/** Transmission first, then the notifications in SDI's order (ties keep the caller's order). */
function inSdiOrder(notifications: readonly ReadNotification[]): ReadNotification[] {
  return notifications
    .map((notification, index) => ({ notification, index }))
    .sort((a, b) => (codeOrder[a.notification.code] ?? 9) - (codeOrder[b.notification.code] ?? 9) || a.index - b.index)
    .map(({ notification }) => notification)
}

/**
 * The outcome the state machine gives the import, computed before anything is stored: a contradiction between
 * the messages (NS and RC, B2B NE, another T0…) is an anomaly of the state machine, and refuses the import.
 */
function plannedOutcome(
  format: InvoiceFormat,
  facts: InvoiceFacts,
  ids: SdiIds,
  fileSha256: string,
  notifications: readonly ReadNotification[],
  at: string,
): InvoiceState {
  let snapshot: InvoiceStateSnapshot = createInvoiceState({
    flow: sdiFlowOfFormat(format),
    bodies: facts.bodies.map((body) => ({ number: body.numero, year: Number(body.data.slice(0, 4)) })),
    signatureRequired: false,
    at,
  })
  const submitted = applyCommand(snapshot, { kind: 'submit', ...submitCommand(ids, fileSha256), at })
  if (!submitted.ok) throw new Error(`submit refused for a new invoice: ${submitted.refusal.message}`)
  snapshot = submitted.state
  const findings: Finding[] = []
  for (const notification of notifications) {
    const result = applyNotification(snapshot, notification.parsed, { arrivedAt: at })
    if (result.decision === 'anomaly') {
      findings.push({ index: notification.index, message: `${notification.fileName}: ${result.entry?.detail ?? 'contradicts the others'}` })
    }
    snapshot = result.state
  }
  if (findings.length > 0) throw inconsistent(findings)
  return snapshot.state
}

function submitCommand(ids: SdiIds, fileSha256: string) {
  return {
    fileName: ids.fileName,
    identificativoSdI: ids.identificativoSdI,
    ...(ids.dataOraRicezione ? { receivedAt: ids.dataOraRicezione } : {}),
    sha256: fileSha256,
  }
}

/** The imported invoice as stored: its notifications and the check results kept in its history. */
async function importedView(em: EntityManager, invoice: Invoice, kind: ImportOutcome['kind']): Promise<ImportOutcome> {
  const applications = await em.find(SdiMessageApplication, { invoiceId: invoice.id })
  const byId = new Map(applications.map((application) => [application.messageId, application]))
  const messages = await em.find(SdiInboundMessage, { id: { $in: [...byId.keys()] } }, { orderBy: { receivedAt: 'asc', id: 'asc' } })
  const submit = await em.findOne(InvoiceEvent, { invoiceId: invoice.id, kind: 'command.submit' })
  const checks = (submit?.details.sdiChecks ?? {}) as { issues?: SdiIssue[]; warnings?: SdiIssue[] }
  return {
    kind,
    invoice,
    notifications: messages.map((message) => {
      const application = byId.get(message.id) as SdiMessageApplication
      return {
        id: message.id,
        fileName: message.fileName,
        operation: message.operation,
        messageType: message.messageType,
        decision: application.decision,
        detail: application.detail,
      }
    }),
    issues: checks.issues ?? [],
    warnings: checks.warnings ?? [],
  }
}

async function earlierImport(em: EntityManager, studioId: string, fileSha256: string): Promise<ImportOutcome | undefined> {
  const fork = em.fork()
  const invoice = await fork.findOne(Invoice, { studioId, fileSha256, origin: 'import' })
  return invoice === null ? undefined : importedView(fork, invoice, 'replay')
}

const keptIssues = (issues: readonly SdiIssue[]) =>
  issues
    .slice(0, 50)
    .map((issue) => ({ code: issue.code, message: issue.message.slice(0, 500), ...(issue.path ? { path: issue.path } : {}) }))

/**
 * POST /invoices/imports: stores an invoice another intermediary (or the AdE portal) transmitted, with the SDI
 * notifications it got, as if fe-active had transmitted it: created, then `submit` with SDI's ids, then every
 * notification through the state machine, each stored in sdi_inbound_message with its application, each step an
 * invoice event (webhooks, changes feed, domain events). Never transmitted: no nextActionAt, origin 'import'.
 * Idempotent per studio and file bytes.
 */
export async function importInvoice(
  em: EntityManager,
  user: AccessTokenClaims,
  body: ImportInvoiceBody,
  requestId: string,
): Promise<ImportOutcome> {
  const bytes = decodeBase64(body.file)
  if (bytes === undefined) throw unreadable('The invoice file is not base64', { errors: [{ path: 'body/file', message: 'not base64' }] })
  const fileSha256 = sha256(bytes)
  const replay = await earlierImport(em, user.studio, fileSha256)
  if (replay) return replay
  await assertSubmissionAllowed(em, user.studio, user)

  const invoiceFile = readInvoiceFile(bytes)
  const notifications = inSdiOrder(readNotifications(body))
  const ids = transmissionIds(body, invoiceFile, notifications)
  const { facts, format } = invoiceFile
  const cedente = await cedenteRefusal(em, user, facts)
  if ('code' in cedente) throw new AppError(cedente.code, cedente.status, cedente.message)

  const now = new Date()
  const at = now.toISOString()
  const outcome = plannedOutcome(format, facts, ids, fileSha256, notifications, at)
  // SDI ignores files it rejected when it looks for duplicates (docs §2.4), so an NS'd file never is one.
  if (outcome !== InvoiceState.Scartata && facts.model) {
    const duplicates = (await duplicateIssues(facts.model, studioDuplicateStore(em, user.studio))).filter((issue) => issue.code === '00404')
    if (duplicates.length > 0) {
      throw new AppError(
        ImportErrorCodes.DuplicateInvoice,
        409,
        `An invoice of your studio already has this number (00404): ${duplicates.map((issue) => issue.message).join('; ')}`,
        { sdiCodes: ['00404'], errors: duplicates.map((issue) => ({ path: issue.path ?? '', message: issue.message, code: issue.code })) },
      )
    }
  }
  if ((await em.count(Invoice, { identificativoSdI: ids.identificativoSdI })) > 0) {
    throw new AppError(
      ImportErrorCodes.IdentificativoSdIInUse,
      409,
      `An invoice with IdentificativoSdI ${ids.identificativoSdI} is already on the platform: SDI's later messages could not tell them apart`,
    )
  }

  // What SDI's checks say of the file today, kept in the history; they do not stop an import of a file SDI took.
  const receivedAt = ids.dataOraRicezione ? new Date(instant(ids.dataOraRicezione)) : undefined
  const validation = await validateInvoice(bytes, { fileName: ids.fileName, ...(receivedAt ? { receivedAt } : {}) })

  try {
    const invoice = await em.fork().transactional(async (tx) => {
      const stored = await storeInvoice(tx, {
        studioId: user.studio,
        file: { bytes, contentKind: invoiceFile.contentKind, requestHash: fileSha256 },
        check: { facts, client: cedente.client, format },
        signatureRequired: false,
        idempotencyKey: undefined,
        at: now,
      })
      stored.origin = 'import'
      // Never transmitted by the platform: the worker only looks at invoices with a next action.
      stored.nextActionAt = null
      // Each step a millisecond after the previous one, so the history and the changes feed keep their order.
      commandInvoice(
        tx,
        stored,
        { kind: 'submit', ...submitCommand(ids, fileSha256) },
        {
          at: new Date(now.getTime() + 1),
          details: {
            transmitted: true,
            imported: true,
            identificativoSdI: ids.identificativoSdI,
            fileName: ids.fileName,
            sdiChecks: { valid: validation.valid, issues: keptIssues(validation.issues), warnings: keptIssues(validation.warnings) },
          },
        },
      )
      stored.fileName = ids.fileName
      stored.identificativoSdI = ids.identificativoSdI
      stored.transmittedAt = receivedAt ?? now
      for (const [index, notification] of notifications.entries()) {
        const arrived = new Date(now.getTime() + 2 + index)
        const message = tx.create(SdiInboundMessage, {
          id: randomUUID(),
          channel: 'trasmissione',
          operation: importOperation(notification.code),
          identificativoSdI: ids.identificativoSdI,
          fileName: notification.fileName,
          fileSha256: sha256(notification.bytes),
          file: notification.bytes,
          metadataFileName: null,
          metadata: null,
          messageType: notification.code,
          messageName: notification.parsed.type,
          messageVocabulary: notification.parsed.vocabulary,
          parseError: null,
          receivedAt: arrived,
          requestId: requestId.slice(0, 128),
        })
        const result = applyNotification(stored.stateSnapshot, notification.parsed, { arrivedAt: arrived.toISOString() })
        recordTransition(tx, stored, result, {
          kind: `notification.${notification.code}`,
          at: arrived,
          details: {
            messageId: message.id,
            messageType: notification.parsed.type,
            identificativoSdI: ids.identificativoSdI,
            fileName: ids.fileName,
            imported: true,
          },
        })
        tx.create(SdiMessageApplication, {
          messageId: message.id,
          invoiceId: stored.id,
          decision: result.decision,
          detail: result.entry?.detail?.slice(0, 4000) ?? null,
          appliedAt: arrived,
        })
      }
      await tx.flush()
      return stored
    })
    return await importedView(em.fork(), invoice, 'created')
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      // A concurrent import of the same file won.
      const raced = await earlierImport(em, user.studio, fileSha256)
      if (raced) return raced
    }
    throw error
  }
}
