/**
 * Preservation (conservazione) state of an outgoing invoice, as the portal's "Filtri Per Stato Conservazione" lists
 * them. The values are persistent identifiers (stored in `invoice.preservation_state`, sent in APIs): do not rename
 * them without a data migration. The portal's labels are in `preservationStateLabels`.
 */
export const PreservationState = {
  DaVerificare: 'DA_VERIFICARE',
  NonConservare: 'NON_CONSERVARE',
  ProntoPerLaConservazione: 'PRONTO_PER_LA_CONSERVAZIONE',
  Bloccato: 'BLOCCATO',
  InviatoInConservazione: 'INVIATO_IN_CONSERVAZIONE',
  ChiusoInConservazione: 'CHIUSO_IN_CONSERVAZIONE',
  InErrore: 'IN_ERRORE',
} as const

export type PreservationState = (typeof PreservationState)[keyof typeof PreservationState]

/** Portal order (the order of the filter check-boxes). */
export const preservationStates: readonly PreservationState[] = Object.values(PreservationState)

export const preservationStateLabels: Readonly<Record<PreservationState, string>> = {
  DA_VERIFICARE: 'DA VERIFICARE',
  NON_CONSERVARE: 'NON CONSERVARE',
  PRONTO_PER_LA_CONSERVAZIONE: 'PRONTO PER LA CONSERVAZIONE',
  BLOCCATO: 'BLOCCATO',
  INVIATO_IN_CONSERVAZIONE: 'INVIATO IN CONSERVAZIONE',
  CHIUSO_IN_CONSERVAZIONE: 'CHIUSO IN CONSERVAZIONE',
  IN_ERRORE: 'IN ERRORE',
}
