import { SoapNamespaces } from './namespaces.js'
import type {
  FileSdI,
  FileSdIBase,
  FileSdIConMetadati,
  RispostaRiceviFatture,
  RispostaSdINotificaEsito,
  RispostaSdIRiceviFile,
} from './types.js'

/**
 * Request and response body of every operation, keyed `Service.Operation` because operation names repeat across
 * services (NotificaEsito, NotificaDecorrenzaTermini). One-way operations have no response body.
 */
export interface OperationMap {
  'SdIRiceviFile.RiceviFile': { request: FileSdIBase; response: RispostaSdIRiceviFile }
  'SdIRiceviNotifica.NotificaEsito': { request: FileSdI; response: RispostaSdINotificaEsito }
  'TrasmissioneFatture.RicevutaConsegna': { request: FileSdI; response: undefined }
  'TrasmissioneFatture.NotificaMancataConsegna': { request: FileSdI; response: undefined }
  'TrasmissioneFatture.NotificaScarto': { request: FileSdI; response: undefined }
  'TrasmissioneFatture.NotificaEsito': { request: FileSdI; response: undefined }
  'TrasmissioneFatture.NotificaDecorrenzaTermini': { request: FileSdI; response: undefined }
  'TrasmissioneFatture.AttestazioneTrasmissioneFattura': { request: FileSdI; response: undefined }
  'RicezioneFatture.RiceviFatture': { request: FileSdIConMetadati; response: RispostaRiceviFatture }
  'RicezioneFatture.NotificaDecorrenzaTermini': { request: FileSdI; response: undefined }
}

export type OperationId = keyof OperationMap
export type ServiceName = OperationId extends `${infer S}.${string}` ? S : never
export type OperationsOf<S extends ServiceName> = Extract<OperationId, `${S}.${string}`>
export type RequestOf<O extends OperationId> = OperationMap[O]['request']
export type ResponseOf<O extends OperationId> = OperationMap[O]['response']
export type TwoWayOperation = { [K in OperationId]: OperationMap[K]['response'] extends undefined ? never : K }[OperationId]
export type OneWayOperation = Exclude<OperationId, TwoWayOperation>

/** Names of the body complex types (one codec layout each). */
export type BodyType =
  | 'fileSdIBase'
  | 'fileSdI'
  | 'fileSdIConMetadati'
  | 'rispostaSdIRiceviFile'
  | 'rispostaSdINotificaEsito'
  | 'rispostaRiceviFatture'

export interface BodyElement {
  namespace: string
  name: string
  type: BodyType
}

export interface OperationInfo {
  id: OperationId
  service: ServiceName
  name: string
  /** The soapAction of the WSDL binding (sent quoted in the SOAPAction HTTP header). */
  soapAction: string
  request: BodyElement
  response?: BodyElement
}

const T = SoapNamespaces.Trasmissione
const R = SoapNamespaces.Ricezione

function notification(name: string, element: string): OperationInfo {
  return {
    id: `TrasmissioneFatture.${name}` as OperationId,
    service: 'TrasmissioneFatture',
    name,
    soapAction: `http://www.fatturapa.it/TrasmissioneFatture/${name}`,
    request: { namespace: T, name: element, type: 'fileSdI' },
  }
}

/** Element names, namespaces and SOAPAction URIs as in the SDICoop WSDLs (SOAP 1.1 document/literal). */
export const Operations: { readonly [K in OperationId]: OperationInfo } = {
  'SdIRiceviFile.RiceviFile': {
    id: 'SdIRiceviFile.RiceviFile',
    service: 'SdIRiceviFile',
    name: 'RiceviFile',
    soapAction: 'http://www.fatturapa.it/SdIRiceviFile/RiceviFile',
    request: { namespace: T, name: 'fileSdIAccoglienza', type: 'fileSdIBase' },
    response: { namespace: T, name: 'rispostaSdIRiceviFile', type: 'rispostaSdIRiceviFile' },
  },
  'SdIRiceviNotifica.NotificaEsito': {
    id: 'SdIRiceviNotifica.NotificaEsito',
    service: 'SdIRiceviNotifica',
    name: 'NotificaEsito',
    // "SdIRicezioneNotifiche", not "SdIRiceviNotifica": this is what the binding says.
    soapAction: 'http://www.fatturapa.it/SdIRicezioneNotifiche/NotificaEsito',
    request: { namespace: R, name: 'fileSdI', type: 'fileSdI' },
    response: { namespace: R, name: 'rispostaSdINotificaEsito', type: 'rispostaSdINotificaEsito' },
  },
  'TrasmissioneFatture.RicevutaConsegna': notification('RicevutaConsegna', 'ricevutaConsegna'),
  'TrasmissioneFatture.NotificaMancataConsegna': notification('NotificaMancataConsegna', 'notificaMancataConsegna'),
  'TrasmissioneFatture.NotificaScarto': notification('NotificaScarto', 'notificaScarto'),
  'TrasmissioneFatture.NotificaEsito': notification('NotificaEsito', 'notificaEsito'),
  'TrasmissioneFatture.NotificaDecorrenzaTermini': notification('NotificaDecorrenzaTermini', 'notificaDecorrenzaTermini'),
  'TrasmissioneFatture.AttestazioneTrasmissioneFattura': notification('AttestazioneTrasmissioneFattura', 'attestazioneTrasmissioneFattura'),
  'RicezioneFatture.RiceviFatture': {
    id: 'RicezioneFatture.RiceviFatture',
    service: 'RicezioneFatture',
    name: 'RiceviFatture',
    soapAction: 'http://www.fatturapa.it/RicezioneFatture/RiceviFattureSdI',
    request: { namespace: R, name: 'fileSdIConMetadati', type: 'fileSdIConMetadati' },
    response: { namespace: R, name: 'rispostaRiceviFatture', type: 'rispostaRiceviFatture' },
  },
  'RicezioneFatture.NotificaDecorrenzaTermini': {
    id: 'RicezioneFatture.NotificaDecorrenzaTermini',
    service: 'RicezioneFatture',
    name: 'NotificaDecorrenzaTermini',
    soapAction: 'http://www.fatturapa.it/RicezioneFatture/NotificaDecorrenzaTermini',
    request: { namespace: R, name: 'fileSdI', type: 'fileSdI' },
  },
}

export const operationIds = Object.keys(Operations) as OperationId[]

export function operationInfo(operation: OperationId): OperationInfo {
  const info = Operations[operation]
  if (!info) throw new TypeError(`Unknown SDICoop operation ${String(operation)}`)
  return info
}

export function operationsOfService<S extends ServiceName>(service: S): OperationInfo[] {
  return operationIds.filter((id) => Operations[id].service === service).map((id) => Operations[id])
}

export function isTwoWay(operation: OperationId): operation is TwoWayOperation {
  return operationInfo(operation).response !== undefined
}

/** The SOAPAction URI of an operation, as in the WSDL binding. */
export function soapActionOf(operation: OperationId): string {
  return operationInfo(operation).soapAction
}

/** The SOAPAction HTTP header value: SOAP 1.1 sends the URI as a quoted string. */
export function soapActionHeader(operation: OperationId): string {
  return `"${soapActionOf(operation)}"`
}
