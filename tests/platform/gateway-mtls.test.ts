// Real: the auth service (PostgreSQL, Redis, SMTP) listening on a loopback port, the gateway serving HTTPS with
// mutual TLS on another, and TLS clients presenting certificates the auth service issued. A small HTTP server
// stands in for a second service, to see exactly which headers the gateway forwards.
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { AddressInfo } from 'node:net'
import { buildGateway, listenGateway } from '@fatturapa-hub/gateway/app'
import { ConfigSchema } from '@fatturapa-hub/gateway/config'
import { type App, createRedis, loadConfig } from '@fatturapa-hub/shared'
import { captureLogs, testRedisPrefix, testRedisUrl } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Redis } from 'ioredis'
import { nodeCsr, openssl, type TempDir, tempDir } from '../../services/auth/test/certificates/fixtures.js'
import { type AuthTest, bearer, startAuthTest } from '../../services/auth/test/support/auth-test.js'

const password = 'Sicura.2026-ok'
const vatA = '01234567897'
const vatB = '12345678903'

interface ClientIdentity {
  keyPem: string
  certificatePem: string
}

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Record<string, unknown>
}

describe('gateway mutual TLS for integration users', () => {
  let auth: AuthTest
  let dir: TempDir
  let redis: Redis
  let gateway: App
  let gatewayPort: number
  let serverCertificatePem: string
  let echo: Server
  const echoed: Array<Record<string, string | string[] | undefined>> = []
  const gatewayLogs = captureLogs('gateway', 'debug')

  let adminA: string
  let adminB: string
  let integrationA: string
  let companyA: string
  let companyB: string
  let certificateA: ClientIdentity & { serialNumber: string }
  let certificateB: ClientIdentity
  /** Issued by a third studio to its own client, a company with the same VAT number as studio A's. */
  let certificateOtherStudio: ClientIdentity

  /** A fresh TLS connection per call, so no session or socket is reused across identities. */
  function call(
    path: string,
    options: { method?: string; token?: string; client?: ClientIdentity; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const outgoing = httpsRequest(
        {
          host: '127.0.0.1',
          port: gatewayPort,
          path,
          method: options.method ?? 'GET',
          ca: serverCertificatePem,
          agent: false,
          headers: { ...(options.token === undefined ? {} : bearer(options.token)), ...options.headers },
          ...(options.client === undefined ? {} : { key: options.client.keyPem, cert: options.client.certificatePem }),
        },
        (response) => {
          let text = ''
          response.setEncoding('utf8')
          response.on('data', (chunk: string) => {
            text += chunk
          })
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body:
                text !== '' && /json/.test(response.headers['content-type'] ?? '')
                  ? (JSON.parse(text) as Record<string, unknown>)
                  : { text },
            }),
          )
        },
      )
      outgoing.on('error', reject)
      outgoing.end()
    })
  }

  async function issueFor(clientId: string, adminToken: string, partitaIva: string, name: string) {
    const csr = nodeCsr(`${partitaIva}.cert`)
    const response = await auth.service.app.inject({
      method: 'POST',
      url: `/clients/${clientId}/certificates`,
      headers: bearer(adminToken),
      payload: { csrPem: csr.csrPem, validityDays: 30 },
    })
    expect(response.statusCode).toBe(201)
    const issued = response.json() as { serialNumber: string; certificatePem: string }
    dir.write(`${name}.pem`, issued.certificatePem)
    return { keyPem: csr.keyPem, certificatePem: issued.certificatePem, serialNumber: issued.serialNumber }
  }

  beforeAll(async () => {
    dir = tempDir()
    auth = await startAuthTest()
    await auth.service.app.listen({ host: '127.0.0.1', port: 0 })
    const authUrl = `http://127.0.0.1:${(auth.service.app.server.address() as AddressInfo).port}`

    echo = createServer((request, response) => {
      echoed.push({ ...request.headers })
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ url: request.url }))
    })
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
    const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`

    const studioA = await auth.provision('mt00001', { partitaIva: vatA })
    const studioB = await auth.provision('mt00002', { partitaIva: vatB })
    companyA = studioA.company.id
    companyB = studioB.company.id
    for (const username of ['ADM@mt00001', 'ADM@mt00002']) await auth.setPassword(username, password)
    adminA = await auth.tokenFor('ADM@mt00001')
    adminB = await auth.tokenFor('ADM@mt00002')
    integrationA = await auth.tokenFor('APIREST_mt00001@mt00001')
    certificateA = await issueFor(companyA, adminA, vatA, 'a')
    certificateB = await issueFor(companyB, adminB, vatB, 'b')
    const studioC = await auth.provision('mt00003', { partitaIva: vatA })
    await auth.setPassword('ADM@mt00003', password)
    certificateOtherStudio = await issueFor(studioC.company.id, await auth.tokenFor('ADM@mt00003'), vatA, 'c')

    // The gateway's own certificate, self-signed with an IP SAN so clients verify the server too.
    const serverKey = `${dir.path}/server.key`
    const serverCert = `${dir.path}/server.pem`
    const made = openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      serverKey,
      '-out',
      serverCert,
    ])
    if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`)
    serverCertificatePem = readFileSync(serverCert, 'utf8')

    redis = createRedis(testRedisUrl, 'client')
    await redis.connect()
    gateway = await buildGateway({
      config: loadConfig(ConfigSchema, {
        REDIS_URL: testRedisUrl,
        REDIS_PREFIX: testRedisPrefix(),
        AUTH_SERVICE_URL: authUrl,
        FE_ACTIVE_SERVICE_URL: echoUrl,
        GATEWAY_TLS_CERT_FILE: serverCert,
        GATEWAY_TLS_KEY_FILE: serverKey,
        MTLS_MODE: 'integration',
        // Long: the test refreshes explicitly.
        CLIENT_CA_REFRESH_SECONDS: '3600',
      }),
      logger: gatewayLogs.logger,
      redis,
    })
    gatewayPort = (await listenGateway(gateway, { host: '127.0.0.1', port: 0 })).port
  })

  afterAll(async () => {
    await gateway?.close()
    await new Promise((resolve) => (echo ? echo.close(resolve) : resolve(undefined)))
    redis?.disconnect()
    await auth?.close()
    dir?.remove()
  })

  it('accepts an integration token with a valid certificate of the same VAT number', async () => {
    const reply = await call('/api/auth/user-classes', { token: integrationA, client: certificateA })
    expect(reply.status).toBe(200)
    expect(Array.isArray(reply.body.items)).toBe(true)
    const proxied = await call('/api/fe-active/anything', { token: integrationA, client: certificateA })
    expect(proxied.status).toBe(200)
  })

  it('refuses an integration token without a certificate (401) and says why in the log', async () => {
    const reply = await call('/api/auth/user-classes', { token: integrationA })
    expect(reply.status).toBe(401)
    expect(reply.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(reply.body).toMatchObject({ code: 'CLIENT_CERTIFICATE_MISSING', status: 401 })
    const line = gatewayLogs.lines().find((entry) => entry.msg === 'client certificate refused' && entry.code === 'CERTIFICATE_MISSING')
    expect(line).toMatchObject({ partitaIva: vatA, username: 'APIREST_mt00001@mt00001' })
  })

  it('refuses a valid certificate of another VAT number (403) and one of another CA (401)', async () => {
    const other = await call('/api/auth/user-classes', { token: integrationA, client: certificateB })
    expect(other.status).toBe(403)
    expect(other.body).toMatchObject({ code: 'CLIENT_CERTIFICATE_VAT_MISMATCH', status: 403 })

    const key = `${dir.path}/rogue.key`
    const cert = `${dir.path}/rogue.pem`
    const made = openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${vatA}.cert`,
      '-keyout',
      key,
      '-out',
      cert,
    ])
    expect(made.status).toBe(0)
    const rogue = { keyPem: readFileSync(key, 'utf8'), certificatePem: readFileSync(cert, 'utf8') }
    const untrusted = await call('/api/auth/user-classes', { token: integrationA, client: rogue })
    expect(untrusted.status).toBe(401)
    expect(untrusted.body).toMatchObject({ code: 'CLIENT_CERTIFICATE_UNTRUSTED' })
  })

  it('refuses a valid certificate another studio issued for the same VAT number (403), on every service', async () => {
    for (const path of ['/api/auth/user-classes', '/api/fe-active/anything']) {
      const reply = await call(path, { token: integrationA, client: certificateOtherStudio })
      expect(reply.status).toBe(403)
      expect(reply.body).toMatchObject({ code: 'CLIENT_CERTIFICATE_STUDIO_MISMATCH', status: 403 })
    }
    const line = gatewayLogs
      .lines()
      .find((entry) => entry.msg === 'client certificate refused' && entry.code === 'CERTIFICATE_STUDIO_MISMATCH')
    expect(line).toMatchObject({ partitaIva: vatA, username: 'APIREST_mt00001@mt00001' })
  })

  it('checks every request the router sends to a service, however its path is spelled and whatever the method', async () => {
    // Percent-encoded letters are decoded by the router: these reach the fe-active proxy.
    for (const path of ['/%61pi/fe-active/invoices', '/api/fe-%61ctive/invoices', '/%61%70%69/fe-active', '/api/fe-active']) {
      echoed.length = 0
      const reply = await call(path, { token: integrationA })
      expect({ path, status: reply.status, code: reply.body.code }).toEqual({ path, status: 401, code: 'CLIENT_CERTIFICATE_MISSING' })
      expect(echoed).toHaveLength(0)
      // The same spelling with the certificate goes through: the refusal above came from the check, not from routing.
      expect((await call(path, { token: integrationA, client: certificateA })).status).toBe(200)
    }
    for (const method of ['HEAD', 'OPTIONS', 'POST', 'DELETE']) {
      echoed.length = 0
      const reply = await call('/%61pi/fe-active/invoices', { method, token: integrationA })
      expect({ method, status: reply.status }).toEqual({ method, status: 401 })
      expect(echoed).toHaveLength(0)
    }
    // Spellings the router does not send to a service must not reach one either.
    for (const path of ['//api/fe-active/invoices', '/api%2Ffe-active/invoices', '/API/fe-active/invoices', '/api/./fe-active/x']) {
      echoed.length = 0
      const reply = await call(path, { token: integrationA })
      expect({ path, refused: reply.status === 401 || reply.status === 404 }).toEqual({ path, refused: true })
      expect(echoed).toHaveLength(0)
    }
  })

  it('lets users other than integration users through without a certificate', async () => {
    const reply = await call(`/api/auth/clients/${companyA}/certificates`, { token: adminA })
    expect(reply.status).toBe(200)
    expect((reply.body.items as Array<{ serialNumber: string }>).map((item) => item.serialNumber)).toContain(certificateA.serialNumber)
    // An invalid token is the service's to refuse, with its own problem.
    const invalid = await call('/api/auth/user-classes', { token: 'not.a.token' })
    expect(invalid.status).toBe(401)
    expect(invalid.body.code).toBe('UNAUTHORIZED')
    // Public routes stay public.
    const ca = await call('/api/auth/ca/certificate')
    expect(ca.status).toBe(200)
    expect(ca.body.text).toMatch(/^-----BEGIN CERTIFICATE-----/)
  })

  it('never forwards an incoming X-Client-Certificate; forwards the verified peer certificate instead', async () => {
    const spoofed = encodeURIComponent(certificateA.certificatePem)
    echoed.length = 0
    const withoutCertificate = await call('/api/fe-active/echo', { headers: { 'x-client-certificate': spoofed } })
    expect(withoutCertificate.status).toBe(200)
    expect(echoed[0]?.['x-client-certificate']).toBeUndefined()

    echoed.length = 0
    const withCertificate = await call('/api/fe-active/echo', {
      client: certificateB,
      headers: { 'x-client-certificate': spoofed },
    })
    expect(withCertificate.status).toBe(200)
    const forwarded = echoed[0]?.['x-client-certificate']
    expect(typeof forwarded).toBe('string')
    expect(decodeURIComponent(forwarded as string).trim()).toBe(certificateB.certificatePem.trim())
    expect(echoed[0]?.['x-forwarded-proto']).toBe('https')
  })

  it('refuses a certificate revoked through the API once the gateway has refreshed', async () => {
    const revoked = await auth.service.app.inject({
      method: 'POST',
      url: `/certificates/${certificateA.serialNumber}/revocation`,
      headers: bearer(adminA),
      payload: { reason: 'keyCompromise' },
    })
    expect(revoked.statusCode).toBe(200)
    // Before the refresh the gateway still has the previous revocation list.
    expect((await call('/api/auth/user-classes', { token: integrationA, client: certificateA })).status).toBe(200)
    expect(await gateway.refreshClientCa()).toBe(true)
    const reply = await call('/api/auth/user-classes', { token: integrationA, client: certificateA })
    expect(reply.status).toBe(401)
    expect(reply.body).toMatchObject({ code: 'CLIENT_CERTIFICATE_REVOKED' })
    const line = gatewayLogs.lines().find((entry) => entry.msg === 'client certificate refused' && entry.code === 'CERTIFICATE_REVOKED')
    expect(line).toBeDefined()
  })

  it('keeps the last good copy when the auth service cannot be reached', async () => {
    await auth.service.app.close()
    expect(await gateway.refreshClientCa()).toBe(false)
    // The kept copy still refuses the revoked certificate (the token keys are cached too): no failing open.
    const reply = await call('/api/fe-active/echo', { token: integrationA, client: certificateA })
    expect(reply.status).toBe(401)
    expect(reply.body).toMatchObject({ code: 'CLIENT_CERTIFICATE_REVOKED' })
  })
})
