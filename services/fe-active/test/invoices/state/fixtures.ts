import type {
  AttestazioneTrasmissioneFattura,
  FileMetadati,
  MetadatiInvioFile,
  NotificaDecorrenzaTermini,
  NotificaEsito,
  NotificaEsitoCommittente,
  NotificaMancataConsegna,
  NotificaScarto,
  RicevutaConsegnaB2B,
  RicevutaConsegnaPA,
  RicevutaImpossibilitaRecapito,
  RicevutaScarto,
  RiferimentoFattura,
  ScartoEsitoCommittente,
} from '@fatturapa-hub/fatturapa'
import type { InvoiceState, InvoiceStateSnapshot, SdiFlow } from '../../../src/invoices/state/index.js'

// Messages are typed with the parser's own model (@fatturapa-hub/fatturapa), so passing them to applyNotification
// also checks at compile time that parsed messages fit ParsedNotification.

export const ID = '111222333'
export const FILE = 'IT01234567890_0000A.xml'
export const T0 = '2026-03-02T10:00:00.000+01:00'
export const T1 = '2026-03-02T10:05:00.000+01:00'

let counter = 1000
const nextId = () => String(++counter)

const common = (messageId?: string) => ({ IdentificativoSdI: ID, NomeFile: FILE, MessageId: messageId ?? nextId() })

export const msg = {
  rcPA: (o: { id?: string; consegna?: string } = {}): RicevutaConsegnaPA => ({
    vocabulary: 'PA',
    type: 'RicevutaConsegna',
    ...common(o.id),
    DataOraRicezione: T0,
    DataOraConsegna: o.consegna ?? T1,
    Destinatario: { Codice: 'UF6PLA', Descrizione: 'Ufficio' },
  }),
  nsPA: (o: { id?: string; codes?: string[] } = {}): NotificaScarto => ({
    vocabulary: 'PA',
    type: 'NotificaScarto',
    ...common(o.id),
    DataOraRicezione: T0,
    ListaErrori: (o.codes ?? ['00404']).map((Codice) => ({ Codice, Descrizione: `Errore ${Codice}` })),
  }),
  mcPA: (o: { id?: string } = {}): NotificaMancataConsegna => ({
    vocabulary: 'PA',
    type: 'NotificaMancataConsegna',
    ...common(o.id),
    DataOraRicezione: T0,
  }),
  ne: (esito: 'EC01' | 'EC02', o: { id?: string; ref?: RiferimentoFattura } = {}): NotificaEsito => ({
    vocabulary: 'PA',
    type: 'NotificaEsito',
    ...common(o.id),
    EsitoCommittente: { IdentificativoSdI: ID, Esito: esito, ...(o.ref ? { RiferimentoFattura: o.ref } : {}) },
  }),
  dt: (o: { id?: string; ref?: RiferimentoFattura } = {}): NotificaDecorrenzaTermini => ({
    vocabulary: 'PA',
    type: 'NotificaDecorrenzaTermini',
    ...common(o.id),
    ...(o.ref ? { RiferimentoFattura: o.ref } : {}),
  }),
  at: (o: { id?: string } = {}): AttestazioneTrasmissioneFattura => ({
    vocabulary: 'PA',
    type: 'AttestazioneTrasmissioneFattura',
    ...common(o.id),
    DataOraRicezione: T0,
    Destinatario: { Codice: 'UF6PLA', Descrizione: 'Ufficio' },
    HashFileOriginale: 'ab'.repeat(32),
  }),
  mtPA: (): MetadatiInvioFile => ({
    vocabulary: 'PA',
    type: 'MetadatiInvioFile',
    IdentificativoSdI: ID,
    NomeFile: FILE,
    CodiceDestinatario: 'UF6PLA',
    Formato: 'FPA12',
    TentativiInvio: 1,
    MessageId: nextId(),
  }),
  ec: (): NotificaEsitoCommittente => ({
    vocabulary: 'PA',
    type: 'NotificaEsitoCommittente',
    IdentificativoSdI: ID,
    Esito: 'EC01',
    MessageIdCommittente: nextId(),
  }),
  se: (): ScartoEsitoCommittente => ({
    vocabulary: 'PA',
    type: 'ScartoEsitoCommittente',
    IdentificativoSdI: ID,
    Scarto: 'EN01',
    MessageId: nextId(),
  }),
  rcB2B: (o: { id?: string; consegna?: string } = {}): RicevutaConsegnaB2B => ({
    vocabulary: 'B2B',
    type: 'RicevutaConsegna',
    ...common(o.id),
    DataOraRicezione: T0,
    DataOraConsegna: o.consegna ?? T1,
    Destinatario: { Codice: 'ABC1234' },
  }),
  nsB2B: (o: { id?: string; errors?: { Codice: string; Descrizione: string; Suggerimento?: string }[] } = {}): RicevutaScarto => ({
    vocabulary: 'B2B',
    type: 'RicevutaScarto',
    ...common(o.id),
    DataOraRicezione: T0,
    ListaErrori: o.errors ?? [{ Codice: '00311', Descrizione: 'Codice destinatario non valido', Suggerimento: 'Verificare il codice' }],
  }),
  mcB2B: (o: { id?: string } = {}): RicevutaImpossibilitaRecapito => ({
    vocabulary: 'B2B',
    type: 'RicevutaImpossibilitaRecapito',
    ...common(o.id),
    DataOraRicezione: T0,
    DataMessaADisposizione: '2026-03-04',
  }),
  mtB2B: (): FileMetadati => ({
    vocabulary: 'B2B',
    type: 'FileMetadati',
    IdentificativoSdI: ID,
    NomeFile: FILE,
    CodiceDestinatario: 'ABC1234',
    Formato: 'FPR12',
    TentativiInvio: 1,
    MessageId: nextId(),
  }),
}

const preTransmission: readonly InvoiceState[] = ['DA_FIRMARE', 'DA_INVIARE']

/**
 * A snapshot in any state, written as data (not reached through the engine). ERRORE IN INVIO follows a timeout
 * of a transmission of FILE; ARCHIVIATA was archived from ACCETTATA (PA) / CONSEGNATA (B2B) unless told otherwise.
 */
export function snapshotIn(
  state: InvoiceState,
  flow: SdiFlow,
  options: { bodies?: number; archivedFrom?: InvoiceState; transportError?: 'timeout' | 'EI02' } = {},
): InvoiceStateSnapshot {
  const bodyState = state === 'ARCHIVIATA' ? (options.archivedFrom ?? (flow === 'PA' ? 'ACCETTATA' : 'CONSEGNATA')) : state
  const bodies = Array.from({ length: options.bodies ?? 1 }, (_, i) => ({
    position: i + 1,
    number: `F${i + 1}`,
    year: 2026,
    state: bodyState,
  }))
  const snapshot: InvoiceStateSnapshot = { flow, state, bodies, history: [] }
  if (state === 'ERRORE_IN_INVIO') {
    const kind = options.transportError ?? 'timeout'
    snapshot.transmission = { fileName: FILE }
    snapshot.transportError = { kind, fileName: FILE, ambiguous: kind === 'timeout' }
  } else if (!preTransmission.includes(state)) {
    snapshot.transmission = { fileName: FILE, identificativoSdI: ID, receivedAt: T0 }
    if (!['INVIATA', 'SCARTATA', 'NON_CONSEGNATA', 'NON_RECAPITABILE'].includes(bodyState)) snapshot.transmission.deliveredAt = T1
  }
  if (bodyState === 'SCARTATA') snapshot.rejection = { messageId: '1', errors: [{ code: '00404', description: 'Fattura duplicata' }] }
  return snapshot
}
