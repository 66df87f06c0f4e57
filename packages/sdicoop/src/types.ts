/** Body types of the SDICoop SOAP messages. Element and field names are those of the WSDL types. */

/** `fileSdIBase_Type`: the file SDI receives (RiceviFile) and the SE file in an ES00 answer. */
export interface FileSdIBase {
  /** 9 to 50 characters of [a-zA-Z0-9_.]. */
  NomeFile: string
  File: Buffer
}

/** `fileSdIAccoglienza`: the request of SdIRiceviFile.RiceviFile. */
export type FileSdIAccoglienza = FileSdIBase

/** `fileSdI_Type`: a file tied to an SDI transmission (notifications, EC, DT). */
export interface FileSdI extends FileSdIBase {
  /** Integer of at most 12 digits, in canonical decimal form when parsed. */
  IdentificativoSdI: string
}

/** `fileSdIConMetadati_Type`: invoice plus metadata file, the request of RicezioneFatture.RiceviFatture. */
export interface FileSdIConMetadati extends FileSdI {
  NomeFileMetadati: string
  Metadati: Buffer
}

/** EI01 empty file, EI02 service unavailable, EI03 user not enabled. */
export type ErroreInvio = 'EI01' | 'EI02' | 'EI03'

/** `rispostaSdIRiceviFile`. */
export interface RispostaSdIRiceviFile {
  IdentificativoSdI: string
  /** xsd:dateTime in its lexical form (SDI sends local time with an offset). */
  DataOraRicezione: string
  Errore?: ErroreInvio
}

/** ES00 outcome not accepted (an SE file follows), ES01 accepted, ES02 service unavailable. */
export type EsitoNotifica = 'ES00' | 'ES01' | 'ES02'

/** `rispostaSdINotificaEsito`. */
export interface RispostaSdINotificaEsito {
  Esito: EsitoNotifica
  ScartoEsito?: FileSdIBase
}

/** ER01: invoice taken in charge. */
export type EsitoRicezione = 'ER01'

/** `rispostaRiceviFatture`. */
export interface RispostaRiceviFatture {
  Esito: EsitoRicezione
}
