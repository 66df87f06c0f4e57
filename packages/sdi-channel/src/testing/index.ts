import { createHash } from 'node:crypto'
import {
  buildSdiMessage,
  codeOfSdiMessage,
  type FileMetadati,
  type MetadatiInvioFile,
  type SdiMessage,
  sdiMessageFileName,
} from '@fatturapa-hub/fatturapa'
import { type CallSoapOptions, callSoap, type FileSdI, type FileSdIConMetadati, type OperationId } from '@fatturapa-hub/sdicoop'

/** What SDI sends to a transmitter: one entry per message type of both vocabularies, with its operation. */
export interface TransmitterDelivery {
  operation: Extract<OperationId, `TrasmissioneFatture.${string}`>
  message: SdiMessage
  /** The SOAP body: the message file (unsigned) under its SDI file name. */
  body: FileSdI
}

const dataOraRicezione = '2026-11-03T10:15:30.000+01:00'
const dataOraConsegna = '2026-11-03T10:17:02.000+01:00'

/**
 * Every message SDI delivers to a transmitter through TrasmissioneFatture, for one transmitted file: PA RC, NS,
 * MC, NE, DT, AT and B2B RC, NS (RicevutaScarto), MC (RicevutaImpossibilitaRecapito). Built unsigned with
 * buildSdiMessage (the platform parses leniently).
 */
export function transmitterDeliveries(
  identificativoSdI: string,
  transmittedFileName: string,
  transmittedFile: Buffer,
): TransmitterDelivery[] {
  const hash = createHash('sha256').update(transmittedFile).digest('hex')
  const common = { IdentificativoSdI: identificativoSdI, NomeFile: transmittedFileName }
  const messages: Array<[TransmitterDelivery['operation'], SdiMessage]> = [
    [
      'TrasmissioneFatture.RicevutaConsegna',
      {
        vocabulary: 'PA',
        type: 'RicevutaConsegna',
        ...common,
        DataOraRicezione: dataOraRicezione,
        DataOraConsegna: dataOraConsegna,
        Destinatario: { Codice: 'UFY9MH', Descrizione: 'Comune di Esempio - Ufficio Ragioneria' },
        MessageId: '9001',
      },
    ],
    [
      'TrasmissioneFatture.NotificaScarto',
      {
        vocabulary: 'PA',
        type: 'NotificaScarto',
        ...common,
        DataOraRicezione: dataOraRicezione,
        ListaErrori: [{ Codice: '00200', Descrizione: 'File non conforme al formato' }],
        MessageId: '9002',
      },
    ],
    [
      'TrasmissioneFatture.NotificaMancataConsegna',
      {
        vocabulary: 'PA',
        type: 'NotificaMancataConsegna',
        ...common,
        DataOraRicezione: dataOraRicezione,
        Descrizione: 'Canale del destinatario non raggiungibile',
        MessageId: '9003',
      },
    ],
    [
      'TrasmissioneFatture.NotificaEsito',
      {
        vocabulary: 'PA',
        type: 'NotificaEsito',
        ...common,
        EsitoCommittente: { IdentificativoSdI: identificativoSdI, Esito: 'EC02', Descrizione: 'Importo errato' },
        MessageId: '9004',
      },
    ],
    [
      'TrasmissioneFatture.NotificaDecorrenzaTermini',
      { vocabulary: 'PA', type: 'NotificaDecorrenzaTermini', ...common, Descrizione: 'Decorsi 15 giorni', MessageId: '9005' },
    ],
    [
      'TrasmissioneFatture.AttestazioneTrasmissioneFattura',
      {
        vocabulary: 'PA',
        type: 'AttestazioneTrasmissioneFattura',
        ...common,
        DataOraRicezione: dataOraRicezione,
        Destinatario: { Codice: 'UFY9MH', Descrizione: 'Comune di Esempio - Ufficio Ragioneria' },
        MessageId: '9006',
        HashFileOriginale: hash,
      },
    ],
    [
      'TrasmissioneFatture.RicevutaConsegna',
      {
        vocabulary: 'B2B',
        type: 'RicevutaConsegna',
        ...common,
        Hash: hash,
        DataOraRicezione: dataOraRicezione,
        DataOraConsegna: dataOraConsegna,
        Destinatario: { Codice: 'KRRH6B9', Descrizione: 'Cliente S.r.l.' },
        MessageId: '9007',
      },
    ],
    [
      'TrasmissioneFatture.NotificaScarto',
      {
        vocabulary: 'B2B',
        type: 'RicevutaScarto',
        ...common,
        Hash: hash,
        DataOraRicezione: dataOraRicezione,
        ListaErrori: [{ Codice: '00404', Descrizione: 'Fattura duplicata', Suggerimento: 'Verificare il numero della fattura' }],
        MessageId: '9008',
      },
    ],
    [
      'TrasmissioneFatture.NotificaMancataConsegna',
      {
        vocabulary: 'B2B',
        type: 'RicevutaImpossibilitaRecapito',
        ...common,
        Hash: hash,
        DataOraRicezione: dataOraRicezione,
        DataMessaADisposizione: '2026-11-05',
        Descrizione: 'Fattura messa a disposizione nell area riservata',
        MessageId: '9009',
      },
    ],
  ]
  return messages.map(([operation, message]) => ({
    operation,
    message,
    body: {
      IdentificativoSdI: identificativoSdI,
      NomeFile: sdiMessageFileName(transmittedFileName, codeOfSdiMessage(message), 1),
      File: Buffer.from(buildSdiMessage(message), 'utf8'),
    },
  }))
}

/**
 * The RiceviFatture body SDI sends a recipient: the invoice file and its metadata (MetadatiInvioFile for an
 * FPA12 invoice, FileMetadati with the invoice's Hash otherwise).
 */
export function invoiceDelivery(identificativoSdI: string, invoiceFileName: string, invoice: Buffer, formato: string): FileSdIConMetadati {
  const hash = createHash('sha256').update(invoice).digest('hex')
  const metadata: MetadatiInvioFile | FileMetadati =
    formato === 'FPA12'
      ? {
          vocabulary: 'PA',
          type: 'MetadatiInvioFile',
          IdentificativoSdI: identificativoSdI,
          NomeFile: invoiceFileName,
          CodiceDestinatario: 'AAAAAA',
          Formato: formato,
          TentativiInvio: 1,
          MessageId: '8001',
        }
      : {
          vocabulary: 'B2B',
          type: 'FileMetadati',
          IdentificativoSdI: identificativoSdI,
          NomeFile: invoiceFileName,
          Hash: hash,
          CodiceDestinatario: 'ABC1234',
          Formato: formato,
          TentativiInvio: 1,
          MessageId: '8002',
        }
  return {
    IdentificativoSdI: identificativoSdI,
    NomeFile: invoiceFileName,
    File: invoice,
    NomeFileMetadati: sdiMessageFileName(invoiceFileName, 'MT', 1),
    Metadati: Buffer.from(buildSdiMessage(metadata), 'utf8'),
  }
}

/** The NotificaDecorrenzaTermini SDI sends a PA recipient (RicezioneFatture.NotificaDecorrenzaTermini). */
export function recipientDecorrenzaTermini(identificativoSdI: string, invoiceFileName: string): FileSdI {
  const message: SdiMessage = {
    vocabulary: 'PA',
    type: 'NotificaDecorrenzaTermini',
    IdentificativoSdI: identificativoSdI,
    NomeFile: invoiceFileName,
    Descrizione: 'Decorsi i termini per l esito',
    MessageId: '8003',
  }
  return {
    IdentificativoSdI: identificativoSdI,
    NomeFile: sdiMessageFileName(invoiceFileName, 'DT', 1),
    File: Buffer.from(buildSdiMessage(message), 'utf8'),
  }
}

/** Plays SDI: calls one of our endpoints over HTTP(S) with the SOAP request of an operation. */
export function deliverAsSdi<O extends Extract<OperationId, `TrasmissioneFatture.${string}` | `RicezioneFatture.${string}`>>(
  url: string,
  operation: O,
  body: Parameters<typeof callSoap<O>>[2],
  options: CallSoapOptions = {},
) {
  return callSoap(url, operation, body, { timeoutMs: 15_000, ...options })
}
