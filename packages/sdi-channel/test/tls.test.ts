// Real: openssl-generated CA, server and client certificates; PostgreSQL and Redis behind a service app built as
// in production; the mutual-TLS listener on a loopback port; an https server with mutual TLS playing SdIRiceviFile.
// Nothing is mocked.

import { X509Certificate } from 'node:crypto'
import { rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { buildSoapResponse, type SoapError } from '@fatturapa-hub/sdicoop'
import { createLogger, loadConfig } from '@fatturapa-hub/shared'
import { createTestDatabase, startTestService, type TestDatabase, type TestService, testRedisPrefix } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import Type from 'typebox'
import {
  listenSdiEndpoint,
  SdiClient,
  SdiClientConfigFields,
  type SdiClientError,
  SdiInboundMessageEntity,
  type SdiTlsListener,
} from '../src/index.js'
import { deliverAsSdi, transmitterDeliveries } from '../src/testing/index.js'
import { endpointsService, makeCertificates } from './support.js'

const certificates = makeCertificates()
const pem = (name: string) => readFile(certificates.path(name))
const deliveryFor = (id: string) =>
  transmitterDeliveries(id, 'IT01234567890_00A01.xml', Buffer.from('x'))[0] as ReturnType<typeof transmitterDeliveries>[number]
const delivery = deliveryFor('6001')

afterAll(() => rmSync(certificates.folder, { recursive: true, force: true }))

describe('mutual-TLS listener of the SDI endpoints', () => {
  let database: TestDatabase
  let service: TestService<never>
  let listener: SdiTlsListener
  let url: string

  beforeAll(async () => {
    database = await createTestDatabase()
    service = (await startTestService(endpointsService({ transport: 'tls' }), {
      databaseUrl: database.url,
      redisPrefix: testRedisPrefix(),
      logger: createLogger({ name: 'tls-test', level: 'silent' }),
    })) as TestService<never>
    listener = await listenSdiEndpoint(service.app, {
      host: '127.0.0.1',
      port: 0,
      certFile: certificates.path('server.crt'),
      keyFile: certificates.path('server.key'),
      clientCaFile: certificates.path('ca.crt'),
    })
    url = `https://127.0.0.1:${listener.address.port}/sdi/TrasmissioneFatture`
  })
  afterAll(async () => {
    await listener?.close()
    await service?.close()
    await database?.drop()
  })

  const count = () => service.orm.em.fork().count(SdiInboundMessageEntity, {})

  it('serves SDI when it presents a certificate of the configured CA', async () => {
    const answer = await deliverAsSdi(url, delivery.operation, delivery.body, {
      tls: { cert: await pem('client.crt'), key: await pem('client.key'), ca: await pem('ca.crt') },
    })
    expect(answer).toBeUndefined()
    expect(await count()).toBe(1)
  })

  it.each([
    ['without a client certificate', [] as string[]],
    ['with a certificate of another CA', ['rogue.crt', 'rogue.key']],
  ])('refuses a client %s at the TLS handshake', async (_name, files) => {
    const before = await count()
    const [cert, key] = await Promise.all(files.map((name) => pem(name)))
    const error = (await deliverAsSdi(url, delivery.operation, delivery.body, {
      tls: { ca: await pem('ca.crt'), ...(cert && key ? { cert, key } : {}) },
    }).catch((caught: unknown) => caught)) as SoapError
    // Refused at TLS: nothing reached the app. (A certificate of another CA ends in ECONNRESET on the client side
    // with TLS 1.3, which sdicoop reports as ambiguous; the missing certificate gives a TLS alert.)
    expect(error).toMatchObject({ code: 'SOAP_NETWORK_ERROR' })
    expect(await count()).toBe(before)
  })

  it('accepts only the pinned SDI certificate when fingerprints are configured', async () => {
    const [client, ca] = await Promise.all([pem('client.crt'), pem('ca.crt')])
    const pinned = await listenSdiEndpoint(service.app, {
      host: '127.0.0.1',
      port: 0,
      certFile: certificates.path('server.crt'),
      keyFile: certificates.path('server.key'),
      clientCaFile: certificates.path('ca.crt'),
      // Another channel's certificate: the CA is the same, the fingerprint is not.
      allowedClientFingerprints: [new X509Certificate(await pem('other-channel.crt')).fingerprint256],
    })
    try {
      const pinnedUrl = `https://127.0.0.1:${pinned.address.port}/sdi/TrasmissioneFatture`
      const before = await count()
      const refused = (await deliverAsSdi(pinnedUrl, delivery.operation, delivery.body, {
        tls: { cert: client, key: await pem('client.key'), ca },
      }).catch((caught: unknown) => caught)) as SoapError
      expect(refused).toMatchObject({ code: 'SOAP_HTTP_ERROR', httpStatus: 403 })
      expect(await count()).toBe(before)
      const other = deliveryFor('6002')
      const accepted = await deliverAsSdi(pinnedUrl, other.operation, other.body, {
        tls: { cert: await pem('other-channel.crt'), key: await pem('other-channel.key'), ca },
      })
      expect(accepted).toBeUndefined()
      expect(await count()).toBe(before + 1)
    } finally {
      await pinned.close()
    }
  })

  it('routes nothing but the SDI paths, even for SDI', async () => {
    const [cert, key, ca] = await Promise.all([pem('client.crt'), pem('client.key'), pem('ca.crt')])
    const status = await new Promise<number>((resolve, reject) => {
      https
        .request(`https://127.0.0.1:${listener.address.port}/info`, { cert, key, ca }, (response) => {
          response.resume()
          resolve(response.statusCode ?? 0)
        })
        .on('error', reject)
        .end()
    })
    expect(status).toBe(404)
  })

  it('is not served on the plain HTTP port (404 as for an unknown route)', async () => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/sdi/TrasmissioneFatture',
      headers: { 'content-type': 'text/xml' },
      payload: '<x/>',
    })
    const before = await count()
    expect(response.statusCode).toBe(404)
    expect(await count()).toBe(before)
  })
})

describe('SdiClient with mutual TLS from configuration', () => {
  let sdi: https.Server
  let base: string

  beforeAll(async () => {
    const [key, cert, ca] = await Promise.all([pem('server.key'), pem('server.crt'), pem('ca.crt')])
    sdi = https.createServer({ key, cert, ca, requestCert: true, rejectUnauthorized: true }, (request, response) => {
      request.resume()
      request.on('end', () => {
        const answer = buildSoapResponse('SdIRiceviFile.RiceviFile', {
          IdentificativoSdI: '4242',
          DataOraRicezione: '2026-11-03T10:15:30.000+01:00',
        })
        response.writeHead(200, { 'content-type': answer.contentType }).end(answer.xml)
      })
    })
    await new Promise<void>((resolve) => sdi.listen(0, '127.0.0.1', resolve))
    base = `https://127.0.0.1:${(sdi.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    sdi.closeAllConnections()
    await new Promise((resolve) => sdi.close(resolve))
  })

  const configOf = (env: Record<string, string>) =>
    loadConfig(Type.Object(SdiClientConfigFields), { SDI_RICEVI_FILE_URL: `${base}/ricevi_file`, SDI_TIMEOUT_MS: '5000', ...env })

  it('transmits with the certificate files named in the configuration', async () => {
    const client = await SdiClient.fromConfig(
      configOf({
        SDI_CLIENT_TLS_CERT_FILE: certificates.path('client.crt'),
        SDI_CLIENT_TLS_KEY_FILE: certificates.path('client.key'),
        SDI_CLIENT_TLS_CA_FILE: certificates.path('ca.crt'),
      }),
    )
    await expect(client.transmitFile({ fileName: 'IT01234567890_00A02.xml', file: Buffer.from('<x/>') })).resolves.toEqual({
      identificativoSdI: '4242',
      dataOraRicezione: '2026-11-03T10:15:30.000+01:00',
    })
  })

  it('is refused by SDI without a client certificate (not ambiguous: nothing was received)', async () => {
    const client = await SdiClient.fromConfig(configOf({ SDI_CLIENT_TLS_CA_FILE: certificates.path('ca.crt') }))
    const error = (await client
      .transmitFile({ fileName: 'IT01234567890_00A02.xml', file: Buffer.from('<x/>') })
      .catch((caught: unknown) => caught)) as SdiClientError
    expect(error).toMatchObject({ code: 'SDI_UNREACHABLE', ambiguous: false })
  })
})
