import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'
import type { FastifyInstance } from 'fastify'

export interface SdiTlsListenerOptions {
  host?: string
  port: number
  /** PEM server certificate and key of the endpoints (the ones registered with SDI). */
  certFile: string
  keyFile: string
  /** PEM CA(s) of the client certificates SDI presents; every other client is refused at the handshake. */
  clientCaFile: string
  /** Only paths under this prefix are routed; anything else answers 404 without reaching the app. Default `/sdi/`. */
  pathPrefix?: string
  /**
   * SHA-256 fingerprints (any case, with or without colons) of the only client certificates accepted. The CA of
   * SDI also issues the certificates of every accredited channel, so trusting the CA alone would let another
   * intermediary post notifications for our invoices. Empty or absent: every certificate of the CA.
   */
  allowedClientFingerprints?: readonly string[]
}

export interface SdiTlsListener {
  server: Server
  address: AddressInfo
  /** Stops accepting and waits for open exchanges; idle keep-alive connections close at once. */
  close(): Promise<void>
}

/**
 * Serves the SDI endpoints of a ready Fastify app on an HTTPS listener of their own, with mutual TLS: the
 * handshake requires a client certificate issued by the configured CA. Requests reach the same Fastify instance
 * (hooks, routes, error handling, audit) as over its HTTP server; the endpoints registered with `transport: 'tls'`
 * serve only requests that came this way. Call `close()` before `app.close()`.
 */
export async function listenSdiEndpoint(app: FastifyInstance, options: SdiTlsListenerOptions): Promise<SdiTlsListener> {
  const [cert, key, ca] = await Promise.all([
    readFile(options.certFile, 'utf8'),
    readFile(options.keyFile, 'utf8'),
    readFile(options.clientCaFile, 'utf8'),
  ])
  const prefix = options.pathPrefix ?? '/sdi/'
  const allowed = new Set((options.allowedClientFingerprints ?? []).map(normalizeFingerprint).filter((value) => value !== ''))
  await app.ready()
  const server = createServer(
    { cert, key, ca, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' },
    (request, response) => {
      if (allowed.size > 0) {
        const peer = (request.socket as TLSSocket).getPeerCertificate()
        if (!allowed.has(normalizeFingerprint(peer.fingerprint256 ?? ''))) {
          app.log.warn({ subject: peer.subject, fingerprint256: peer.fingerprint256 }, 'SDI client certificate not in the allowed list')
          response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('Forbidden')
          return
        }
      }
      if (!(request.url ?? '').startsWith(prefix)) {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found')
        return
      }
      app.routing(request, response)
    },
  )
  server.keepAliveTimeout = 72_000
  server.headersTimeout = 75_000
  server.requestTimeout = 120_000
  server.on('tlsClientError', (error) => app.log.info({ err: error }, 'SDI TLS handshake refused'))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  app.log.info({ url: `https://${address.address}:${address.port}${prefix}` }, 'SDI endpoints listening (mutual TLS)')
  let closing: Promise<void> | undefined
  return {
    server,
    address,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
      })
      return closing
    },
  }
}

function normalizeFingerprint(value: string): string {
  return value.replaceAll(':', '').trim().toUpperCase()
}
