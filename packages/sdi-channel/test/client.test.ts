// Real: a local node:http server playing SDI's SdIRiceviFile and SdIRiceviNotifica (answers built with the sdicoop
// codec, MTOM as SDI sends them); the client goes over loopback TCP. Nothing is mocked.
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { buildSdiMessage } from '@fatturapa-hub/fatturapa'
import {
  buildSoapFault,
  buildSoapResponse,
  encodeMtom,
  parseSoapHttp,
  type RispostaSdINotificaEsito,
  type RispostaSdIRiceviFile,
} from '@fatturapa-hub/sdicoop'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { SdiClient, SdiClientError, SdiFileRejectedError } from '../src/index.js'

type Answer =
  | { kind: 'riceviFile'; body: RispostaSdIRiceviFile }
  | { kind: 'notifica'; body: RispostaSdINotificaEsito }
  | { kind: 'fault' }
  | { kind: 'silence' }
  | { kind: 'html' }

let next: Answer
const received: Array<{ url: string; operation: string; body: unknown }> = []
const sockets = new Set<Socket>()
let server: http.Server
let base: string

const se = Buffer.from(
  buildSdiMessage({ vocabulary: 'PA', type: 'ScartoEsitoCommittente', IdentificativoSdI: '777', Scarto: 'EN01', MessageId: '42' }),
  'utf8',
)

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const message = parseSoapHttp(request.headers['content-type'], Buffer.concat(chunks), {
        service: request.url === '/SdIRiceviFile' ? 'SdIRiceviFile' : 'SdIRiceviNotifica',
        kind: 'request',
      })
      if (message.kind === 'request') received.push({ url: request.url ?? '', operation: message.operation, body: message.body })
      const answer = next
      if (answer.kind === 'silence') return
      if (answer.kind === 'html') {
        response.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>Bad gateway</body></html>')
        return
      }
      if (answer.kind === 'fault') {
        response
          .writeHead(500, { 'content-type': 'text/xml; charset=utf-8' })
          .end(buildSoapFault({ code: 'Client', faultstring: 'Nome file non valido' }))
        return
      }
      const envelope =
        answer.kind === 'riceviFile'
          ? buildSoapResponse('SdIRiceviFile.RiceviFile', answer.body)
          : buildSoapResponse('SdIRiceviNotifica.NotificaEsito', answer.body)
      const mtom = encodeMtom(envelope.xml)
      response.writeHead(200, { 'content-type': mtom.contentType }).end(mtom.body)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => server.close(resolve))
})

function client(timeoutMs = 5000): SdiClient {
  return new SdiClient({ riceviFileUrl: `${base}/SdIRiceviFile`, riceviNotificaUrl: `${base}/SdIRiceviNotifica`, timeoutMs })
}

async function failure(promise: Promise<unknown>): Promise<SdiClientError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  if (!(error instanceof SdiClientError)) throw new Error(`expected an SdiClientError, got ${String(error)}`)
  return error
}

const file = { fileName: 'IT01234567890_00A01.xml', file: Buffer.from('<FatturaElettronica/>') }

describe('SdiClient.transmitFile (SdIRiceviFile)', () => {
  it('returns the IdentificativoSdI and DataOraRicezione of an accepted file', async () => {
    next = { kind: 'riceviFile', body: { IdentificativoSdI: '987654321', DataOraRicezione: '2026-11-03T10:15:30.000+01:00' } }
    await expect(client().transmitFile(file)).resolves.toEqual({
      identificativoSdI: '987654321',
      dataOraRicezione: '2026-11-03T10:15:30.000+01:00',
    })
    expect(received.at(-1)).toEqual({
      url: '/SdIRiceviFile',
      operation: 'SdIRiceviFile.RiceviFile',
      body: { NomeFile: file.fileName, File: file.file },
    })
  })

  it.each([
    ['EI01', false],
    ['EI02', true],
    ['EI03', false],
  ] as const)('rejects %s as an SdiFileRejectedError (not ambiguous, retryable %s)', async (errore, retryable) => {
    next = { kind: 'riceviFile', body: { IdentificativoSdI: '0', DataOraRicezione: '2026-11-03T10:15:30.000+01:00', Errore: errore } }
    const error = await failure(client().transmitFile(file))
    expect(error).toBeInstanceOf(SdiFileRejectedError)
    expect(error).toMatchObject({ code: 'SDI_FILE_REJECTED', errore, ambiguous: false, retryable })
  })

  it('surfaces a timeout as ambiguous: SDI may have the file', async () => {
    next = { kind: 'silence' }
    const error = await failure(client(300).transmitFile(file))
    expect(error).toMatchObject({ code: 'SDI_TIMEOUT', ambiguous: true, retryable: false })
  })

  it('tells a refused connection (nothing sent, retryable) from an ambiguous one', async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const error = await failure(
      new SdiClient({ riceviFileUrl: `http://127.0.0.1:${port}/x`, riceviNotificaUrl: base, timeoutMs: 2000 }).transmitFile(file),
    )
    expect(error).toMatchObject({ code: 'SDI_UNREACHABLE', ambiguous: false, retryable: true })
  })

  it('reports a SOAP fault and a 502 page', async () => {
    next = { kind: 'fault' }
    expect(await failure(client().transmitFile(file))).toMatchObject({ code: 'SDI_FAULT', ambiguous: false })
    next = { kind: 'html' }
    expect(await failure(client().transmitFile(file))).toMatchObject({ code: 'SDI_HTTP_ERROR', ambiguous: true })
  })

  it('refuses to send a file name SDI cannot accept, without calling SDI', async () => {
    const before = received.length
    const error = await failure(client().transmitFile({ fileName: 'bad name.xml', file: file.file }))
    expect(error).toMatchObject({ code: 'SDI_REQUEST_INVALID', ambiguous: false })
    expect(received.length).toBe(before)
  })
})

describe('SdiClient.sendNotificaEsito (SdIRiceviNotifica)', () => {
  const ec = { identificativoSdI: '777', fileName: 'IT01234567890_00A01_EC_001.xml', file: Buffer.from('<NotificaEsitoCommittente/>') }

  it('returns ES01 when SDI accepts the outcome', async () => {
    next = { kind: 'notifica', body: { Esito: 'ES01' } }
    await expect(client().sendNotificaEsito(ec)).resolves.toEqual({ esito: 'ES01' })
    expect(received.at(-1)).toEqual({
      url: '/SdIRiceviNotifica',
      operation: 'SdIRiceviNotifica.NotificaEsito',
      body: { IdentificativoSdI: '777', NomeFile: ec.fileName, File: ec.file },
    })
  })

  it('returns ES00 with the ScartoEsito file and its parsed SE message', async () => {
    next = { kind: 'notifica', body: { Esito: 'ES00', ScartoEsito: { NomeFile: 'IT01234567890_00A01_SE_001.xml', File: se } } }
    const result = await client().sendNotificaEsito(ec)
    expect(result).toMatchObject({
      esito: 'ES00',
      scartoEsito: {
        fileName: 'IT01234567890_00A01_SE_001.xml',
        message: { type: 'ScartoEsitoCommittente', Scarto: 'EN01', IdentificativoSdI: '777' },
      },
    })
    expect(Buffer.compare(result.scartoEsito?.file as Buffer, se)).toBe(0)
  })

  it('returns ES02 (service unavailable) for the caller to send again later', async () => {
    next = { kind: 'notifica', body: { Esito: 'ES02' } }
    await expect(client().sendNotificaEsito(ec)).resolves.toEqual({ esito: 'ES02' })
  })
})
