import Type, { type Static } from 'typebox'
import type { Invoice, InvoiceEvent } from '../invoices/invoice.entity.js'
import { type InvoiceState, invoiceStates } from '../invoices/state/index.js'

const StateSchema = Type.Unsafe<InvoiceState>({
  type: 'string',
  enum: [...invoiceStates],
  description: 'Invoice state (portal label with underscores).',
})
const NullableString = (description?: string) => Type.Union([Type.String(), Type.Null()], description ? { description } : {})

/** What a webhook delivers and what the changes feed lists: one invoice event, with the invoice as it is now. */
export const InvoiceChangeSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'Id of the invoice event; the same in the feed and in every delivery of it.' }),
    type: Type.Union([Type.Literal('invoice.state_changed'), Type.Literal('invoice.event')], {
      description:
        '`invoice.state_changed` when the state moved (or the invoice was created), `invoice.event` for history entries that left it where it was.',
    }),
    occurredAt: Type.String({ format: 'date-time' }),
    feedSeq: Type.String({ description: 'Position in the studio’s changes feed (commit order); the feed cursor after this item.' }),
    invoice: Type.Object({
      id: Type.String({ format: 'uuid' }),
      state: StateSchema,
      fromState: Type.Union([StateSchema, Type.Null()]),
      format: Type.String(),
      numero: Type.String(),
      dataDocumento: Type.String(),
      fileName: NullableString(),
      identificativoSdI: NullableString(),
      importoTotale: NullableString('Decimal string.'),
      clientId: Type.String({ format: 'uuid' }),
    }),
    event: Type.Object({
      kind: Type.String({ description: 'created, command.submit, notification.RC, notification.NS, …' }),
      decision: NullableString('applied, ignored, anomaly…'),
      detail: NullableString(),
    }),
  },
  {
    examples: [
      {
        id: '0b6f1c7e-2d4a-4e8b-9c1d-5e6f7a8b9c0d',
        type: 'invoice.state_changed',
        occurredAt: '2026-12-01T10:05:00.000Z',
        feedSeq: '1042',
        invoice: {
          id: '3f2c9d1e-7a4b-4c6d-8e9f-0a1b2c3d4e5f',
          state: 'CONSEGNATA',
          fromState: 'INVIATA',
          format: 'FPR12',
          numero: '123',
          dataDocumento: '2026-12-01',
          fileName: 'IT01234567890_00001.xml',
          identificativoSdI: '111222333',
          importoTotale: '122.00',
          clientId: '6d1f4a0e-2b7c-4c8e-9d3a-1f2e3d4c5b6a',
        },
        event: { kind: 'notification.RC', decision: 'applied', detail: 'RC: INVIATA → CONSEGNATA' },
      },
    ],
  },
)
export type InvoiceChange = Static<typeof InvoiceChangeSchema>

/** A state change, for the default webhook filter: the creation counts (no state before). */
export function isStateChange(event: Pick<InvoiceEvent, 'fromState' | 'details'>): boolean {
  return event.fromState === null || event.details.stateChanged === true
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null)

export type ChangeInvoice = Pick<
  Invoice,
  'id' | 'format' | 'numero' | 'dataDocumento' | 'fileName' | 'identificativoSdI' | 'importoTotale' | 'clientId'
>

/** The payload of one event; `invoice` null only if the invoice row is gone. */
export function toInvoiceChange(event: InvoiceEvent, invoice: ChangeInvoice | null): InvoiceChange {
  return {
    id: event.id,
    type: isStateChange(event) ? 'invoice.state_changed' : 'invoice.event',
    occurredAt: new Date(event.at).toISOString(),
    feedSeq: String(event.feedSeq),
    invoice: {
      id: event.invoiceId,
      state: event.toState,
      fromState: event.fromState,
      format: invoice?.format ?? '',
      numero: invoice?.numero ?? '',
      dataDocumento: invoice?.dataDocumento ?? '',
      fileName: invoice?.fileName ?? null,
      identificativoSdI: invoice?.identificativoSdI ?? null,
      importoTotale: invoice?.importoTotale ?? null,
      clientId: invoice?.clientId ?? '',
    },
    event: { kind: event.kind, decision: text(event.details.decision), detail: text(event.details.detail) },
  }
}

export const changeInvoiceFields = [
  'id',
  'format',
  'numero',
  'dataDocumento',
  'fileName',
  'identificativoSdI',
  'importoTotale',
  'clientId',
] as const
