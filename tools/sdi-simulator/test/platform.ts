import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseSdiMessage, type SdiMessage } from '@fatturapa-hub/fatturapa'
import { buildSoapResponse, parseSoapHttp } from '@fatturapa-hub/sdicoop'
import { buildSimulator, type SimulatorApp, type SimulatorOptions } from '../src/index.js'

export interface Received {
  path: string
  operation: string
  nomeFile: string
  identificativoSdI: string
  message: SdiMessage
  metadati?: SdiMessage
  nomeFileMetadati?: string
}

/**
 * A tiny real HTTP server playing the platform's TrasmissioneFatture (/trasmissione) and RicezioneFatture
 * (/ricezione) endpoints. Every body is parsed (and schema-validated) by sdicoop, every SDI file by parseSdiMessage.
 */
export async function startPlatform() {
  const received: Received[] = []
  const errors: string[] = []
  let failWith: number | undefined
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      if (failWith) {
        response.writeHead(failWith).end()
        return
      }
      try {
        const service = request.url === '/ricezione' ? 'RicezioneFatture' : 'TrasmissioneFatture'
        const soapAction = request.headers.soapaction as string | undefined
        const message = parseSoapHttp(
          request.headers['content-type'],
          Buffer.concat(chunks),
          { service, kind: 'request' },
          soapAction ? { soapAction } : {},
        )
        if (message.kind !== 'request') throw new Error(`unexpected ${message.kind}`)
        const body = message.body as {
          NomeFile: string
          IdentificativoSdI: string
          File: Buffer
          NomeFileMetadati?: string
          Metadati?: Buffer
        }
        received.push({
          path: request.url ?? '',
          operation: message.operation,
          nomeFile: body.NomeFile,
          identificativoSdI: body.IdentificativoSdI,
          message:
            message.operation === 'RicezioneFatture.RiceviFatture'
              ? ({ type: 'Invoice' } as unknown as SdiMessage)
              : parseSdiMessage(body.File),
          ...(body.Metadati ? { metadati: parseSdiMessage(body.Metadati), nomeFileMetadati: body.NomeFileMetadati as string } : {}),
        })
        if (message.operation === 'RicezioneFatture.RiceviFatture') {
          const envelope = buildSoapResponse('RicezioneFatture.RiceviFatture', { Esito: 'ER01' })
          response.writeHead(200, { 'content-type': envelope.contentType }).end(envelope.xml)
        } else response.writeHead(202).end()
      } catch (error) {
        errors.push((error as Error).message)
        response.writeHead(500).end()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    trasmissioneUrl: `${url}/trasmissione`,
    ricezioneUrl: `${url}/ricezione`,
    received,
    errors,
    fail(status: number | undefined) {
      failWith = status
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export type Platform = Awaited<ReturnType<typeof startPlatform>>

/** The simulator listening on a loopback port, with a small admin client. */
export async function startSimulator(options: SimulatorOptions = {}) {
  const app: SimulatorApp = await buildSimulator({ seed: 'e2e', ...options })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const admin = async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await request(method, `${url}/admin${path}`, body)
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.text}`)
    return (response.status === 204 ? undefined : JSON.parse(response.text)) as T
  }
  return { app, url, admin, close: () => app.close() }
}

/** An address nothing listens on. */
export async function closedUrl(): Promise<string> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}/closed`
}

/** One HTTP exchange on a fresh connection (no pooling across simulators that reuse a port). */
export function request(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; bytes: Buffer }> {
  const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      url,
      {
        method,
        agent: false,
        headers: { ...(payload !== undefined && !headers['content-type'] ? { 'content-type': 'application/json' } : {}), ...headers },
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => {
          const bytes = Buffer.concat(chunks)
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text: bytes.toString('utf8'), bytes })
        })
        response.on('error', reject)
      },
    )
    outgoing.on('error', reject)
    outgoing.end(payload)
  })
}
