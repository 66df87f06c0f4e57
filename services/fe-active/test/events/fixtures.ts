// Invoices and their events written straight through the ORM, as the invoice pipeline writes them.
import { randomUUID } from 'node:crypto'
import type { Orm } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/knex'
import { Invoice, InvoiceEvent } from '../../src/invoices/invoice.entity.js'
import type { InvoiceState, InvoiceStateSnapshot, RejectionError } from '../../src/invoices/state/index.js'

let counter = 0

export interface InvoiceSeed {
  studioId: string
  state?: InvoiceState
  rejection?: RejectionError[]
  clientId?: string
}

export async function insertInvoice(orm: Orm, seed: InvoiceSeed): Promise<Invoice> {
  const now = new Date()
  const state = seed.state ?? 'DA_INVIARE'
  const snapshot = {
    state,
    flow: 'B2B',
    bodies: [],
    history: [],
    ...(seed.rejection ? { rejection: { messageId: '123', errors: seed.rejection } } : {}),
  } as unknown as InvoiceStateSnapshot
  const id = randomUUID()
  const data = {
    id,
    studioId: seed.studioId,
    clientId: seed.clientId ?? randomUUID(),
    cedentePartitaIva: '01234567890',
    transmitter: 'IT01234567890',
    format: 'FPR12' as const,
    flow: 'B2B' as const,
    state,
    stateSnapshot: snapshot,
    bodiesCount: 1,
    numero: `W${++counter}`,
    dataDocumento: '2026-11-30',
    destinatarioDenominazione: 'DITTA BETA SRL',
    destinatarioCodiceFiscale: null,
    destinatarioPartitaIva: '09876543210',
    codiceDestinatario: 'ABC1234',
    pecDestinatario: null,
    importoTotale: '1220.50',
    file: Buffer.from('<xml/>'),
    fileSha256: '0'.repeat(64),
    contentKind: 'xml' as const,
    fileName: `IT01234567890_${String(counter).padStart(5, '0')}.xml`,
    identificativoSdI: state === 'DA_INVIARE' ? null : `9${counter}`,
    idempotencyKey: null,
    requestHash: null,
    createdAt: now,
    updatedAt: now,
    version: 1,
  }
  await orm.em.fork().insert(Invoice, data)
  return (await orm.em.fork().findOneOrFail(Invoice, { id })) as Invoice
}

export interface EventSeed {
  kind?: string
  fromState?: InvoiceState | null
  toState: InvoiceState
  details?: Record<string, unknown>
  at?: Date
}

export function eventRow(invoice: Pick<Invoice, 'id' | 'studioId'>, seed: EventSeed) {
  const fromState = seed.fromState === undefined ? null : seed.fromState
  return {
    id: randomUUID(),
    invoiceId: invoice.id,
    studioId: invoice.studioId,
    at: seed.at ?? new Date(),
    kind: seed.kind ?? (fromState === null ? 'created' : 'notification.RC'),
    fromState,
    toState: seed.toState,
    details: {
      decision: 'applied',
      detail: `test ${fromState} → ${seed.toState}`,
      stateChanged: fromState !== seed.toState,
      ...seed.details,
    },
  }
}

export async function insertEvent(
  target: Orm | EntityManager,
  invoice: Pick<Invoice, 'id' | 'studioId'>,
  seed: EventSeed,
): Promise<string> {
  const row = eventRow(invoice, seed)
  const em = 'em' in target ? target.em.fork() : target
  await em.insert(InvoiceEvent, row)
  return row.id
}
