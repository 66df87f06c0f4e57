import http from 'node:http'
import https from 'node:https'
import type { Socket } from 'node:net'
import { buildSoapRequest, type SoapEnvelope } from './envelope.js'
import { SoapError, SoapFaultError } from './errors.js'
import { soapXmlOfHttpBody } from './http.js'
import { encodeMtom } from './mtom.js'
import { isTwoWay, type OperationId, type RequestOf, type ResponseOf } from './operations.js'
import { defaultMaxSoapBytes, parseSoapMessage, type SoapMessage } from './parse.js'

export interface TlsOptions {
  /** Client certificate (PEM) for mutual TLS, as SDI requires. */
  cert?: string | Buffer
  key?: string | Buffer
  passphrase?: string
  /** Trusted CA(s) of the server; default: Node's bundle. */
  ca?: string | Buffer | Array<string | Buffer>
  /** Default true. */
  rejectUnauthorized?: boolean
  servername?: string
}

export interface CallSoapOptions {
  /** Deadline for the whole exchange (connect, send, answer). Default 60 s. */
  timeoutMs?: number
  tls?: TlsOptions
  /** Send the request as MTOM/XOP (binary fields as parts). Default false. */
  mtom?: boolean
  /** Larger answers are refused (SOAP_TOO_LARGE). Default defaultMaxSoapBytes. */
  maxResponseBytes?: number
  /** An agent (keep-alive pool, proxy); default: a fresh connection per call. */
  agent?: http.Agent
  headers?: Record<string, string>
}

/**
 * Calls an SDICoop operation over HTTP(S) and returns its typed response body (undefined for one-way operations).
 *
 * @throws SoapFaultError when the peer answers with a SOAP fault (status 500 as SOAP 1.1 says, or any other).
 * @throws SoapError SOAP_TIMEOUT (ambiguous: the request may have been received), SOAP_NETWORK_ERROR (ambiguous
 * when the connection was up), SOAP_HTTP_ERROR (status >= 300 without a fault; ambiguous for 502/504),
 * SOAP_TOO_LARGE, and the parse errors of the answer.
 */
export async function callSoap<O extends OperationId>(
  url: string | URL,
  operation: O,
  body: RequestOf<O>,
  options: CallSoapOptions = {},
): Promise<ResponseOf<O>> {
  return sendSoapRequest(url, operation, buildSoapRequest(operation, body), options)
}

/** `callSoap` with a request already built by `buildSoapRequest(operation, …)` (built and checked once). */
export async function sendSoapRequest<O extends OperationId>(
  url: string | URL,
  operation: O,
  envelope: SoapEnvelope,
  options: CallSoapOptions = {},
): Promise<ResponseOf<O>> {
  if (envelope.operation !== operation) throw new TypeError(`the envelope is a ${envelope.operation} request, not ${operation}`)
  const payload = options.mtom ? encodeMtom(envelope.xml) : { contentType: envelope.contentType, body: Buffer.from(envelope.xml, 'utf8') }
  const maxBytes = options.maxResponseBytes ?? defaultMaxSoapBytes
  const answer = await post(new URL(url), payload.contentType, payload.body, envelope.soapActionHeader, maxBytes, options)
  return readAnswer(operation, answer, maxBytes)
}

interface HttpAnswer {
  status: number
  contentType: string | undefined
  body: Buffer
}

function readAnswer<O extends OperationId>(operation: O, answer: HttpAnswer, maxBytes: number): ResponseOf<O> {
  const oneWay = !isTwoWay(operation)
  if (answer.body.length === 0 || answer.body.toString('latin1').trim() === '') {
    if (oneWay && answer.status >= 200 && answer.status < 300) return undefined as ResponseOf<O>
    throw httpError(answer, 'empty answer')
  }
  let xml: string | Uint8Array
  try {
    xml = soapXmlOfHttpBody(answer.contentType, answer.body, maxBytes)
  } catch (error) {
    if (answer.status >= 300) throw httpError(answer, 'not a SOAP message')
    throw error
  }
  if (oneWay && answer.status >= 200 && answer.status < 300 && isEmptyEnvelope(xml)) return undefined as ResponseOf<O>
  let message: SoapMessage
  try {
    message = parseSoapMessage(xml, { operation: operation as OperationId, kind: 'response' }, { maxBytes })
  } catch (error) {
    // An HTML error page from a proxy is an HTTP error, not a malformed SOAP message.
    if (answer.status >= 300 && error instanceof SoapError && (error.code === 'SOAP_MALFORMED' || error.code === 'SOAP_DTD_FORBIDDEN')) {
      throw httpError(answer, 'not a SOAP message')
    }
    throw error
  }
  if (message.kind === 'fault') throw new SoapFaultError(message.fault, answer.status)
  if (answer.status >= 300) throw httpError(answer, 'SOAP response with an error status')
  return message.body as ResponseOf<O>
}

/** A one-way answer some stacks send: an envelope whose Body is empty. */
function isEmptyEnvelope(xml: string | Uint8Array): boolean {
  const text = typeof xml === 'string' ? xml : Buffer.from(xml).toString('utf8')
  return /<(?:[\w.-]+:)?Body\s*\/>|<((?:[\w.-]+:)?Body)(?:\s[^>]*)?>\s*<\/\1>/.test(text) && !/Fault/.test(text)
}

function httpError(answer: HttpAnswer, what: string): SoapError {
  return new SoapError('SOAP_HTTP_ERROR', `HTTP ${answer.status}: ${what}`, {
    httpStatus: answer.status,
    // The request reached a server: unless it was refused before processing (4xx, 503), SDI may have taken the
    // file even though no readable answer came back (a proxy that timed out or stripped the body, a 500 page).
    ambiguous: answer.status < 300 || (answer.status >= 500 && answer.status !== 503),
  })
}

function post(
  url: URL,
  contentType: string,
  payload: Buffer,
  soapAction: string,
  maxBytes: number,
  options: CallSoapOptions,
): Promise<HttpAnswer> {
  const secure = url.protocol === 'https:'
  if (!secure && url.protocol !== 'http:') return Promise.reject(new TypeError(`Unsupported protocol ${url.protocol}`))
  const timeoutMs = options.timeoutMs ?? 60_000
  const tls = options.tls ?? {}
  const requestOptions: https.RequestOptions = {
    method: 'POST',
    headers: {
      ...options.headers,
      'Content-Type': contentType,
      'Content-Length': String(payload.length),
      SOAPAction: soapAction,
      Accept: 'text/xml, multipart/related',
    },
    agent: options.agent ?? false,
    ...(secure
      ? {
          ...(tls.cert === undefined ? {} : { cert: tls.cert }),
          ...(tls.key === undefined ? {} : { key: tls.key }),
          ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
          ...(tls.ca === undefined ? {} : { ca: tls.ca }),
          ...(tls.servername === undefined ? {} : { servername: tls.servername }),
          rejectUnauthorized: tls.rejectUnauthorized ?? true,
        }
      : {}),
  }
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false
    let connected = false
    const finish = (error: SoapError | undefined, answer?: HttpAnswer) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (error) {
        request.destroy()
        reject(error)
      } else resolve(answer as HttpAnswer)
    }
    const request = (secure ? https : http).request(url, requestOptions, (response) => {
      const chunks: Buffer[] = []
      let size = 0
      response.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBytes) {
          finish(new SoapError('SOAP_TOO_LARGE', `Answer larger than ${maxBytes} bytes`, { httpStatus: response.statusCode ?? 0 }))
          return
        }
        chunks.push(chunk)
      })
      response.on('end', () =>
        finish(undefined, { status: response.statusCode ?? 0, contentType: response.headers['content-type'], body: Buffer.concat(chunks) }),
      )
      response.on('error', (error) =>
        finish(new SoapError('SOAP_NETWORK_ERROR', `Answer interrupted: ${error.message}`, { ambiguous: true, cause: error })),
      )
    })
    const timer = setTimeout(() => {
      finish(
        new SoapError('SOAP_TIMEOUT', `No answer within ${timeoutMs} ms from ${url.origin}`, {
          // Once connected, the peer may have received (and acted on) the request.
          ambiguous: connected,
        }),
      )
    }, timeoutMs)
    request.on('socket', (socket: Socket) => {
      const event = secure ? 'secureConnect' : 'connect'
      if (!socket.connecting && (!secure || (socket as Socket & { encrypted?: boolean }).encrypted)) connected = true
      socket.once(event, () => {
        connected = true
      })
    })
    request.on('error', (error: NodeJS.ErrnoException) => {
      // With TLS 1.3 the server refuses a client certificate after the client saw the handshake complete: a TLS
      // alert still means the HTTP request was never accepted.
      const tlsRefusal = /^ERR_(SSL|TLS)_|CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(error.code ?? '')
      finish(new SoapError('SOAP_NETWORK_ERROR', `${url.origin}: ${error.message}`, { ambiguous: connected && !tlsRefusal, cause: error }))
    })
    request.end(payload)
  })
}
