import { SdiMessageError } from './errors.js'
import type { SdiMessageCode, SdiMessageType, SdiVocabulary } from './model.js'

/**
 * Element layouts of every SDI message, in schema order. Parsing and building are both driven by these tables,
 * so the two directions cannot drift apart.
 */

export const SdiNamespaces = {
  PA: 'http://www.fatturapa.gov.it/sdi/messaggi/v1.0',
  B2B: 'http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fattura/messaggi/v1.0',
  XmlDsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const

/** The prefixes SDI (PA, as in the SDICoop examples) and the AdE (B2B examples and production) write. */
export const sdiPrefixes: Record<SdiVocabulary, string> = { PA: 'types', B2B: 'ns3' }

/**
 * - `required`: schema-required and always present in real messages; parsing fails without it.
 * - `lenient`: schema-required but observed missing in real messages; parsing tolerates it, building requires it.
 * - `optional`: schema-optional.
 */
export type FieldUse = 'required' | 'lenient' | 'optional'

export type Field =
  /** Identifier-like text: surrounding whitespace is not significant and is trimmed when parsing. */
  | { name: string; kind: 'token'; use: FieldUse }
  /** Free text (descriptions, notes): kept exactly as written. */
  | { name: string; kind: 'text'; use: FieldUse }
  | { name: string; kind: 'integer'; use: FieldUse }
  | { name: string; kind: 'enum'; values: readonly string[]; use: FieldUse }
  /** Nested element; `versione` marks embedded messages that carry their own version attribute. */
  | { name: string; kind: 'group'; fields: readonly Field[]; use: FieldUse; versione?: boolean }
  /** Container of repeated items, modelled as an array of the items. */
  | { name: string; kind: 'list'; item: string; fields: readonly Field[]; use: FieldUse }

export interface MessageLayout {
  vocabulary: SdiVocabulary
  type: SdiMessageType
  code: SdiMessageCode
  fields: readonly Field[]
  /** Whether the schema requires an enveloped `ds:Signature` (last child) in this message. */
  signature: 'required' | 'optional' | 'none'
  /** Optional attribute with the fixed value `Si`. */
  flag?: 'IntermediarioConDupliceRuolo' | 'FlussoSemplificato'
}

const token = (name: string, use: FieldUse = 'required'): Field => ({ name, kind: 'token', use })
const text = (name: string, use: FieldUse = 'optional'): Field => ({ name, kind: 'text', use })

const IdentificativoSdI = token('IdentificativoSdI')
const NomeFile = token('NomeFile')
const MessageId = token('MessageId')
const PecMessageId = token('PecMessageId', 'optional')
const Note = text('Note')
const Descrizione = text('Descrizione')
const DataOraRicezione = token('DataOraRicezione')
const Hash = token('Hash', 'lenient')

const RiferimentoArchivio: Field = { name: 'RiferimentoArchivio', kind: 'group', use: 'optional', fields: [IdentificativoSdI, NomeFile] }

const RiferimentoFattura: Field = {
  name: 'RiferimentoFattura',
  kind: 'group',
  use: 'optional',
  fields: [
    token('NumeroFattura'),
    { name: 'AnnoFattura', kind: 'integer', use: 'required' },
    { name: 'PosizioneFattura', kind: 'integer', use: 'optional' },
  ],
}

const destinatario = (descrizione: FieldUse): Field => ({
  name: 'Destinatario',
  kind: 'group',
  use: 'required',
  fields: [token('Codice', 'lenient'), text('Descrizione', descrizione)],
})

const esitoFields: readonly Field[] = [
  IdentificativoSdI,
  RiferimentoFattura,
  { name: 'Esito', kind: 'enum', values: ['EC01', 'EC02'], use: 'required' },
  Descrizione,
  token('MessageIdCommittente', 'optional'),
]

const metadati = (vocabulary: SdiVocabulary): readonly Field[] => [
  IdentificativoSdI,
  NomeFile,
  ...(vocabulary === 'B2B' ? [Hash, token('CodiceDestinatario', 'lenient')] : [token('CodiceDestinatario')]),
  token('Formato'),
  { name: 'TentativiInvio', kind: 'integer', use: 'required' },
  MessageId,
  Note,
]

const trailer = [MessageId, PecMessageId, Note]

export const layouts: readonly MessageLayout[] = [
  {
    vocabulary: 'PA',
    type: 'RicevutaConsegna',
    code: 'RC',
    signature: 'required',
    flag: 'IntermediarioConDupliceRuolo',
    fields: [
      IdentificativoSdI,
      NomeFile,
      DataOraRicezione,
      token('DataOraConsegna'),
      destinatario('lenient'),
      RiferimentoArchivio,
      ...trailer,
    ],
  },
  {
    vocabulary: 'PA',
    type: 'NotificaScarto',
    code: 'NS',
    signature: 'required',
    fields: [
      IdentificativoSdI,
      NomeFile,
      DataOraRicezione,
      RiferimentoArchivio,
      { name: 'ListaErrori', kind: 'list', item: 'Errore', use: 'required', fields: [token('Codice'), text('Descrizione', 'required')] },
      ...trailer,
    ],
  },
  {
    vocabulary: 'PA',
    type: 'NotificaMancataConsegna',
    code: 'MC',
    signature: 'required',
    fields: [IdentificativoSdI, NomeFile, DataOraRicezione, RiferimentoArchivio, Descrizione, ...trailer],
  },
  {
    vocabulary: 'PA',
    type: 'NotificaEsito',
    code: 'NE',
    signature: 'required',
    flag: 'IntermediarioConDupliceRuolo',
    fields: [
      IdentificativoSdI,
      NomeFile,
      { name: 'EsitoCommittente', kind: 'group', use: 'required', versione: true, fields: esitoFields },
      ...trailer,
    ],
  },
  {
    vocabulary: 'PA',
    type: 'NotificaDecorrenzaTermini',
    code: 'DT',
    signature: 'required',
    flag: 'IntermediarioConDupliceRuolo',
    fields: [IdentificativoSdI, RiferimentoFattura, NomeFile, Descrizione, ...trailer],
  },
  {
    vocabulary: 'PA',
    type: 'AttestazioneTrasmissioneFattura',
    code: 'AT',
    signature: 'required',
    fields: [
      IdentificativoSdI,
      NomeFile,
      DataOraRicezione,
      RiferimentoArchivio,
      destinatario('lenient'),
      ...trailer,
      token('HashFileOriginale'),
    ],
  },
  { vocabulary: 'PA', type: 'MetadatiInvioFile', code: 'MT', signature: 'none', fields: metadati('PA') },
  { vocabulary: 'PA', type: 'NotificaEsitoCommittente', code: 'EC', signature: 'optional', fields: esitoFields },
  {
    vocabulary: 'PA',
    type: 'ScartoEsitoCommittente',
    code: 'SE',
    signature: 'required',
    fields: [
      IdentificativoSdI,
      RiferimentoFattura,
      { name: 'Scarto', kind: 'enum', values: ['EN00', 'EN01'], use: 'required' },
      MessageId,
      token('MessageIdCommittente', 'optional'),
      PecMessageId,
      Note,
    ],
  },
  {
    vocabulary: 'B2B',
    type: 'RicevutaConsegna',
    code: 'RC',
    signature: 'required',
    flag: 'FlussoSemplificato',
    fields: [
      IdentificativoSdI,
      NomeFile,
      Hash,
      DataOraRicezione,
      token('DataOraConsegna'),
      destinatario('optional'),
      RiferimentoArchivio,
      ...trailer,
    ],
  },
  {
    vocabulary: 'B2B',
    type: 'RicevutaScarto',
    code: 'NS',
    signature: 'required',
    fields: [
      IdentificativoSdI,
      NomeFile,
      Hash,
      DataOraRicezione,
      RiferimentoArchivio,
      {
        name: 'ListaErrori',
        kind: 'list',
        item: 'Errore',
        use: 'required',
        fields: [token('Codice'), text('Descrizione', 'required'), text('Suggerimento', 'lenient')],
      },
      ...trailer,
    ],
  },
  {
    vocabulary: 'B2B',
    type: 'RicevutaImpossibilitaRecapito',
    code: 'MC',
    signature: 'required',
    fields: [
      IdentificativoSdI,
      NomeFile,
      Hash,
      DataOraRicezione,
      token('DataMessaADisposizione'),
      RiferimentoArchivio,
      Descrizione,
      ...trailer,
    ],
  },
  { vocabulary: 'B2B', type: 'FileMetadati', code: 'MT', signature: 'none', fields: metadati('B2B') },
]

export function layoutOf(vocabulary: SdiVocabulary, type: string): MessageLayout | undefined {
  return layouts.find((layout) => layout.vocabulary === vocabulary && layout.type === type)
}

export function vocabularyOfNamespace(namespace: string): SdiVocabulary | undefined {
  if (namespace === SdiNamespaces.PA) return 'PA'
  if (namespace === SdiNamespaces.B2B) return 'B2B'
  return undefined
}

/** The file-name code of a message (RC, NS, MC, NE, DT, AT, EC, SE, MT). */
export function codeOfSdiMessage(message: { vocabulary: SdiVocabulary; type: SdiMessageType }): SdiMessageCode {
  const layout = layoutOf(message.vocabulary, message.type)
  if (!layout) throw new SdiMessageError('SDI_MESSAGE_UNKNOWN_ROOT', `No ${message.vocabulary} message is called ${message.type}`)
  return layout.code
}

/** Messages about an FPA12 invoice use the PA vocabulary; FPR12 and FSM10 (and anything else) the B2B one. */
export function sdiVocabularyOfFormat(formatoTrasmissione: string): SdiVocabulary {
  return formatoTrasmissione.trim() === 'FPA12' ? 'PA' : 'B2B'
}
