import { readFile } from 'node:fs/promises'
import type { Agent } from 'node:http'
import { parseSdiMessage, type ScartoEsitoCommittente } from '@fatturapa-hub/fatturapa'
import {
  buildSoapRequest,
  type ErroreInvio,
  type EsitoNotifica,
  type RequestOf,
  type SoapEnvelope,
  SoapError,
  SoapFaultError,
  sendSoapRequest,
  type TlsOptions,
} from '@fatturapa-hub/sdicoop'

export interface SdiClientOptions {
  riceviFileUrl: string
  riceviNotificaUrl: string
  timeoutMs: number
  /** Client certificate, key and trusted CA for mutual TLS with SDI. */
  tls?: TlsOptions
  /** Send requests as MTOM/XOP. Default false (SDI accepts both; its answers are MTOM). */
  mtom?: boolean
  agent?: Agent
}

export interface SdiClientConfig {
  SDI_RICEVI_FILE_URL: string
  SDI_RICEVI_NOTIFICA_URL: string
  SDI_CLIENT_TLS_CERT_FILE?: string | undefined
  SDI_CLIENT_TLS_KEY_FILE?: string | undefined
  SDI_CLIENT_TLS_CA_FILE?: string | undefined
  SDI_TIMEOUT_MS: number
}

export type SdiClientErrorCode =
  /** SdIRiceviFile answered with Errore EI01 (empty file), EI02 (service unavailable) or EI03 (user not enabled). */
  | 'SDI_FILE_REJECTED'
  /** No complete answer within the deadline. */
  | 'SDI_TIMEOUT'
  /** Connection refused, reset, TLS handshake refused. */
  | 'SDI_UNREACHABLE'
  /** SDI answered with a SOAP fault. */
  | 'SDI_FAULT'
  /** HTTP error status without a SOAP fault (a proxy, an outage page). */
  | 'SDI_HTTP_ERROR'
  /** The answer came but cannot be read as the expected SOAP response. */
  | 'SDI_BAD_ANSWER'
  /** Our request could not be built (a file name outside [a-zA-Z0-9_.]{9,50}, an empty identifier…). */
  | 'SDI_REQUEST_INVALID'

/**
 * A call to SDI that did not succeed. `ambiguous` means SDI may have received and processed the request although
 * no usable answer came back (timeout after connecting, connection lost, unreadable answer, 502/504): do not
 * re-send blindly; for a file, wait for its RC/NS (re-sending the same name gives 00002, a new name 00404).
 */
export class SdiClientError extends Error {
  readonly ambiguous: boolean
  /** Worth retrying later with the same request (EI02, ES02-like outages, refused connections). */
  readonly retryable: boolean
  constructor(
    readonly code: SdiClientErrorCode,
    message: string,
    options: { ambiguous?: boolean; retryable?: boolean; cause?: unknown; errore?: ErroreInvio } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'SdiClientError'
    this.ambiguous = options.ambiguous ?? false
    this.retryable = options.retryable ?? false
    this.errore = options.errore
  }
  /** The EI code of SDI_FILE_REJECTED. */
  readonly errore: ErroreInvio | undefined
}

/** SDI refused the file at reception: nothing was transmitted (not ambiguous). */
export class SdiFileRejectedError extends SdiClientError {
  constructor(
    override readonly errore: ErroreInvio,
    readonly identificativoSdI: string,
    readonly dataOraRicezione: string,
  ) {
    super('SDI_FILE_REJECTED', `SdIRiceviFile refused the file: ${errore} (${erroreDescriptions[errore]})`, {
      retryable: errore === 'EI02',
      errore,
    })
    this.name = 'SdiFileRejectedError'
  }
}

const erroreDescriptions: Record<ErroreInvio, string> = {
  EI01: 'empty file',
  EI02: 'service unavailable',
  EI03: 'user not enabled to transmit',
}

export interface TransmitFileResult {
  identificativoSdI: string
  /** xsd:dateTime text as SDI wrote it (T0 of the file). */
  dataOraRicezione: string
}

export interface NotificaEsitoResult {
  /** ES01 accepted; ES00 not accepted (see scartoEsito); ES02 service unavailable, send again later. */
  esito: EsitoNotifica
  scartoEsito?: {
    fileName: string
    file: Buffer
    /** The SE message when its file parses (EN00 not conforming, EN01 not admissible). */
    message?: ScartoEsitoCommittente
  }
}

/** Outbound SDICoop calls of the platform: SdIRiceviFile (transmit an invoice file) and SdIRiceviNotifica (EC). */
export class SdiClient {
  constructor(private readonly options: SdiClientOptions) {}

  /** Reads the certificate files named in the configuration. */
  static async fromConfig(config: SdiClientConfig): Promise<SdiClient> {
    return new SdiClient(await sdiClientOptionsFromConfig(config))
  }

  /**
   * SdIRiceviFile.RiceviFile.
   * @throws SdiFileRejectedError for EI01/EI02/EI03; SdiClientError otherwise (check `ambiguous` before re-sending).
   */
  async transmitFile(input: { fileName: string; file: Buffer }): Promise<TransmitFileResult> {
    const answer = await this.call(this.options.riceviFileUrl, 'SdIRiceviFile.RiceviFile', { NomeFile: input.fileName, File: input.file })
    if (answer.Errore !== undefined) throw new SdiFileRejectedError(answer.Errore, answer.IdentificativoSdI, answer.DataOraRicezione)
    return { identificativoSdI: answer.IdentificativoSdI, dataOraRicezione: answer.DataOraRicezione }
  }

  /**
   * SdIRiceviNotifica.NotificaEsito: the EC file (NotificaEsitoCommittente) of a PA recipient.
   * @throws SdiClientError when no ES answer came (check `ambiguous`: SDI may have taken the EC).
   */
  async sendNotificaEsito(input: { identificativoSdI: string; fileName: string; file: Buffer }): Promise<NotificaEsitoResult> {
    const answer = await this.call(this.options.riceviNotificaUrl, 'SdIRiceviNotifica.NotificaEsito', {
      IdentificativoSdI: input.identificativoSdI,
      NomeFile: input.fileName,
      File: input.file,
    })
    if (answer.ScartoEsito === undefined) return { esito: answer.Esito }
    const scarto = answer.ScartoEsito
    let message: ScartoEsitoCommittente | undefined
    try {
      const parsed = parseSdiMessage(scarto.File)
      if (parsed.type === 'ScartoEsitoCommittente') message = parsed
    } catch {
      message = undefined
    }
    return { esito: answer.Esito, scartoEsito: { fileName: scarto.NomeFile, file: scarto.File, ...(message ? { message } : {}) } }
  }

  private async call<O extends 'SdIRiceviFile.RiceviFile' | 'SdIRiceviNotifica.NotificaEsito'>(
    url: string,
    operation: O,
    body: RequestOf<O>,
  ) {
    let envelope: SoapEnvelope
    try {
      // Built before the call so that a request we cannot send is told apart from an unreadable answer.
      envelope = buildSoapRequest(operation, body)
    } catch (error) {
      throw new SdiClientError('SDI_REQUEST_INVALID', `${operation}: ${(error as Error).message}`, { cause: error })
    }
    try {
      return await sendSoapRequest(url, operation, envelope, {
        timeoutMs: this.options.timeoutMs,
        ...(this.options.tls ? { tls: this.options.tls } : {}),
        ...(this.options.mtom ? { mtom: true } : {}),
        ...(this.options.agent ? { agent: this.options.agent } : {}),
      })
    } catch (error) {
      throw clientErrorOf(operation, error)
    }
  }
}

function clientErrorOf(operation: string, error: unknown): SdiClientError {
  if (!(error instanceof SoapError))
    return new SdiClientError('SDI_BAD_ANSWER', `${operation}: ${String(error)}`, { ambiguous: true, cause: error })
  const message = `${operation}: ${error.message}`
  if (error instanceof SoapFaultError) {
    // A fault is SDI's explicit refusal of the request: nothing was taken in charge. Server faults may pass.
    return new SdiClientError('SDI_FAULT', message, { retryable: error.fault.code.startsWith('Server'), cause: error })
  }
  switch (error.code) {
    case 'SOAP_TIMEOUT':
      return new SdiClientError('SDI_TIMEOUT', message, { ambiguous: error.ambiguous, retryable: !error.ambiguous, cause: error })
    case 'SOAP_NETWORK_ERROR':
      return new SdiClientError('SDI_UNREACHABLE', message, { ambiguous: error.ambiguous, retryable: !error.ambiguous, cause: error })
    case 'SOAP_HTTP_ERROR':
      return new SdiClientError('SDI_HTTP_ERROR', message, { ambiguous: error.ambiguous, retryable: !error.ambiguous, cause: error })
    default:
      // The request went out and an answer came back that cannot be read: SDI may have acted on it.
      return new SdiClientError('SDI_BAD_ANSWER', message, { ambiguous: true, cause: error })
  }
}

export async function sdiClientOptionsFromConfig(config: SdiClientConfig): Promise<SdiClientOptions> {
  const read = (file: string | undefined) => (file === undefined || file === '' ? undefined : readFile(file))
  const [cert, key, ca] = await Promise.all([
    read(config.SDI_CLIENT_TLS_CERT_FILE),
    read(config.SDI_CLIENT_TLS_KEY_FILE),
    read(config.SDI_CLIENT_TLS_CA_FILE),
  ])
  if ((cert === undefined) !== (key === undefined)) {
    throw new Error('SDI_CLIENT_TLS_CERT_FILE and SDI_CLIENT_TLS_KEY_FILE go together: set both or neither')
  }
  const tls: TlsOptions = { ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(ca ? { ca } : {}) }
  return {
    riceviFileUrl: config.SDI_RICEVI_FILE_URL,
    riceviNotificaUrl: config.SDI_RICEVI_NOTIFICA_URL,
    timeoutMs: config.SDI_TIMEOUT_MS,
    ...(Object.keys(tls).length > 0 ? { tls } : {}),
  }
}
