/**
 * States of an outgoing invoice exactly as the portal lists them ("Stato Fatture Attive" filter).
 * The values are persistent identifiers (stored in the DB, sent in APIs and jobs): do not rename them without a
 * data migration. The portal's Italian labels are in `invoiceStateLabels`.
 */
export const InvoiceState = {
  DaFirmare: 'DA_FIRMARE',
  DaInviare: 'DA_INVIARE',
  Inviata: 'INVIATA',
  ErroreInInvio: 'ERRORE_IN_INVIO',
  Scartata: 'SCARTATA',
  Consegnata: 'CONSEGNATA',
  NonConsegnata: 'NON_CONSEGNATA',
  NonRecapitabile: 'NON_RECAPITABILE',
  Accettata: 'ACCETTATA',
  Rifiutata: 'RIFIUTATA',
  DecorsiTermini: 'DECORSI_TERMINI',
  Archiviata: 'ARCHIVIATA',
} as const

export type InvoiceState = (typeof InvoiceState)[keyof typeof InvoiceState]

/** Portal order (the order of the filter check-boxes). */
export const invoiceStates: readonly InvoiceState[] = Object.values(InvoiceState)

export const invoiceStateLabels: Readonly<Record<InvoiceState, string>> = {
  DA_FIRMARE: 'DA FIRMARE',
  DA_INVIARE: 'DA INVIARE',
  INVIATA: 'INVIATA',
  ERRORE_IN_INVIO: 'ERRORE IN INVIO',
  SCARTATA: 'SCARTATA',
  CONSEGNATA: 'CONSEGNATA',
  NON_CONSEGNATA: 'NON CONSEGNATA',
  NON_RECAPITABILE: 'NON RECAPITABILE',
  ACCETTATA: 'ACCETTATA',
  RIFIUTATA: 'RIFIUTATA',
  DECORSI_TERMINI: 'DECORSI TERMINI',
  ARCHIVIATA: 'ARCHIVIATA',
}

/**
 * Which SDI flow the invoice follows, and so which message vocabulary and semantics apply: PA for FPA12,
 * B2B for FPR12 and FSM10 (same rule as `sdiVocabularyOfFormat` in @fatturapa-hub/fatturapa).
 */
export type SdiFlow = 'PA' | 'B2B'

export function sdiFlowOfFormat(formatoTrasmissione: string): SdiFlow {
  return formatoTrasmissione.trim() === 'FPA12' ? 'PA' : 'B2B'
}

/**
 * - `preparation`: the invoice is still in our hands (to sign, to send, or to send again after a transport error).
 * - `transient`: SDI still owes a message that moves the state (an outcome is pending).
 * - `final`: the SDI outcome of the transmitted file is definitive; only portal commands (archive, correct and
 *   re-submit a rejected invoice) move it further.
 */
export type StatePhase = 'preparation' | 'transient' | 'final'

export interface StateDescriptor {
  state: InvoiceState
  label: string
  /** Phase per flow; `null` when the flow never reaches the state (NE/DT/AT exist only for PA). */
  phase: Readonly<Record<SdiFlow, StatePhase | null>>
  description: string
}

const both = (phase: StatePhase) => ({ PA: phase, B2B: phase })

export const invoiceStateDescriptors: Readonly<Record<InvoiceState, StateDescriptor>> = {
  DA_FIRMARE: {
    state: 'DA_FIRMARE',
    label: 'DA FIRMARE',
    phase: both('preparation'),
    description: 'XML generated and checked; a signature is required (FPA12 always, FPR12 if the client wants it).',
  },
  DA_INVIARE: {
    state: 'DA_INVIARE',
    label: 'DA INVIARE',
    phase: both('preparation'),
    description: 'Ready to be transmitted to SDI.',
  },
  INVIATA: {
    state: 'INVIATA',
    label: 'INVIATA',
    phase: both('transient'),
    description: 'SDI received the file (IdentificativoSdI, T0); waiting for NS, RC or MC.',
  },
  ERRORE_IN_INVIO: {
    state: 'ERRORE_IN_INVIO',
    label: 'ERRORE IN INVIO',
    phase: both('preparation'),
    description: 'The transmission failed (SOAP fault, timeout, EI01/EI02/EI03, PEC non-accettazione); to retry.',
  },
  SCARTATA: {
    state: 'SCARTATA',
    label: 'SCARTATA',
    phase: both('final'),
    description: 'SDI rejected the file (NS): the invoice is not issued; correct it and re-submit under a new file name.',
  },
  CONSEGNATA: {
    state: 'CONSEGNATA',
    label: 'CONSEGNATA',
    phase: { PA: 'transient', B2B: 'final' },
    description: 'Delivered (RC). B2B: final fiscal outcome. PA: the 15-day term for the outcome (EC) starts.',
  },
  NON_CONSEGNATA: {
    state: 'NON_CONSEGNATA',
    label: 'NON CONSEGNATA',
    phase: { PA: 'transient', B2B: 'final' },
    description:
      'MC. B2B: final, the invoice is issued and in the recipient area riservata. PA: temporary, SDI keeps trying (then RC or AT).',
  },
  NON_RECAPITABILE: {
    state: 'NON_RECAPITABILE',
    label: 'NON RECAPITABILE',
    phase: { PA: 'final', B2B: null },
    description: 'AT (PA only): SDI could not deliver to the PA; the invoice is issued and may be delivered by other means.',
  },
  ACCETTATA: {
    state: 'ACCETTATA',
    label: 'ACCETTATA',
    phase: { PA: 'final', B2B: null },
    description: 'NE with EC01 (PA only): the PA accepted the invoice.',
  },
  RIFIUTATA: {
    state: 'RIFIUTATA',
    label: 'RIFIUTATA',
    phase: { PA: 'final', B2B: null },
    description: 'NE with EC02 (PA only): the PA refused the invoice.',
  },
  DECORSI_TERMINI: {
    state: 'DECORSI_TERMINI',
    label: 'DECORSI TERMINI',
    phase: { PA: 'final', B2B: null },
    description: 'DT (PA only): 15 days after delivery without an outcome; the invoice stays issued and delivered.',
  },
  ARCHIVIATA: {
    state: 'ARCHIVIATA',
    label: 'ARCHIVIATA',
    phase: both('final'),
    description: 'Closed and handed to conservazione; portal-only state, no SDI message.',
  },
}

export function phaseOf(state: InvoiceState, flow: SdiFlow): StatePhase | null {
  return invoiceStateDescriptors[state].phase[flow]
}

export function isFinalState(state: InvoiceState, flow: SdiFlow): boolean {
  return phaseOf(state, flow) === 'final'
}

export function isTransientState(state: InvoiceState, flow: SdiFlow): boolean {
  return phaseOf(state, flow) === 'transient'
}

export function isInvoiceState(value: string): value is InvoiceState {
  return (invoiceStates as readonly string[]).includes(value)
}
