import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { createServer, request, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createCa, type PlatformCa } from '../../src/certificates/ca.js'
import { issueClientCertificate } from '../../src/certificates/issue.js'
import { InMemoryCertificateStore } from '../../src/certificates/store.js'
import { verificationFailureToError, verifyClientCertificate } from '../../src/certificates/verify.js'
import { type KeyAndCsr, nodeCsr, openssl, studioA, type TempDir, tempDir, vatA, vatB } from './fixtures.js'

interface Reply {
  status: number
  body: Record<string, unknown>
}

interface ClientIdentity {
  keyPem: string
  certificatePem: string
}

/**
 * A real TLS handshake on loopback. The server plays the gateway: TLS itself refuses certificates of other CAs,
 * then the handler reads the VAT number from the peer certificate and checks it against the credentials
 * (here the `x-partita-iva` header stands for the authenticated user) and against revocation.
 */
describe('mutual TLS with issued client certificates', () => {
  let ca: PlatformCa
  let dir: TempDir
  let server: Server
  let port: number
  let serverCertificatePem: string
  let handled = 0
  const handshakeErrors: string[] = []
  const store = new InMemoryCertificateStore()
  const caX509 = () => new X509Certificate(ca.certificatePem)

  function identity(issuer: PlatformCa, partitaIva: string, csr: KeyAndCsr = nodeCsr(`${partitaIva}.cert`)): ClientIdentity {
    const issued = issueClientCertificate(issuer, { csrPem: csr.csrPem, partitaIva, studioId: studioA, validityDays: 30 })
    return { keyPem: csr.keyPem, certificatePem: issued.certificatePem }
  }

  function call(client: ClientIdentity | undefined, partitaIva: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/fatture',
          method: 'GET',
          ca: serverCertificatePem,
          headers: { 'x-partita-iva': partitaIva },
          // A fresh connection per call: no TLS session or socket reuse across identities.
          agent: false,
          ...(client === undefined ? {} : { key: client.keyPem, cert: client.certificatePem }),
        },
        (response: IncomingMessage) => {
          let text = ''
          response.setEncoding('utf8')
          response.on('data', (chunk: string) => {
            text += chunk
          })
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }))
        },
      )
      outgoing.on('error', reject)
      outgoing.end()
    })
  }

  beforeAll(async () => {
    ca = await createCa({ organization: 'fatturapa-hub', keyBits: 2048 })
    dir = tempDir()
    const serverKey = `${dir.path}/server.key`
    const serverCert = `${dir.path}/server.pem`
    // The server's own certificate, self-signed with an IP SAN so the client can verify the server too.
    const made = openssl(
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        serverKey,
        '-out',
        serverCert,
      ]),
    )
    if (made.status !== 0) throw new Error(made.stderr)
    serverCertificatePem = readFileSync(serverCert, 'utf8')

    server = createServer(
      { key: readFileSync(serverKey), cert: serverCertificatePem, ca: [ca.certificatePem], requestCert: true, rejectUnauthorized: true },
      (incoming, response) => {
        handled++
        const socket = incoming.socket as TLSSocket
        const expectedPartitaIva = String(incoming.headers['x-partita-iva'])
        verifyClientCertificate(caX509(), socket.getPeerCertificate(), {
          expectedPartitaIva,
          expectedStudio: studioA,
          isRevoked: (serial) => store.isRevoked(serial),
        })
          .then((result) => {
            if (result.ok) {
              response.writeHead(200, { 'content-type': 'application/json' })
              response.end(JSON.stringify({ partitaIva: result.partitaIva, serialNumber: result.serialNumber }))
              return
            }
            const error = verificationFailureToError(result)
            response.writeHead(error.statusCode, { 'content-type': 'application/json' })
            response.end(JSON.stringify({ code: error.code }))
          })
          .catch(() => {
            response.writeHead(503).end('{}')
          })
      },
    )
    server.on('tlsClientError', (error: Error) => handshakeErrors.push(error.message))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    dir.remove()
  })

  it('accepts the issued certificate and reads the VAT number from it', async () => {
    const client = identity(ca, vatA)
    const serialNumber = new X509Certificate(client.certificatePem).serialNumber.replace(/^0+/, '')
    await expect(call(client, vatA)).resolves.toEqual({ status: 200, body: { partitaIva: vatA, serialNumber } })
  })

  it('refuses, during the handshake, a certificate from another CA and a call without certificate', async () => {
    const foreignCa = await createCa({ organization: 'Impostor', keyBits: 2048 })
    const handledBefore = handled
    handshakeErrors.length = 0
    await expect(call(identity(foreignCa, vatA), vatA)).rejects.toThrow()
    await expect(call(undefined, vatA)).rejects.toThrow(/certificate required/)
    expect(handled).toBe(handledBefore)
    // node destroys a socket whose peer certificate fails verification without naming the reason, hence no message check.
    expect(handshakeErrors).toHaveLength(2)
    expect(handshakeErrors.some((message) => /peer did not return a certificate/i.test(message))).toBe(true)
  })

  it('refuses a valid certificate of another VAT number', async () => {
    await expect(call(identity(ca, vatB), vatA)).resolves.toEqual({ status: 403, body: { code: 'CERTIFICATE_VAT_MISMATCH' } })
  })

  it('refuses a certificate once revoked', async () => {
    const csr = nodeCsr(`${vatA}.cert`)
    const issued = issueClientCertificate(ca, { csrPem: csr.csrPem, partitaIva: vatA, studioId: studioA, validityDays: 30 })
    await store.save(issued)
    const client = { keyPem: csr.keyPem, certificatePem: issued.certificatePem }
    expect((await call(client, vatA)).status).toBe(200)
    await store.revoke(issued.serialNumber, { reason: 'keyCompromise' })
    await expect(call(client, vatA)).resolves.toEqual({ status: 401, body: { code: 'CERTIFICATE_REVOKED' } })
  })
})
