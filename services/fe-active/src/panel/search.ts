import { romeTime } from '@fatturapa-hub/shared'
import type { Knex } from '@mikro-orm/knex'
import Type, { type Static } from 'typebox'
import { type InvoiceState, invoiceStateLabels, invoiceStates } from '../invoices/state/index.js'
import { centsBound, decimalAmountPattern } from './amounts.js'
import { type PreservationState, preservationStateLabels, preservationStates } from './preservation-state.js'

const listPattern = (values: readonly string[]) => `^(${values.join('|')})(,(${values.join('|')}))*$`
const calendarDate = (description: string) =>
  Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$', description, examples: ['2026-12-01'] })

export const panelSorts = ['-sentAt', 'sentAt', '-dataDocumento', 'dataDocumento'] as const
export type PanelSort = (typeof panelSorts)[number]

/** The filters of "Ricerca Fatture Elettroniche Attive", as query parameters. */
export const PanelSearchQuerySchema = Type.Object(
  {
    identificativoSdI: Type.Optional(Type.String({ minLength: 1, maxLength: 36, description: 'IDENTIFICATIVO SDI, exact.' })),
    destinatario: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'DESCRIZIONE DESTINATARIO: part of the recipient’s name, ignoring case.' }),
    ),
    destinatarioCodiceFiscale: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 30,
        description: 'CODICE FISCALE DESTINATARIO: the recipient’s codice fiscale or partita IVA, exact (case ignored).',
      }),
    ),
    anno: Type.Optional(Type.Integer({ minimum: 1970, maximum: 2999, description: 'ANNO FATTURA: year of the first body’s Data.' })),
    numero: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'NUMERO FATTURA: Numero of the first body, exact.' })),
    sentFrom: Type.Optional(calendarDate('DA DATA INVIO: first Italian (Europe/Rome) calendar day of sending, inclusive.')),
    sentTo: Type.Optional(calendarDate('A DATA INVIO: last Italian (Europe/Rome) calendar day of sending, inclusive.')),
    cedente: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'CEDENTE PRESTATORE: a partita IVA (exact, `IT` prefix allowed), or part of the client’s name, ignoring case.',
      }),
    ),
    states: Type.Optional(
      Type.Array(Type.String({ pattern: listPattern(invoiceStates) }), {
        description: 'Stato Fatture Attive: states, comma separated or repeated; all when absent (TUTTO).',
        examples: [['DA_INVIARE,SCARTATA']],
      }),
    ),
    preservationStates: Type.Optional(
      Type.Array(Type.String({ pattern: listPattern(preservationStates) }), {
        description: 'Filtri Per Stato Conservazione: preservation states, comma separated or repeated; all when absent.',
      }),
    ),
    importoMin: Type.Optional(Type.String({ pattern: decimalAmountPattern, description: 'Smallest total amount, inclusive (decimal).' })),
    importoMax: Type.Optional(Type.String({ pattern: decimalAmountPattern, description: 'Largest total amount, inclusive (decimal).' })),
    page: Type.Integer({ minimum: 1, maximum: 1000000, default: 1, description: 'PAG. N., 1-based.' }),
    pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'VISUALIZZA MAX.' }),
    sort: Type.Union(
      panelSorts.map((sort) => Type.Literal(sort)),
      {
        default: '-sentAt',
        description:
          '`-sentAt` newest sending first (default; not yet sent first), `sentAt`, `-dataDocumento` newest document date first, `dataDocumento`.',
      },
    ),
  },
  { additionalProperties: false },
)
export type PanelSearchQuery = Static<typeof PanelSearchQuerySchema>

/** The query, normalised: lists split, amounts in cents, sending days as UTC instants. */
export interface PanelFilters {
  identificativoSdI?: string
  destinatario?: string
  destinatarioCodiceFiscale?: string
  anno?: number
  numero?: string
  /** Sent at or after (start of the Rome day `sentFrom`). */
  sentFrom?: Date
  /** Sent before (start of the Rome day after `sentTo`). */
  sentBefore?: Date
  cedentePartitaIva?: string
  cedenteName?: string
  states?: InvoiceState[]
  preservationStates?: PreservationState[]
  minCents?: string
  maxCents?: string
  page: number
  pageSize: number
  sort: PanelSort
}

const splitList = <T extends string>(values: readonly string[] | undefined): T[] | undefined =>
  values === undefined ? undefined : ([...new Set(values.flatMap((value) => value.split(',')))].sort() as T[])

/** The instant a calendar day starts in Italy (midnight never falls in a daylight-saving gap there). */
export function romeDayStart(date: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  const midnightUtc = Date.UTC(year, month - 1, day)
  for (const hours of [1, 2]) {
    const candidate = midnightUtc - hours * 3_600_000
    const rome = romeTime(candidate)
    if (rome.date === date && rome.time === '00:00:00') return new Date(candidate)
  }
  throw new Error(`no Rome midnight on ${date}`)
}

function nextDay(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10)
}

export function panelFilters(query: PanelSearchQuery): PanelFilters {
  const filters: PanelFilters = { page: query.page ?? 1, pageSize: query.pageSize ?? 20, sort: query.sort ?? '-sentAt' }
  const trimmed = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim())
  const sdi = trimmed(query.identificativoSdI)
  if (sdi) filters.identificativoSdI = sdi
  const destinatario = trimmed(query.destinatario)
  if (destinatario) filters.destinatario = destinatario.toLowerCase()
  const codiceFiscale = trimmed(query.destinatarioCodiceFiscale)
  if (codiceFiscale) filters.destinatarioCodiceFiscale = codiceFiscale.toUpperCase()
  if (query.anno !== undefined) filters.anno = query.anno
  const numero = trimmed(query.numero)
  if (numero) filters.numero = numero
  if (query.sentFrom) filters.sentFrom = romeDayStart(query.sentFrom)
  if (query.sentTo) filters.sentBefore = romeDayStart(nextDay(query.sentTo))
  const cedente = trimmed(query.cedente)
  if (cedente) {
    const partitaIva = /^(IT)?([0-9]{11})$/i.exec(cedente)
    if (partitaIva) filters.cedentePartitaIva = partitaIva[2] as string
    else filters.cedenteName = cedente.toLowerCase()
  }
  const states = splitList<InvoiceState>(query.states)
  if (states && states.length < invoiceStates.length) filters.states = states
  const preservation = splitList<PreservationState>(query.preservationStates)
  if (preservation && preservation.length < preservationStates.length) filters.preservationStates = preservation
  if (query.importoMin !== undefined) filters.minCents = centsBound(query.importoMin, 'min')
  if (query.importoMax !== undefined) filters.maxCents = centsBound(query.importoMax, 'max')
  return filters
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`

/** Applies the filters to a query on `invoice as i`; every condition is led by the studio. */
function applyFilters(query: Knex.QueryBuilder, studioId: string, filters: PanelFilters): Knex.QueryBuilder {
  query.where('i.studio_id', studioId)
  if (filters.identificativoSdI) query.where('i.identificativo_sdi', filters.identificativoSdI)
  if (filters.destinatario) query.whereRaw(`lower(i.destinatario_denominazione) like ? escape '\\'`, [likePattern(filters.destinatario)])
  if (filters.destinatarioCodiceFiscale) {
    const code = filters.destinatarioCodiceFiscale
    query.where((either) => either.where('i.destinatario_codice_fiscale', code).orWhere('i.destinatario_partita_iva', code))
  }
  if (filters.anno !== undefined) {
    // A range on the ISO date string, so the (studio_id, data_documento) index serves it.
    query.where('i.data_documento', '>=', `${filters.anno}-01-01`).where('i.data_documento', '<', `${filters.anno + 1}-01-01`)
  }
  if (filters.numero) query.where('i.numero', filters.numero)
  if (filters.sentFrom) query.where('i.transmitted_at', '>=', filters.sentFrom)
  if (filters.sentBefore) query.where('i.transmitted_at', '<', filters.sentBefore)
  if (filters.cedentePartitaIva) query.where('i.cedente_partita_iva', filters.cedentePartitaIva)
  if (filters.cedenteName) {
    const name = likePattern(filters.cedenteName)
    query.whereIn('i.client_id', (clients) =>
      clients
        .select('c.client_id')
        .from('client_replica as c')
        .where('c.studio_id', studioId)
        .whereRaw(`lower(c.denominazione) like ? escape '\\'`, [name]),
    )
  }
  if (filters.states) query.whereIn('i.state', filters.states)
  if (filters.preservationStates) query.whereIn('i.preservation_state', filters.preservationStates)
  if (filters.minCents !== undefined) query.where('i.importo_totale_cents', '>=', filters.minCents)
  if (filters.maxCents !== undefined) query.where('i.importo_totale_cents', '<=', filters.maxCents)
  return query
}

// Explicit NULLS placement: PostgreSQL and SQLite differ by default. Not yet sent invoices come first when newest
// first, which is also a plain backward scan of the (studio_id, transmitted_at, id) index.
const orderings: Record<PanelSort, (alias: string) => string> = {
  '-sentAt': (a) => `${a}.transmitted_at desc nulls first, ${a}.id desc`,
  sentAt: (a) => `${a}.transmitted_at asc nulls last, ${a}.id asc`,
  '-dataDocumento': (a) => `${a}.data_documento desc, ${a}.id desc`,
  dataDocumento: (a) => `${a}.data_documento asc, ${a}.id asc`,
}

export const panelColumns = [
  'i.id',
  'i.state',
  'i.format',
  'i.identificativo_sdi',
  'i.transmitted_at',
  'i.state_snapshot',
  'i.cedente_partita_iva',
  'i.client_id',
  'i.destinatario_denominazione',
  'i.destinatario_codice_fiscale',
  'i.destinatario_partita_iva',
  'i.numero',
  'i.data_documento',
  'i.importo_totale',
  'i.preservation_state',
  'i.bodies_count',
  'c.denominazione as cedente_denominazione',
] as const

/**
 * The footer's total is counted exactly up to this many invoices (or up to the end of the requested page, when that
 * is further): counting all of a studio's half a million invoices at every page would cost more than the page.
 */
export const panelCountBound = 10_000

/** How far the count of one search goes: at least up to the end of its page, so the page's rows are always counted. */
export const panelCountLimit = (filters: Pick<PanelFilters, 'page' | 'pageSize'>, bound = panelCountBound) =>
  Math.max(bound, filters.page * filters.pageSize)

export interface PanelQueries {
  /** One page of rows: the page's ids first (a narrow, index-only walk even for deep pages), then their columns. */
  page: Knex.QueryBuilder
  /** The number of matching invoices, exact up to `panelCountLimit(filters)` + 1, through the same indexes. */
  count: Knex.QueryBuilder
}

/** The queries of one panel search. Used by the route and by bench/active-search.mjs. */
export function buildPanelQueries(knex: Knex, studioId: string, filters: PanelFilters, countBound = panelCountBound): PanelQueries {
  const order = orderings[filters.sort]
  const ids = applyFilters(knex.select('i.id').from('invoice as i'), studioId, filters)
    .orderByRaw(order('i'))
    .limit(filters.pageSize)
    .offset((filters.page - 1) * filters.pageSize)
  const page = knex
    .select(...panelColumns)
    .from(ids.as('p'))
    .join('invoice as i', 'i.id', 'p.id')
    .leftJoin('client_replica as c', 'c.client_id', 'i.client_id')
    .orderByRaw(order('i'))
  const matching = applyFilters(knex.select('i.id').from('invoice as i'), studioId, filters).limit(panelCountLimit(filters, countBound) + 1)
  const count = knex.count({ total: '*' }).from(matching.as('m'))
  return { page, count }
}

export interface PanelRow {
  id: string
  state: InvoiceState
  format: string
  identificativo_sdi: string | null
  transmitted_at: Date | number | string | null
  state_snapshot: string | { transmission?: { deliveredAt?: string } }
  cedente_partita_iva: string
  client_id: string
  destinatario_denominazione: string | null
  destinatario_codice_fiscale: string | null
  destinatario_partita_iva: string | null
  numero: string
  data_documento: string
  importo_totale: string | null
  preservation_state: PreservationState
  bodies_count: number
  cedente_denominazione: string | null
}

const PanelItemSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  state: Type.String({ description: 'Stato.' }),
  stateLabel: Type.String(),
  tipoDocumento: Type.String({ description: 'Tipo doc.: Fattura, Nota di credito, Fattura semplificata.' }),
  format: Type.String(),
  identificativoSdI: Type.Union([Type.String(), Type.Null()], { description: 'ID SDI.' }),
  sentAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'Date – Invio.' }),
  deliveredAt: Type.Union([Type.String(), Type.Null()], { description: 'Date – Consegna (SDI’s DataOraConsegna).' }),
  giorniDallInvio: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Giorni dall’Invio: Italian calendar days since sending; null when not sent (N.D.).',
  }),
  cedente: Type.Object({ partitaIva: Type.String(), denominazione: Type.Union([Type.String(), Type.Null()]) }),
  destinatario: Type.Object({
    denominazione: Type.Union([Type.String(), Type.Null()]),
    codiceFiscale: Type.Union([Type.String(), Type.Null()]),
    partitaIva: Type.Union([Type.String(), Type.Null()]),
  }),
  rifFattura: Type.Object({
    anno: Type.Integer(),
    numero: Type.String(),
    data: Type.String(),
    label: Type.String({ description: '`2026 - 123`' }),
  }),
  bodiesCount: Type.Integer(),
  importoTotale: Type.Union([Type.String(), Type.Null()], { description: 'Decimal string.' }),
  preservationState: Type.String(),
  preservationStateLabel: Type.String(),
})
export type PanelItem = Static<typeof PanelItemSchema>

export const PanelSearchResultSchema = Type.Object(
  {
    items: Type.Array(PanelItemSchema),
    total: Type.Integer({
      description:
        'VISUALIZZATE … SU total: invoices matching the filters, all pages; exact unless `totalIsLowerBound` (then more than `total` match).',
    }),
    totalIsLowerBound: Type.Boolean({
      description:
        'True when the count stopped early: more than `total` invoices match (`total` is 10,000, or the end of the requested page when further), and more pages follow `pages`.',
    }),
    page: Type.Integer(),
    pageSize: Type.Integer(),
    pages: Type.Integer({ description: 'PAG. N. … DI pages (0 when nothing matches); a lower bound when `totalIsLowerBound`.' }),
  },
  {
    examples: [
      {
        items: [
          {
            id: '7b1e2c3d-4f5a-4b6c-9d7e-8f9a0b1c2d3e',
            state: 'DA_INVIARE',
            stateLabel: 'DA INVIARE',
            tipoDocumento: 'Nota di credito',
            format: 'FPR12',
            identificativoSdI: null,
            sentAt: null,
            deliveredAt: null,
            giorniDallInvio: null,
            cedente: { partitaIva: '01234567890', denominazione: 'ALFA SERVIZI SRL' },
            destinatario: { denominazione: 'GAMMA COSTRUZIONI SPA', codiceFiscale: '05432109876', partitaIva: '05432109876' },
            rifFattura: { anno: 2026, numero: 'NC7', data: '2026-12-03', label: '2026 - NC7' },
            bodiesCount: 1,
            importoTotale: '244.00',
            preservationState: 'DA_VERIFICARE',
            preservationStateLabel: 'DA VERIFICARE',
          },
          {
            id: '3f2c9d1e-7a4b-4c6d-8e9f-0a1b2c3d4e5f',
            state: 'CONSEGNATA',
            stateLabel: 'CONSEGNATA',
            tipoDocumento: 'Fattura',
            format: 'FPR12',
            identificativoSdI: '9876543210',
            sentAt: '2026-12-01T09:15:28.412Z',
            deliveredAt: '2026-12-01T10:20:12.000+01:00',
            giorniDallInvio: 2,
            cedente: { partitaIva: '01234567890', denominazione: 'ALFA SERVIZI SRL' },
            destinatario: { denominazione: 'DITTA BETA', codiceFiscale: '09876543210', partitaIva: '09876543210' },
            rifFattura: { anno: 2026, numero: '123', data: '2026-12-01', label: '2026 - 123' },
            bodiesCount: 1,
            importoTotale: '1220.00',
            preservationState: 'PRONTO_PER_LA_CONSERVAZIONE',
            preservationStateLabel: 'PRONTO PER LA CONSERVAZIONE',
          },
        ],
        total: 2,
        totalIsLowerBound: false,
        page: 1,
        pageSize: 20,
        pages: 1,
      },
    ],
  },
)
export type PanelSearchResult = Static<typeof PanelSearchResultSchema>

const dayNumber = (date: string) => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  return Date.UTC(year, month - 1, day) / 86_400_000
}

/** Italian calendar days from the day of `sentAt` to the day of `now` (0 on the day of sending). */
export function daysSinceSending(sentAt: Date, now: Date): number {
  return dayNumber(romeTime(now).date) - dayNumber(romeTime(sentAt).date)
}

const asDate = (value: Date | number | string | null): Date | null =>
  value === null ? null : value instanceof Date ? value : new Date(value)

export function toPanelItem(row: PanelRow, creditNote: boolean, now: Date): PanelItem {
  const sentAt = asDate(row.transmitted_at)
  const snapshot = typeof row.state_snapshot === 'string' ? JSON.parse(row.state_snapshot) : row.state_snapshot
  const anno = Number(row.data_documento.slice(0, 4))
  return {
    id: row.id,
    state: row.state,
    stateLabel: invoiceStateLabels[row.state] ?? row.state,
    tipoDocumento: row.format === 'FSM10' ? 'Fattura semplificata' : creditNote ? 'Nota di credito' : 'Fattura',
    format: row.format,
    identificativoSdI: row.identificativo_sdi,
    sentAt: sentAt ? sentAt.toISOString() : null,
    deliveredAt: snapshot?.transmission?.deliveredAt ?? null,
    giorniDallInvio: sentAt ? daysSinceSending(sentAt, now) : null,
    cedente: { partitaIva: row.cedente_partita_iva, denominazione: row.cedente_denominazione },
    destinatario: {
      denominazione: row.destinatario_denominazione,
      codiceFiscale: row.destinatario_codice_fiscale,
      partitaIva: row.destinatario_partita_iva,
    },
    rifFattura: { anno, numero: row.numero, data: row.data_documento, label: `${anno} - ${row.numero}` },
    bodiesCount: Number(row.bodies_count),
    importoTotale: row.importo_totale,
    preservationState: row.preservation_state,
    preservationStateLabel: preservationStateLabels[row.preservation_state] ?? row.preservation_state,
  }
}

/** Runs a panel search: the page, its credit notes (Tipo doc.), and the total (exact up to the count's limit). */
export async function searchPanel(
  knex: Knex,
  studioId: string,
  filters: PanelFilters,
  now = new Date(),
  countBound = panelCountBound,
): Promise<PanelSearchResult> {
  const { page, count } = buildPanelQueries(knex, studioId, filters, countBound)
  const [rows, counted] = await Promise.all([page as Promise<PanelRow[]>, count as Promise<Array<{ total: number | string }>>])
  const ids = rows.map((row) => row.id)
  const creditNotes = new Set<string>(
    ids.length === 0
      ? []
      : (
          (await knex
            .select('invoice_id')
            .from('invoice_identity')
            .whereIn('invoice_id', ids)
            .where({ position: 1, credit_note: true })) as Array<{ invoice_id: string }>
        ).map((row) => row.invoice_id),
  )
  const limit = panelCountLimit(filters, countBound)
  const matching = Number(counted[0]?.total ?? 0)
  const total = Math.min(matching, limit)
  return {
    items: rows.map((row) => toPanelItem(row, creditNotes.has(row.id), now)),
    total,
    totalIsLowerBound: matching > limit,
    page: filters.page,
    pageSize: filters.pageSize,
    pages: Math.ceil(total / filters.pageSize),
  }
}
