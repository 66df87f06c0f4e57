import { type InvoiceState, InvoiceState as S, type SdiFlow } from './invoice-state.js'

export type InvoiceCommandKind = 'sign' | 'submit' | 'transport-error' | 'retry' | 'correct' | 'archive' | 'delete'

/** Notifications that move an outgoing invoice (the transmitter's side of both vocabularies). */
export type StateNotificationCode = 'RC' | 'NS' | 'MC' | 'NE' | 'DT' | 'AT'

export type TransitionTrigger =
  | { kind: 'create'; signatureRequired: boolean }
  | { kind: 'command'; command: InvoiceCommandKind; signatureRequired?: boolean }
  | { kind: 'notification'; code: StateNotificationCode; esito?: 'EC01' | 'EC02' }

export interface TransitionRule {
  /** Row of the state table in docs/sdi-fatturapa.md §3; null for rules of ours. */
  row: number | null
  /** null: a new invoice. */
  from: InvoiceState | null
  trigger: TransitionTrigger
  flows: readonly SdiFlow[]
  /** null: the invoice is deleted. */
  to: InvoiceState | null
  /** `body`: NE/DT may name one body of a lot through RiferimentoFattura; everything else applies to the file. */
  scope: 'file' | 'body'
  /** Extra condition checked by the engine (see `transitionGuards`). */
  guard?: TransitionGuard
  note: string
}

export type TransitionGuard = 'retry-needs-reconciliation' | 'delete-before-transmission' | 'all-bodies-settled'

export const transitionGuards: Readonly<Record<TransitionGuard, string>> = {
  'retry-needs-reconciliation':
    'After an ambiguous error (timeout) SDI may have the file: re-sending the same name may yield NS 00002, a new name 00404. Retry only once reconciled (an RC/NS arrived, or the status was checked on Fatture e Corrispettivi).',
  'delete-before-transmission':
    'Portal default (STATO CANCELLAZIONE): an invoice cannot be deleted once sent to SDI. Deletable only if SDI never received the file.',
  'all-bodies-settled': 'A lot is archived only when every body has a final outcome.',
}

const both: readonly SdiFlow[] = ['PA', 'B2B']
const pa: readonly SdiFlow[] = ['PA']
const b2b: readonly SdiFlow[] = ['B2B']

const archivable: readonly { from: InvoiceState; flows: readonly SdiFlow[]; note: string }[] = [
  { from: S.Consegnata, flows: b2b, note: 'B2B delivered: final fiscal outcome.' },
  { from: S.NonConsegnata, flows: b2b, note: 'B2B MC: final, invoice issued (area riservata).' },
  { from: S.NonRecapitabile, flows: pa, note: 'PA AT: final.' },
  { from: S.Accettata, flows: pa, note: 'PA accepted.' },
  { from: S.Rifiutata, flows: pa, note: 'PA refused (credit note + new invoice is common practice).' },
  { from: S.DecorsiTermini, flows: pa, note: 'PA terms expired.' },
  { from: S.Scartata, flows: both, note: 'Abandoned rejected invoice (not issued).' },
]

/**
 * The outgoing-invoice state machine as data: the rows of docs/sdi-fatturapa.md §3 plus the deletion rule of the
 * portal. `applyNotification` derives the order of SDI outcomes from the notification rows (see
 * `notificationReachable`), and `applyCommand` only performs command rows, so the table is what runs.
 */
export const invoiceTransitions: readonly TransitionRule[] = [
  {
    row: 1,
    from: null,
    trigger: { kind: 'create', signatureRequired: true },
    flows: both,
    to: S.DaFirmare,
    scope: 'file',
    note: 'XML generated and pre-checked; signature required (FPA12 always, FPR12 on request).',
  },
  {
    row: 2,
    from: null,
    trigger: { kind: 'create', signatureRequired: false },
    flows: both,
    to: S.DaInviare,
    scope: 'file',
    note: 'No signature needed, or signed server-side.',
  },
  {
    row: 3,
    from: S.DaFirmare,
    trigger: { kind: 'command', command: 'sign' },
    flows: both,
    to: S.DaInviare,
    scope: 'file',
    note: 'CAdES-BES .xml.p7m or XAdES-BES .xml applied.',
  },
  {
    row: 4,
    from: S.DaInviare,
    trigger: { kind: 'command', command: 'submit' },
    flows: both,
    to: S.Inviata,
    scope: 'file',
    note: 'SdIRiceviFile returned IdentificativoSdI (or PEC accettazione + consegna); store T0, file name, SHA-256.',
  },
  {
    row: 5,
    from: S.DaInviare,
    trigger: { kind: 'command', command: 'transport-error' },
    flows: both,
    to: S.ErroreInInvio,
    scope: 'file',
    note: 'SOAP fault/timeout, EI01/EI02/EI03, PEC non-accettazione.',
  },
  {
    row: 6,
    from: S.ErroreInInvio,
    trigger: { kind: 'command', command: 'retry' },
    flows: both,
    to: S.DaInviare,
    scope: 'file',
    guard: 'retry-needs-reconciliation',
    note: 'After a timeout, reconcile via RC/NS before retrying.',
  },
  {
    row: 7,
    from: S.Inviata,
    trigger: { kind: 'notification', code: 'NS' },
    flows: both,
    to: S.Scartata,
    scope: 'file',
    note: 'Invoice not issued; ListaErrori with Suggerimento.',
  },
  {
    row: 8,
    from: S.Scartata,
    trigger: { kind: 'command', command: 'correct', signatureRequired: true },
    flows: both,
    to: S.DaFirmare,
    scope: 'file',
    note: 'Corrected, new progressivo (same number/date), within 5 days of the NS.',
  },
  {
    row: 8,
    from: S.Scartata,
    trigger: { kind: 'command', command: 'correct', signatureRequired: false },
    flows: both,
    to: S.DaInviare,
    scope: 'file',
    note: 'Corrected, new progressivo (same number/date), within 5 days of the NS.',
  },
  {
    row: 9,
    from: S.Inviata,
    trigger: { kind: 'notification', code: 'RC' },
    flows: both,
    to: S.Consegnata,
    scope: 'file',
    note: 'B2B: final fiscal outcome; PA: starts the 15-day EC term.',
  },
  {
    row: 10,
    from: S.Inviata,
    trigger: { kind: 'notification', code: 'MC' },
    flows: b2b,
    to: S.NonConsegnata,
    scope: 'file',
    note: 'Final: issued, in the area riservata since DataMessaADisposizione; tell the customer; do not re-send (00404).',
  },
  {
    row: 11,
    from: S.Inviata,
    trigger: { kind: 'notification', code: 'MC' },
    flows: pa,
    to: S.NonConsegnata,
    scope: 'file',
    note: 'Transient: SDI keeps trying.',
  },
  {
    row: 12,
    from: S.NonConsegnata,
    trigger: { kind: 'notification', code: 'RC' },
    flows: pa,
    to: S.Consegnata,
    scope: 'file',
    note: 'Delivered on a later attempt.',
  },
  {
    row: 13,
    from: S.NonConsegnata,
    trigger: { kind: 'notification', code: 'AT' },
    flows: pa,
    to: S.NonRecapitabile,
    scope: 'file',
    note: '10 days after the MC; issued, may be delivered outside SDI.',
  },
  {
    row: 14,
    from: S.Consegnata,
    trigger: { kind: 'notification', code: 'NE', esito: 'EC01' },
    flows: pa,
    to: S.Accettata,
    scope: 'body',
    note: 'Outcome EC01.',
  },
  {
    row: 15,
    from: S.Consegnata,
    trigger: { kind: 'notification', code: 'NE', esito: 'EC02' },
    flows: pa,
    to: S.Rifiutata,
    scope: 'body',
    note: 'Outcome EC02.',
  },
  {
    row: 16,
    from: S.Consegnata,
    trigger: { kind: 'notification', code: 'DT' },
    flows: pa,
    to: S.DecorsiTermini,
    scope: 'body',
    note: '15 days after delivery without an outcome.',
  },
  ...archivable.map(
    ({ from, flows, note }): TransitionRule => ({
      row: 17,
      from,
      trigger: { kind: 'command', command: 'archive' },
      flows,
      to: S.Archiviata,
      scope: 'file',
      guard: 'all-bodies-settled',
      note: `Handed to conservazione / closed. ${note}`,
    }),
  ),
  {
    row: null,
    from: S.DaFirmare,
    trigger: { kind: 'command', command: 'delete' },
    flows: both,
    to: null,
    scope: 'file',
    note: 'Never sent to SDI.',
  },
  {
    row: null,
    from: S.DaInviare,
    trigger: { kind: 'command', command: 'delete' },
    flows: both,
    to: null,
    scope: 'file',
    note: 'Never sent to SDI.',
  },
  {
    row: null,
    from: S.ErroreInInvio,
    trigger: { kind: 'command', command: 'delete' },
    flows: both,
    to: null,
    scope: 'file',
    guard: 'delete-before-transmission',
    note: 'Only when SDI explicitly refused the file (not after a timeout).',
  },
]

/** The state a notification leads to in a flow (undefined: the message does not exist in that flow). */
export function notificationTarget(flow: SdiFlow, code: StateNotificationCode, esito?: 'EC01' | 'EC02'): InvoiceState | undefined {
  return invoiceTransitions.find(
    (rule) =>
      rule.trigger.kind === 'notification' &&
      rule.trigger.code === code &&
      (rule.trigger.esito === undefined || rule.trigger.esito === esito) &&
      rule.flows.includes(flow),
  )?.to as InvoiceState | undefined
}

/** Direct notification edges of a flow: `from → to`. */
export function notificationEdges(flow: SdiFlow): ReadonlyMap<InvoiceState, ReadonlySet<InvoiceState>> {
  const edges = new Map<InvoiceState, Set<InvoiceState>>()
  for (const rule of invoiceTransitions) {
    if (rule.trigger.kind !== 'notification' || rule.from === null || rule.to === null || !rule.flows.includes(flow)) continue
    const targets = edges.get(rule.from) ?? new Set<InvoiceState>()
    targets.add(rule.to)
    edges.set(rule.from, targets)
  }
  return edges
}

/**
 * Path of states from `from` to `to` along the notification edges of a flow (excluding `from`), or undefined.
 * SDI outcomes only ever move forward along these edges, so reachability is the causal order of the messages.
 */
export function notificationPath(flow: SdiFlow, from: InvoiceState, to: InvoiceState): readonly InvoiceState[] | undefined {
  const edges = notificationEdges(flow)
  const queue: InvoiceState[][] = [[from]]
  const seen = new Set<InvoiceState>([from])
  while (queue.length > 0) {
    const path = queue.shift() as InvoiceState[]
    const last = path[path.length - 1] as InvoiceState
    for (const next of edges.get(last) ?? []) {
      if (next === to) return [...path.slice(1), next]
      if (!seen.has(next)) {
        seen.add(next)
        queue.push([...path, next])
      }
    }
  }
  return undefined
}

export function commandRules(command: InvoiceCommandKind): readonly TransitionRule[] {
  return invoiceTransitions.filter((rule) => rule.trigger.kind === 'command' && rule.trigger.command === command)
}
