import { EntitySchema, OptionalProps } from '@mikro-orm/core'
import type { InvoiceState, InvoiceStateSnapshot, SdiFlow } from './state/index.js'

export type InvoiceFormat = 'FPA12' | 'FPR12' | 'FSM10'
/** What the ERP sent: plain XML (from XML or JSON), or a CAdES-signed `.xml.p7m`. */
export type InvoiceContentKind = 'xml' | 'p7m'

/** An outgoing invoice file (one FatturaElettronica, possibly a lot of several bodies) of a client of a studio. */
export class Invoice {
  declare [OptionalProps]?:
    | 'signedFile'
    | 'signedAt'
    | 'fileName'
    | 'identificativoSdI'
    | 'transmittedAt'
    | 'transmissionAttempts'
    | 'nextActionAt'
  id!: string
  studioId!: string
  /** The client (soggetto) in auth whose partita IVA is the CedentePrestatore's. */
  clientId!: string
  cedentePartitaIva!: string
  /** IdTrasmittente of the file (IdPaese + IdCodice): the file names sent to SDI start with it. */
  transmitter!: string
  format!: InvoiceFormat
  flow!: SdiFlow
  state!: InvoiceState
  /** The state machine's snapshot (bodies, transmissions, history), as `createInvoiceState` and its commands return it. */
  stateSnapshot!: InvoiceStateSnapshot
  bodiesCount!: number
  /** Numero and Data (YYYY-MM-DD) of the first FatturaElettronicaBody. */
  numero!: string
  dataDocumento!: string
  destinatarioDenominazione!: string | null
  destinatarioCodiceFiscale!: string | null
  destinatarioPartitaIva!: string | null
  codiceDestinatario!: string | null
  pecDestinatario!: string | null
  /** Σ ImportoTotaleDocumento of the bodies as a decimal string; null when a body does not state it. */
  importoTotale!: string | null
  /** The file as received (XML, or the .p7m envelope); JSON submissions store the XML built from the model. */
  file!: Buffer
  fileSha256!: string
  contentKind!: InvoiceContentKind
  /** The CAdES `.p7m` signed by fe-active (server-side signing); null for files that arrive signed or need none. */
  signedFile: Buffer | null = null
  signedAt: Date | null = null
  /** Name of the current transmission's file (`IT01234567890_0001A.xml[.p7m]`), once one was started. */
  fileName: string | null = null
  /** SDI's id of the current transmission, once SDI answered or a notification told it. */
  identificativoSdI: string | null = null
  transmittedAt: Date | null = null
  /** Transmissions started for the invoice (each has a row in sdi_transmission). */
  transmissionAttempts = 0
  /** When the worker must look at the invoice again (retry after backoff, end of a reconciliation wait). */
  nextActionAt: Date | null = null
  idempotencyKey!: string | null
  /** SHA-256 of the request that created the invoice, compared on an Idempotency-Key replay. */
  requestHash!: string | null
  createdAt!: Date
  updatedAt!: Date
  version!: number
  // Pannello Fattura Elettronica Attiva (panel/Migration20261218100000Panel): preservation state and amount in cents.
  preservationState?: import('../panel/preservation-state.js').PreservationState
  importoTotaleCents?: string | null
  // Import of invoices transmitted elsewhere (imports/Migration20261219000000Imports): 'import' is never transmitted.
  origin?: 'platform' | 'import'
}

export const InvoiceEntity = new EntitySchema<Invoice>({
  class: Invoice,
  tableName: 'invoice',
  uniques: [{ name: 'invoice_studio_idempotency_key_unique', properties: ['studioId', 'idempotencyKey'] }],
  indexes: [
    { name: 'invoice_studio_state_date_index', properties: ['studioId', 'state', 'dataDocumento'] },
    { name: 'invoice_studio_cedente_numero_index', properties: ['studioId', 'cedentePartitaIva', 'numero'] },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    studioId: { type: 'uuid' },
    clientId: { type: 'uuid' },
    cedentePartitaIva: { type: 'string', columnType: 'varchar(28)' },
    transmitter: { type: 'string', columnType: 'varchar(30)' },
    format: { type: 'string', columnType: 'varchar(5)' },
    flow: { type: 'string', columnType: 'varchar(3)' },
    state: { type: 'string', columnType: 'varchar(20)' },
    stateSnapshot: { type: 'json' },
    bodiesCount: { type: 'integer' },
    numero: { type: 'string', columnType: 'varchar(20)' },
    dataDocumento: { type: 'string', columnType: 'varchar(10)' },
    destinatarioDenominazione: { type: 'string', columnType: 'varchar(200)', nullable: true },
    destinatarioCodiceFiscale: { type: 'string', columnType: 'varchar(16)', nullable: true },
    destinatarioPartitaIva: { type: 'string', columnType: 'varchar(30)', nullable: true },
    codiceDestinatario: { type: 'string', columnType: 'varchar(7)', nullable: true },
    pecDestinatario: { type: 'string', columnType: 'varchar(256)', nullable: true },
    importoTotale: { type: 'string', columnType: 'varchar(32)', nullable: true },
    file: { type: 'blob', lazy: true },
    fileSha256: { type: 'string', columnType: 'char(64)' },
    contentKind: { type: 'string', columnType: 'varchar(3)' },
    signedFile: { type: 'blob', lazy: true, nullable: true },
    signedAt: { type: 'datetime', nullable: true },
    fileName: { type: 'string', columnType: 'varchar(60)', nullable: true },
    identificativoSdI: { type: 'string', fieldName: 'identificativo_sdi', columnType: 'varchar(36)', nullable: true },
    transmittedAt: { type: 'datetime', nullable: true },
    transmissionAttempts: { type: 'integer', default: 0 },
    nextActionAt: { type: 'datetime', nullable: true },
    idempotencyKey: { type: 'string', columnType: 'varchar(200)', nullable: true },
    requestHash: { type: 'string', columnType: 'char(64)', nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
    version: { type: 'integer', version: true, default: 1 },
    // Pannello Fattura Elettronica Attiva (panel/Migration20261218100000Panel).
    preservationState: { type: 'string', columnType: 'varchar(30)', default: 'DA_VERIFICARE' },
    importoTotaleCents: { type: 'bigint', nullable: true },
    // Import of invoices transmitted elsewhere (imports/Migration20261219000000Imports).
    origin: { type: 'string', columnType: 'varchar(10)', default: 'platform' },
  },
})

/**
 * The SDI identity of each body of an invoice (issuer, period, numero, credit note), looked up for 00404
 * duplicates within the studio.
 */
export class InvoiceIdentityRow {
  id!: string
  invoiceId!: string
  studioId!: string
  position!: number
  issuer!: string
  period!: string
  numero!: string
  creditNote!: boolean
}

export const InvoiceIdentityEntity = new EntitySchema<InvoiceIdentityRow>({
  class: InvoiceIdentityRow,
  tableName: 'invoice_identity',
  indexes: [{ name: 'invoice_identity_lookup_index', properties: ['studioId', 'issuer', 'numero', 'period'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    invoiceId: { type: 'uuid', index: 'invoice_identity_invoice_id_index' },
    studioId: { type: 'uuid' },
    position: { type: 'integer' },
    issuer: { type: 'string', columnType: 'varchar(30)' },
    period: { type: 'string', columnType: 'varchar(10)' },
    numero: { type: 'string', columnType: 'varchar(20)' },
    creditNote: { type: 'boolean' },
  },
})

/**
 * One entry of an invoice's history: what happened, and the state before and after. Written in the transaction
 * of the change, it is also the outbox of everything that follows a change: the dispatcher gives committed events
 * their position in the studio's changes feed (`feedSeq`, in commit order) and fans them out to webhooks, e-mails
 * and the domain queues (`dispatchedAt`).
 */
export class InvoiceEvent {
  declare [OptionalProps]?: 'feedSeq' | 'dispatchedAt'
  id!: string
  invoiceId!: string
  studioId!: string
  at!: Date
  kind!: string
  fromState!: InvoiceState | null
  toState!: InvoiceState
  details!: Record<string, unknown>
  feedSeq: string | null = null
  dispatchedAt: Date | null = null
}

export const InvoiceEventEntity = new EntitySchema<InvoiceEvent>({
  class: InvoiceEvent,
  tableName: 'invoice_event',
  indexes: [{ name: 'invoice_event_invoice_at_index', properties: ['invoiceId', 'at'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    invoiceId: { type: 'uuid' },
    studioId: { type: 'uuid' },
    at: { type: 'datetime' },
    kind: { type: 'string', columnType: 'varchar(40)' },
    fromState: { type: 'string', columnType: 'varchar(20)', nullable: true },
    toState: { type: 'string', columnType: 'varchar(20)' },
    details: { type: 'json' },
    feedSeq: { type: 'bigint', nullable: true },
    dispatchedAt: { type: 'datetime', nullable: true },
  },
})
