// Real: PostgreSQL (a database of its own), Redis, the fe-passive service built as its server builds it and
// listening on a loopback port; SDI is played by a SOAP client over HTTP with an official AdE sample invoice read
// from /work/shared/reference at test time. Nothing is mocked.
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { SdiInboundMessageEntity } from '@fatturapa-hub/sdi-channel'
import { deliverAsSdi, invoiceDelivery } from '@fatturapa-hub/sdi-channel/testing'
import { createLogger } from '@fatturapa-hub/shared'
import { createTestDatabase, startTestService, type TestDatabase, testRedisPrefix } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { service } from '../src/service.js'

const logger = createLogger({ name: 'fe-passive-test', level: 'silent' })
const sample = fileURLToPath(new URL('../../../../shared/reference/fatturapa/samples/IT01234567890_FPR01.xml', import.meta.url))

describe('fe-passive SDI RicezioneFatture endpoint', () => {
  let database: TestDatabase
  const redisPrefix = testRedisPrefix()

  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database?.drop())

  it('stores an invoice from SDI at /sdi/RicezioneFatture and answers ER01 when SDI_INBOUND_PLAIN_HTTP=true', async () => {
    const running = await startTestService(service, {
      databaseUrl: database.url,
      redisPrefix,
      logger,
      env: { SDI_INBOUND_PLAIN_HTTP: 'true' },
    })
    try {
      await running.app.listen({ host: '127.0.0.1', port: 0 })
      const url = `http://127.0.0.1:${(running.app.server.address() as AddressInfo).port}/sdi/RicezioneFatture`
      const body = invoiceDelivery('7101', 'IT01234567890_FPR01.xml', readFileSync(sample), 'FPR12')
      await expect(deliverAsSdi(url, 'RicezioneFatture.RiceviFatture', body)).resolves.toEqual({ Esito: 'ER01' })
      await expect(deliverAsSdi(url, 'RicezioneFatture.RiceviFatture', body)).resolves.toEqual({ Esito: 'ER01' })

      const rows = await running.orm.em.fork().find(SdiInboundMessageEntity, {}, { populate: ['file'] })
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({
        channel: 'ricezione',
        operation: 'RicezioneFatture.RiceviFatture',
        identificativoSdI: '7101',
        fileName: 'IT01234567890_FPR01.xml',
        metadataFileName: 'IT01234567890_FPR01_MT_001.xml',
        messageType: 'MT',
        messageName: 'FileMetadati',
        messageVocabulary: 'B2B',
        parseError: null,
      })
      expect(Buffer.compare(rows[0]?.file as Buffer, readFileSync(sample))).toBe(0)
      const info = (await running.app.inject({ method: 'GET', url: '/info' })).json()
      expect(info.migrations).toEqual({ applied: ['Migration20261123000000Init', 'Migration20261201120000SdiInbox'], pending: [] })
    } finally {
      await running.close()
    }
  })

  it('does not serve the endpoint on the service port by default (404)', async () => {
    const running = await startTestService(service, {
      databaseUrl: database.url,
      redisPrefix,
      logger,
      env: { SDI_INBOUND_PLAIN_HTTP: 'false' },
    })
    try {
      const response = await running.app.inject({
        method: 'POST',
        url: '/sdi/RicezioneFatture',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        payload: '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"/>',
      })
      expect(response.statusCode).toBe(404)
      expect((await running.app.inject({ method: 'GET', url: '/info' })).statusCode).toBe(200)
    } finally {
      await running.close()
    }
  })
})
