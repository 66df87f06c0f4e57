/**
 * callSoap against real local servers: node:http on 127.0.0.1, and node:https requiring a client certificate
 * (CA, server and client certificates generated with openssl in a temporary folder). Nothing is mocked.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  buildSoapFault,
  buildSoapRequest,
  buildSoapResponse,
  callSoap,
  encodeMtom,
  type FileSdI,
  parseSoapHttp,
  SoapError,
  SoapFaultError,
  type SoapMessage,
  sendSoapRequest,
  soapFaultFromError,
  soapFaultHttpStatus,
} from '../src/index.js'

interface Received {
  path: string
  soapAction: string | undefined
  contentType: string | undefined
  message: SoapMessage
}

const received: Received[] = []
const sockets = new Set<Socket>()
const file = { NomeFile: 'IT01234567890_00001.xml', File: Buffer.from('<fattura>\r\n--uuid:x</fattura>') }
const notification: FileSdI = { IdentificativoSdI: '42', NomeFile: 'IT01234567890_00001_RC_001.xml', File: Buffer.from('rc') }
const se = Buffer.from('scarto esito \r\n binary \x00\x01\xff')

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks)))
    request.on('error', reject)
  })
}

/** A small SDI look-alike: answers as SDI does (MTOM), or misbehaves, by path. */
async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  const path = request.url ?? '/'
  if (path === '/slow') return
  const body = await readBody(request)
  const service = path.startsWith('/trasmissione')
    ? 'TrasmissioneFatture'
    : path.startsWith('/notifica')
      ? 'SdIRiceviNotifica'
      : 'SdIRiceviFile'
  let message: SoapMessage
  try {
    message = parseSoapHttp(request.headers['content-type'], body, { service }, { soapAction: request.headers.soapaction as string })
  } catch (error) {
    response.writeHead(soapFaultHttpStatus, { 'Content-Type': 'text/xml; charset=utf-8' }).end(buildSoapFault(soapFaultFromError(error)))
    return
  }
  received.push({ path, soapAction: request.headers.soapaction as string, contentType: request.headers['content-type'], message })
  switch (path) {
    case '/ricevi_file': {
      const answer = encodeMtom(
        buildSoapResponse('SdIRiceviFile.RiceviFile', { IdentificativoSdI: '987654321', DataOraRicezione: '2026-11-03T10:15:30.000+01:00' })
          .xml,
      )
      response.writeHead(200, { 'Content-Type': answer.contentType }).end(answer.body)
      return
    }
    case '/notifica': {
      const answer = encodeMtom(
        buildSoapResponse('SdIRiceviNotifica.NotificaEsito', {
          Esito: 'ES00',
          ScartoEsito: { NomeFile: 'IT01234567890_00001_SE_001.xml', File: se },
        }).xml,
      )
      response.writeHead(200, { 'Content-Type': answer.contentType }).end(answer.body)
      return
    }
    case '/fault':
      response
        .writeHead(500, { 'Content-Type': 'text/xml; charset=utf-8' })
        .end(buildSoapFault({ code: 'Server', faultstring: 'Servizio non disponibile' }))
      return
    case '/empty-200':
      response.writeHead(200, { 'Content-Type': 'text/xml' }).end()
      return
    case '/html-500':
      response.writeHead(500, { 'Content-Type': 'text/html' }).end('<html><body>Internal Server Error</body></html>')
      return
    case '/html':
      response.writeHead(503, { 'Content-Type': 'text/html' }).end('<html><body>Service Unavailable</body></html>')
      return
    case '/trasmissione/202':
      response.writeHead(202).end()
      return
    case '/trasmissione/envelope':
      response
        .writeHead(200, { 'Content-Type': 'text/xml' })
        .end('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>')
      return
    default:
      response.writeHead(404).end()
  }
}

function listen(server: http.Server): Promise<string> {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(String((server.address() as AddressInfo).port))))
}

function thrownBy(promise: Promise<unknown>): Promise<SoapError> {
  return promise.then(
    () => {
      throw new Error('expected a SoapError')
    },
    (error: unknown) => {
      if (error instanceof SoapError) return error
      throw error
    },
  )
}

const folder = mkdtempSync(join(tmpdir(), 'sdicoop-tls-'))
const pem = (name: string) => readFileSync(join(folder, name))
let plain: http.Server
let secure: https.Server
let httpUrl: string
let httpsUrl: string

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: folder, stdio: 'pipe' })
}

function issue(name: string, subject: string): void {
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-subj',
    subject,
    '-out',
    `${name}.csr`,
  )
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  )
}

beforeAll(async () => {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'ca.key',
    '-subj',
    '/CN=Test SDI CA',
    '-days',
    '2',
    '-out',
    'ca.crt',
  )
  writeFileSync(join(folder, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n')
  writeFileSync(join(folder, 'client.ext'), 'extendedKeyUsage=clientAuth\n')
  issue('server', '/CN=localhost')
  issue('client', '/CN=IT01234567890 channel')
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'other.key',
    '-subj',
    '/CN=Other CA',
    '-days',
    '2',
    '-out',
    'other.crt',
  )

  plain = http.createServer((request, response) => void handle(request, response))
  httpUrl = `http://127.0.0.1:${await listen(plain)}`
  secure = https.createServer(
    { key: pem('server.key'), cert: pem('server.crt'), ca: pem('ca.crt'), requestCert: true, rejectUnauthorized: true },
    (request, response) => void handle(request, response),
  )
  httpsUrl = `https://127.0.0.1:${await listen(secure)}`
})

afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await Promise.all([new Promise((resolve) => plain.close(resolve)), new Promise((resolve) => secure.close(resolve))])
  rmSync(folder, { recursive: true, force: true })
})

describe('callSoap over node:http', () => {
  it('sends RiceviFile and reads the MTOM answer', async () => {
    const answer = await callSoap(`${httpUrl}/ricevi_file`, 'SdIRiceviFile.RiceviFile', file, { timeoutMs: 10_000 })
    expect(answer).toEqual({ IdentificativoSdI: '987654321', DataOraRicezione: '2026-11-03T10:15:30.000+01:00' })
    const request = received.at(-1) as Received
    expect(request.soapAction).toBe('"http://www.fatturapa.it/SdIRiceviFile/RiceviFile"')
    expect(request.contentType).toBe('text/xml; charset=utf-8')
    expect(request.message).toEqual({ kind: 'request', operation: 'SdIRiceviFile.RiceviFile', body: file })
  })

  it('sends a request built beforehand as it is, and refuses one built for another operation', async () => {
    const envelope = buildSoapRequest('SdIRiceviFile.RiceviFile', file)
    const answer = await sendSoapRequest(`${httpUrl}/ricevi_file`, 'SdIRiceviFile.RiceviFile', envelope, { timeoutMs: 10_000 })
    expect(answer).toEqual({ IdentificativoSdI: '987654321', DataOraRicezione: '2026-11-03T10:15:30.000+01:00' })
    expect(received.at(-1)?.message).toEqual({ kind: 'request', operation: 'SdIRiceviFile.RiceviFile', body: file })
    const sent = received.length
    await expect(sendSoapRequest(`${httpUrl}/notifica`, 'SdIRiceviNotifica.NotificaEsito', envelope)).rejects.toThrow(TypeError)
    expect(received).toHaveLength(sent)
  })

  it('sends MTOM when asked, and reads an ES00 answer with its SE file', async () => {
    const answer = await callSoap(`${httpUrl}/notifica`, 'SdIRiceviNotifica.NotificaEsito', notification, { mtom: true })
    expect(answer).toEqual({ Esito: 'ES00', ScartoEsito: { NomeFile: 'IT01234567890_00001_SE_001.xml', File: se } })
    const request = received.at(-1) as Received
    expect(request.contentType).toMatch(/^multipart\/related; type="application\/xop\+xml"/)
    expect(request.message).toEqual({ kind: 'request', operation: 'SdIRiceviNotifica.NotificaEsito', body: notification })
  })

  it('returns undefined for one-way operations answered 202 or with an empty envelope', async () => {
    await expect(callSoap(`${httpUrl}/trasmissione/202`, 'TrasmissioneFatture.RicevutaConsegna', notification)).resolves.toBeUndefined()
    await expect(callSoap(`${httpUrl}/trasmissione/envelope`, 'TrasmissioneFatture.NotificaScarto', notification)).resolves.toBeUndefined()
    expect(received.at(-1)?.message).toMatchObject({ operation: 'TrasmissioneFatture.NotificaScarto' })
  })

  it('throws SoapFaultError for a fault with status 500', async () => {
    const error = await thrownBy(callSoap(`${httpUrl}/fault`, 'SdIRiceviFile.RiceviFile', file))
    expect(error).toBeInstanceOf(SoapFaultError)
    expect(error.httpStatus).toBe(500)
    expect((error as SoapFaultError).fault).toEqual({
      code: 'Server',
      faultcode: 'soapenv:Server',
      faultstring: 'Servizio non disponibile',
    })
  })

  it('gets a Client fault back when the server refuses the message', async () => {
    // The server parses as SdIRiceviFile: a TrasmissioneFatture body is unknown there.
    const error = await thrownBy(callSoap(`${httpUrl}/ricevi_file`, 'TrasmissioneFatture.RicevutaConsegna', notification))
    expect((error as SoapFaultError).fault.code).toBe('Client')
  })

  it('reports an answer without a readable SOAP message as ambiguous: SDI may have taken the file', async () => {
    for (const path of ['/empty-200', '/html-500']) {
      const error = await thrownBy(callSoap(`${httpUrl}${path}`, 'SdIRiceviFile.RiceviFile', file))
      expect([path, error.code, error.ambiguous]).toEqual([path, 'SOAP_HTTP_ERROR', true])
    }
  })

  it('throws SOAP_HTTP_ERROR for an error page', async () => {
    const error = await thrownBy(callSoap(`${httpUrl}/html`, 'SdIRiceviFile.RiceviFile', file))
    expect([error.code, error.httpStatus, error.ambiguous]).toEqual(['SOAP_HTTP_ERROR', 503, false])
  })

  it('times out as an ambiguous outcome: SDI may have received the file', async () => {
    const started = Date.now()
    const error = await thrownBy(callSoap(`${httpUrl}/slow`, 'SdIRiceviFile.RiceviFile', file, { timeoutMs: 300 }))
    expect([error.code, error.ambiguous]).toEqual(['SOAP_TIMEOUT', true])
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('reports a refused connection as a network error that is not ambiguous', async () => {
    const closed = http.createServer()
    const port = await new Promise<number>((resolve) =>
      closed.listen(0, '127.0.0.1', () => resolve((closed.address() as AddressInfo).port)),
    )
    await new Promise((resolve) => closed.close(resolve))
    const error = await thrownBy(callSoap(`http://127.0.0.1:${port}/`, 'SdIRiceviFile.RiceviFile', file))
    expect([error.code, error.ambiguous]).toEqual(['SOAP_NETWORK_ERROR', false])
  })

  it('refuses an oversized answer', async () => {
    const error = await thrownBy(
      callSoap(`${httpUrl}/notifica`, 'SdIRiceviNotifica.NotificaEsito', notification, { maxResponseBytes: 200 }),
    )
    expect(error.code).toBe('SOAP_TOO_LARGE')
  })
})

describe('callSoap over node:https with mutual TLS', () => {
  it('calls with the client certificate', async () => {
    const answer = await callSoap(`${httpsUrl}/ricevi_file`, 'SdIRiceviFile.RiceviFile', file, {
      tls: { cert: pem('client.crt'), key: pem('client.key'), ca: pem('ca.crt') },
      mtom: true,
    })
    expect(answer).toMatchObject({ IdentificativoSdI: '987654321' })
  })

  it('is refused without a client certificate, not ambiguously', async () => {
    const error = await thrownBy(callSoap(`${httpsUrl}/ricevi_file`, 'SdIRiceviFile.RiceviFile', file, { tls: { ca: pem('ca.crt') } }))
    expect([error.code, error.ambiguous]).toEqual(['SOAP_NETWORK_ERROR', false])
  })

  it('refuses a server its CA list does not trust', async () => {
    const error = await thrownBy(
      callSoap(`${httpsUrl}/ricevi_file`, 'SdIRiceviFile.RiceviFile', file, {
        tls: { cert: pem('client.crt'), key: pem('client.key'), ca: pem('other.crt') },
      }),
    )
    expect([error.code, error.ambiguous]).toEqual(['SOAP_NETWORK_ERROR', false])
    expect(error.message).toMatch(/certificate/i)
  })
})
