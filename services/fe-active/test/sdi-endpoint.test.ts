// Real: PostgreSQL (a database of its own), Redis, the fe-active service built as its server builds it and
// listening on a loopback port; SDI is played by a SOAP client over HTTP. Nothing is mocked.
import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SdiInboundMessageEntity } from '@fatturapa-hub/sdi-channel'
import { deliverAsSdi, transmitterDeliveries } from '@fatturapa-hub/sdi-channel/testing'
import { createLogger } from '@fatturapa-hub/shared'
import { createTestDatabase, startTestService, type TestDatabase, testRedisPrefix } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { service } from '../src/service.js'

const logger = createLogger({ name: 'fe-active-test', level: 'silent' })

describe('fe-active SDI TrasmissioneFatture endpoint', () => {
  let database: TestDatabase
  const redisPrefix = testRedisPrefix()

  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database?.drop())

  it('stores an SDI notification at /sdi/TrasmissioneFatture when SDI_INBOUND_PLAIN_HTTP=true', async () => {
    const running = await startTestService(service, {
      databaseUrl: database.url,
      redisPrefix,
      logger,
      env: { SDI_INBOUND_PLAIN_HTTP: 'true' },
    })
    try {
      await running.app.listen({ host: '127.0.0.1', port: 0 })
      const url = `http://127.0.0.1:${(running.app.server.address() as AddressInfo).port}/sdi/TrasmissioneFatture`
      const scarto = transmitterDeliveries('7001', 'IT01234567890_00B01.xml', Buffer.from('<x/>')).find(
        (delivery) => delivery.message.type === 'RicevutaScarto',
      )
      if (!scarto) throw new Error('no RicevutaScarto fixture')
      await expect(deliverAsSdi(url, scarto.operation, scarto.body)).resolves.toBeUndefined()
      await expect(deliverAsSdi(url, scarto.operation, scarto.body)).resolves.toBeUndefined()

      const rows = await running.orm.em.fork().find(SdiInboundMessageEntity, {})
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({
        channel: 'trasmissione',
        operation: 'TrasmissioneFatture.NotificaScarto',
        identificativoSdI: '7001',
        fileName: 'IT01234567890_00B01_NS_001.xml',
        messageType: 'NS',
        messageVocabulary: 'B2B',
        parseError: null,
      })
      const info = (await running.app.inject({ method: 'GET', url: '/info' })).json()
      expect(info.migrations).toEqual({ applied: service.migrations.map((migration) => migration.name), pending: [] })
    } finally {
      await running.close()
    }
  })

  it('does not serve the endpoint on the service port by default (404)', async () => {
    const running = await startTestService(service, { databaseUrl: database.url, redisPrefix, logger })
    try {
      const response = await running.app.inject({
        method: 'POST',
        url: '/sdi/TrasmissioneFatture',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        payload: '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"/>',
      })
      expect(response.statusCode).toBe(404)
      expect((await running.app.inject({ method: 'GET', url: '/info' })).statusCode).toBe(200)
    } finally {
      await running.close()
    }
  })

  it('keeps its inbox in an embedded SQLite file too (bytes and dates read back as such)', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'fe-active-sqlite-'))
    const running = await startTestService(service, {
      databaseUrl: `sqlite:${join(folder, 'fe-active.sqlite')}`,
      redisPrefix,
      logger,
      env: { SDI_INBOUND_PLAIN_HTTP: 'true' },
    })
    try {
      await running.app.listen({ host: '127.0.0.1', port: 0 })
      const url = `http://127.0.0.1:${(running.app.server.address() as AddressInfo).port}/sdi/TrasmissioneFatture`
      const [consegna] = transmitterDeliveries('7201', 'IT01234567890_00B02.xml', Buffer.from('<x/>'))
      if (!consegna) throw new Error('no fixture')
      await deliverAsSdi(url, consegna.operation, consegna.body)
      await deliverAsSdi(url, consegna.operation, consegna.body)
      const rows = await running.orm.em.fork().find(SdiInboundMessageEntity, {}, { populate: ['file'] })
      expect(rows).toHaveLength(1)
      expect(rows[0]?.receivedAt).toBeInstanceOf(Date)
      expect(Buffer.compare(rows[0]?.file as Buffer, consegna.body.File)).toBe(0)
      expect(rows[0]).toMatchObject({ messageType: 'RC', messageVocabulary: 'PA', identificativoSdI: '7201' })
    } finally {
      await running.close()
      await rm(folder, { recursive: true, force: true })
    }
  })
})
