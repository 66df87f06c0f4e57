// Real: PostgreSQL (a database of its own), Redis, the service app built as in production and listening on a
// loopback port; SDI is played by callSoap over HTTP; invoices are the official AdE samples read from
// /work/shared/reference at test time. Nothing is mocked.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { buildSoapRequest } from '@fatturapa-hub/sdicoop'
import { createLogger } from '@fatturapa-hub/shared'
import { createTestDatabase, startTestService, type TestDatabase, type TestService, testRedisPrefix } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type SdiInboundMessage, SdiInboundMessageEntity } from '../src/index.js'
import { deliverAsSdi, invoiceDelivery, recipientDecorrenzaTermini, transmitterDeliveries } from '../src/testing/index.js'
import { endpointsService, reference } from './support.js'

const sample = (name: string) => readFileSync(reference('fatturapa', 'samples', name))
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

describe('RicezioneFatture endpoint', () => {
  let database: TestDatabase
  let service: TestService<never>
  let url: string

  beforeAll(async () => {
    database = await createTestDatabase()
    service = (await startTestService(endpointsService({ transport: 'any' }), {
      databaseUrl: database.url,
      redisPrefix: testRedisPrefix(),
      logger: createLogger({ name: 'ricezione-test', level: 'silent' }),
    })) as TestService<never>
    await service.app.listen({ host: '127.0.0.1', port: 0 })
    url = `http://127.0.0.1:${(service.app.server.address() as AddressInfo).port}/sdi/RicezioneFatture`
  })
  afterAll(async () => {
    await service?.close()
    await database?.drop()
  })

  async function rows(where: Partial<SdiInboundMessage> = {}): Promise<SdiInboundMessage[]> {
    return service.orm.em.fork().find(SdiInboundMessageEntity, where, { populate: ['file', 'metadata'] })
  }

  it.each([
    ['IT01234567890_FPA01.xml', 'FPA12', 'MetadatiInvioFile', 'PA', '5001'],
    ['IT01234567890_FPR01.xml', 'FPR12', 'FileMetadati', 'B2B', '5002'],
    ['IT01234567890_FSM10.xml', 'FSM10', 'FileMetadati', 'B2B', '5003'],
  ])('stores the official sample %s with its metadata and answers ER01', async (fileName, formato, metadataType, vocabulary, id) => {
    const invoice = sample(fileName)
    const body = invoiceDelivery(id, fileName, invoice, formato)
    await expect(deliverAsSdi(url, 'RicezioneFatture.RiceviFatture', body)).resolves.toEqual({ Esito: 'ER01' })

    const [row, ...others] = await rows({ identificativoSdI: id })
    expect(others).toHaveLength(0)
    expect(row).toMatchObject({
      channel: 'ricezione',
      operation: 'RicezioneFatture.RiceviFatture',
      fileName,
      fileSha256: sha256(invoice),
      metadataFileName: fileName.replace('.xml', '_MT_001.xml'),
      messageType: 'MT',
      messageName: metadataType,
      messageVocabulary: vocabulary,
      parseError: null,
    })
    expect(Buffer.compare(row?.file as Buffer, invoice)).toBe(0)
    expect(Buffer.compare(row?.metadata as Buffer, body.Metadati)).toBe(0)
  })

  it('stores NotificaDecorrenzaTermini for the recipient and answers HTTP 202 with an empty body', async () => {
    const body = recipientDecorrenzaTermini('5101', 'IT01234567890_FPA01.xml')
    const envelope = buildSoapRequest('RicezioneFatture.NotificaDecorrenzaTermini', body)
    const response = await fetch(url, {
      method: 'POST',
      body: envelope.xml,
      headers: { 'content-type': envelope.contentType, soapaction: envelope.soapActionHeader },
    })
    expect(response.status).toBe(202)
    expect(await response.text()).toBe('')
    const [row] = await rows({ identificativoSdI: '5101' })
    expect(row).toMatchObject({
      channel: 'ricezione',
      operation: 'RicezioneFatture.NotificaDecorrenzaTermini',
      fileName: 'IT01234567890_FPA01_DT_001.xml',
      fileSha256: sha256(body.File),
      messageType: 'DT',
      messageName: 'NotificaDecorrenzaTermini',
      messageVocabulary: 'PA',
      metadataFileName: null,
      parseError: null,
    })
  })

  it('answers a redelivered invoice ER01 again and stores it once', async () => {
    const body = invoiceDelivery('5201', 'IT01234567890_FPR02.xml', sample('IT01234567890_FPR02.xml'), 'FPR12')
    const answers = [await deliverAsSdi(url, 'RicezioneFatture.RiceviFatture', body)]
    answers.push(...(await Promise.all([1, 2, 3].map(() => deliverAsSdi(url, 'RicezioneFatture.RiceviFatture', body)))))
    expect(answers).toEqual([{ Esito: 'ER01' }, { Esito: 'ER01' }, { Esito: 'ER01' }, { Esito: 'ER01' }])
    expect(await rows({ identificativoSdI: '5201' })).toHaveLength(1)
  })

  it('accepts an MTOM/XOP RiceviFatture', async () => {
    const invoice = sample('IT01234567890_FPA02.xml')
    const body = invoiceDelivery('5301', 'IT01234567890_FPA02.xml', invoice, 'FPA12')
    await expect(deliverAsSdi(url, 'RicezioneFatture.RiceviFatture', body, { mtom: true })).resolves.toEqual({ Esito: 'ER01' })
    const [row] = await rows({ identificativoSdI: '5301' })
    expect(row?.fileSha256).toBe(sha256(invoice))
    expect(row?.messageName).toBe('MetadatiInvioFile')
  })

  it('takes a file over the service-wide 7 MiB body limit: 5.6 MB in base64 is about 7.5 MB', async () => {
    const large = Buffer.alloc(5_600_000, 0x41)
    const body = invoiceDelivery('5351', 'IT01234567890_LARGE.xml', large, 'FPR12')
    await expect(deliverAsSdi(url, 'RicezioneFatture.RiceviFatture', body)).resolves.toEqual({ Esito: 'ER01' })
    const [row] = await rows({ identificativoSdI: '5351' })
    expect(row?.fileSha256).toBe(sha256(large))
    expect(row?.parseError).toBeNull()
  })

  it('stores an invoice whose metadata Hash is not the file hash, with the reason', async () => {
    const invoice = sample('IT01234567890_FPR03.xml')
    const body = invoiceDelivery('5401', 'IT01234567890_FPR03.xml', Buffer.from('other bytes'), 'FPR12')
    await expect(deliverAsSdi(url, 'RicezioneFatture.RiceviFatture', { ...body, File: invoice })).resolves.toEqual({ Esito: 'ER01' })
    const [row] = await rows({ identificativoSdI: '5401' })
    expect(row?.messageType).toBe('MT')
    expect(row?.parseError).toContain('Hash')
  })

  it('refuses a TrasmissioneFatture notification with a SOAP Client fault and stores nothing', async () => {
    const before = (await rows()).length
    const delivery = transmitterDeliveries('5501', 'IT01234567890_FPA01.xml', Buffer.from('x'))[0]
    const envelope = buildSoapRequest('TrasmissioneFatture.RicevutaConsegna', delivery?.body as never)
    const response = await fetch(url, { method: 'POST', body: envelope.xml, headers: { 'content-type': envelope.contentType } })
    expect(response.status).toBe(500)
    expect(await response.text()).toContain('<faultcode>soapenv:Client</faultcode>')
    expect((await rows()).length).toBe(before)
  })
})
