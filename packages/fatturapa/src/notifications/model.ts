/**
 * Typed model of the SDI messages (ricevute e notifiche) of both vocabularies:
 * - PA: MessaggiTypes v1.1, namespace http://www.fatturapa.gov.it/sdi/messaggi/v1.0 (FPA12 flow);
 * - B2B: MessaggiFatturaTypes v1.0, namespace http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fattura/messaggi/v1.0
 *   (FPR12 / FSM10 flow).
 *
 * Property names are the XML element names as the specifications spell them. Values are kept as the lexical text
 * of the message (dates and date-times included), so nothing is lost between parsing and building; only counters
 * and positions (TentativiInvio, AnnoFattura, PosizioneFattura) are numbers.
 *
 * Optionality follows the schemas, with one deliberate exception: fields that real SDI messages are known to omit
 * although the schema requires them are optional here ("schema-required, observed missing"), so that parsing a
 * genuine message never fails. `buildSdiMessage` still refuses to serialise a message without them.
 * The `ds:Signature` is not part of the model: SDI signs the serialised message (XAdES, enveloped).
 */

export type SdiVocabulary = 'PA' | 'B2B'

/** Two-letter message kinds used in file names (`<file>_<code>_<progressivo>.xml`). */
export type SdiMessageCode = 'RC' | 'NS' | 'MC' | 'NE' | 'DT' | 'AT' | 'EC' | 'SE' | 'MT'

/** Recipient of a delivered file. Schema-required `Codice` is missing in real messages (empty `<Destinatario/>`). */
export interface Destinatario {
  /** Codice destinatario: 6 characters (PA office) or 7 (private channel), `[A-Z0-9]`. */
  Codice?: string
  /** Required in the PA vocabulary, optional in B2B. */
  Descrizione?: string
}

/** Reference to the archive (zip) file the invoice came in. */
export interface RiferimentoArchivio {
  IdentificativoSdI: string
  NomeFile: string
}

/** Identifies one invoice of a lot in the PA outcome messages. */
export interface RiferimentoFattura {
  NumeroFattura: string
  AnnoFattura: number
  /** 1-based position of the FatturaElettronicaBody in the file. */
  PosizioneFattura?: number
}

export interface ErrorePA {
  Codice: string
  Descrizione: string
}

export interface ErroreB2B {
  Codice: string
  Descrizione: string
  /** Schema-required, but absent in the official AdE example. */
  Suggerimento?: string
}

/** EC01 = accettazione, EC02 = rifiuto. */
export type Esito = 'EC01' | 'EC02'

/** EN00 = notifica non conforme al formato, EN01 = notifica non ammissibile. */
export type ScartoEsito = 'EN00' | 'EN01'

/** Content of a NotificaEsitoCommittente, also embedded as `EsitoCommittente` in the NotificaEsito. */
export interface EsitoCommittente {
  IdentificativoSdI: string
  RiferimentoFattura?: RiferimentoFattura
  Esito: Esito
  Descrizione?: string
  MessageIdCommittente?: string
}

interface Transmission {
  IdentificativoSdI: string
  NomeFile: string
  MessageId: string
  PecMessageId?: string
  Note?: string
}

// ---------- PA vocabulary ----------

/** RC (PA): the file was delivered to the PA. */
export interface RicevutaConsegnaPA extends Transmission {
  vocabulary: 'PA'
  type: 'RicevutaConsegna'
  DataOraRicezione: string
  DataOraConsegna: string
  Destinatario: Destinatario
  RiferimentoArchivio?: RiferimentoArchivio
  /** Attribute: the same intermediary channel transmits and receives. */
  IntermediarioConDupliceRuolo?: 'Si'
}

/** NS (PA): the file was rejected. */
export interface NotificaScarto extends Transmission {
  vocabulary: 'PA'
  type: 'NotificaScarto'
  DataOraRicezione: string
  RiferimentoArchivio?: RiferimentoArchivio
  ListaErrori: ErrorePA[]
}

/** MC (PA): delivery failed for now; SDI keeps trying, then sends an AT. */
export interface NotificaMancataConsegna extends Transmission {
  vocabulary: 'PA'
  type: 'NotificaMancataConsegna'
  DataOraRicezione: string
  RiferimentoArchivio?: RiferimentoArchivio
  Descrizione?: string
}

/** NE (PA): the outcome (EC01/EC02) sent by the PA, forwarded to the transmitter. */
export interface NotificaEsito extends Transmission {
  vocabulary: 'PA'
  type: 'NotificaEsito'
  EsitoCommittente: EsitoCommittente
  IntermediarioConDupliceRuolo?: 'Si'
}

/** DT (PA): 15 days passed without an outcome from the PA. Sent to transmitter and recipient. */
export interface NotificaDecorrenzaTermini extends Transmission {
  vocabulary: 'PA'
  type: 'NotificaDecorrenzaTermini'
  RiferimentoFattura?: RiferimentoFattura
  Descrizione?: string
  IntermediarioConDupliceRuolo?: 'Si'
}

/** AT (PA): transmission attested although the PA could not be reached. */
export interface AttestazioneTrasmissioneFattura extends Transmission {
  vocabulary: 'PA'
  type: 'AttestazioneTrasmissioneFattura'
  DataOraRicezione: string
  RiferimentoArchivio?: RiferimentoArchivio
  Destinatario: Destinatario
  HashFileOriginale: string
}

/** MT (PA): metadata delivered to the recipient with the invoice. */
export interface MetadatiInvioFile {
  vocabulary: 'PA'
  type: 'MetadatiInvioFile'
  IdentificativoSdI: string
  NomeFile: string
  CodiceDestinatario: string
  Formato: string
  TentativiInvio: number
  MessageId: string
  Note?: string
}

/** EC (PA): outcome sent by the PA recipient to SDI. */
export interface NotificaEsitoCommittente extends EsitoCommittente {
  vocabulary: 'PA'
  type: 'NotificaEsitoCommittente'
}

/** SE (PA): SDI refuses an EC (EN00 not conforming, EN01 not admissible). */
export interface ScartoEsitoCommittente {
  vocabulary: 'PA'
  type: 'ScartoEsitoCommittente'
  IdentificativoSdI: string
  RiferimentoFattura?: RiferimentoFattura
  Scarto: ScartoEsito
  MessageId: string
  MessageIdCommittente?: string
  PecMessageId?: string
  Note?: string
}

// ---------- B2B vocabulary ----------

/** RC (B2B): the file was delivered. */
export interface RicevutaConsegnaB2B extends Transmission {
  vocabulary: 'B2B'
  type: 'RicevutaConsegna'
  /** SHA-256 hex of the transmitted file. Schema-required, absent in real test-environment messages. */
  Hash?: string
  DataOraRicezione: string
  DataOraConsegna: string
  Destinatario: Destinatario
  RiferimentoArchivio?: RiferimentoArchivio
  /** Attribute: transmitter and receiver are the same channel; SDI only sends this receipt. */
  FlussoSemplificato?: 'Si'
}

/** NS (B2B): the file was rejected. */
export interface RicevutaScarto extends Transmission {
  vocabulary: 'B2B'
  type: 'RicevutaScarto'
  Hash?: string
  DataOraRicezione: string
  RiferimentoArchivio?: RiferimentoArchivio
  ListaErrori: ErroreB2B[]
}

/** MC (B2B): final; the invoice is issued and available in the recipient's area riservata. */
export interface RicevutaImpossibilitaRecapito extends Transmission {
  vocabulary: 'B2B'
  type: 'RicevutaImpossibilitaRecapito'
  Hash?: string
  DataOraRicezione: string
  /** xsd:date since when the invoice is in the area riservata. */
  DataMessaADisposizione: string
  RiferimentoArchivio?: RiferimentoArchivio
  Descrizione?: string
}

/** MT (B2B): metadata delivered to the recipient with the invoice. */
export interface FileMetadati {
  vocabulary: 'B2B'
  type: 'FileMetadati'
  IdentificativoSdI: string
  NomeFile: string
  Hash?: string
  /** Schema-required, absent in real test-environment messages. */
  CodiceDestinatario?: string
  Formato: string
  TentativiInvio: number
  MessageId: string
  Note?: string
}

export type SdiMessagePA =
  | RicevutaConsegnaPA
  | NotificaScarto
  | NotificaMancataConsegna
  | NotificaEsito
  | NotificaDecorrenzaTermini
  | AttestazioneTrasmissioneFattura
  | MetadatiInvioFile
  | NotificaEsitoCommittente
  | ScartoEsitoCommittente

export type SdiMessageB2B = RicevutaConsegnaB2B | RicevutaScarto | RicevutaImpossibilitaRecapito | FileMetadati

export type SdiMessage = SdiMessagePA | SdiMessageB2B

/** Root element names; `RicevutaConsegna` exists in both vocabularies (narrow further on `vocabulary`). */
export type SdiMessageType = SdiMessage['type']
