// Real: PostgreSQL (a database of its own), Redis (audit queue under a prefix of its own), the service app built
// as in production and listening on a loopback port; SDI is played by callSoap over HTTP. Nothing is mocked.
import { createHash } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { buildSdiMessage } from '@fatturapa-hub/fatturapa'
import { buildSoapRequest, encodeMtom, type FileSdI, SoapError } from '@fatturapa-hub/sdicoop'
import { createLogger } from '@fatturapa-hub/shared'
import { createTestDatabase, startTestService, type TestDatabase, type TestService, testRedisPrefix } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type SdiInboundMessage, SdiInboundMessageEntity } from '../src/index.js'
import { deliverAsSdi, transmitterDeliveries } from '../src/testing/index.js'
import { auditEvents, endpointsService } from './support.js'

const transmittedName = 'IT01234567890_00A01.xml'
const transmitted = Buffer.from('<p:FatturaElettronica versione="FPR12">transmitted</p:FatturaElettronica>')
const deliveries = [
  ...transmitterDeliveries('1001', transmittedName, transmitted).filter((delivery) => delivery.message.vocabulary === 'PA'),
  ...transmitterDeliveries('2001', transmittedName, transmitted).filter((delivery) => delivery.message.vocabulary === 'B2B'),
]
const codes: Record<string, string> = {
  RicevutaConsegna: 'RC',
  NotificaScarto: 'NS',
  NotificaMancataConsegna: 'MC',
  NotificaEsito: 'NE',
  NotificaDecorrenzaTermini: 'DT',
  AttestazioneTrasmissioneFattura: 'AT',
  RicevutaScarto: 'NS',
  RicevutaImpossibilitaRecapito: 'MC',
}

describe('TrasmissioneFatture endpoint', () => {
  let database: TestDatabase
  let service: TestService<never>
  let url: string
  const prefix = testRedisPrefix()

  beforeAll(async () => {
    database = await createTestDatabase()
    service = (await startTestService(endpointsService({ transport: 'any' }), {
      databaseUrl: database.url,
      redisPrefix: prefix,
      logger: createLogger({ name: 'trasmissione-test', level: 'silent' }),
    })) as TestService<never>
    await service.app.listen({ host: '127.0.0.1', port: 0 })
    url = `http://127.0.0.1:${(service.app.server.address() as AddressInfo).port}/sdi/TrasmissioneFatture`
  })
  afterAll(async () => {
    await service?.close()
    await database?.drop()
  })

  async function rows(where: Partial<SdiInboundMessage> = {}): Promise<SdiInboundMessage[]> {
    return service.orm.em.fork().find(SdiInboundMessageEntity, where, { populate: ['file', 'metadata'], orderBy: { receivedAt: 'asc' } })
  }

  async function post(body: string | Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
    const response = await fetch(url, { method: 'POST', body, headers })
    return { status: response.status, text: await response.text() }
  }

  it('covers the nine message types SDI sends a transmitter', () => {
    expect(deliveries.map((delivery) => `${delivery.message.vocabulary} ${delivery.message.type}`).sort()).toEqual([
      'B2B RicevutaConsegna',
      'B2B RicevutaImpossibilitaRecapito',
      'B2B RicevutaScarto',
      'PA AttestazioneTrasmissioneFattura',
      'PA NotificaDecorrenzaTermini',
      'PA NotificaEsito',
      'PA NotificaMancataConsegna',
      'PA NotificaScarto',
      'PA RicevutaConsegna',
    ])
  })

  it.each(deliveries.map((delivery) => [`${delivery.message.vocabulary} ${delivery.message.type}`, delivery] as const))(
    'stores %s before answering HTTP 202 with an empty body',
    async (_name, delivery) => {
      const answer = await deliverAsSdi(url, delivery.operation, delivery.body)
      expect(answer).toBeUndefined()

      const [row, ...others] = await rows({
        operation: delivery.operation,
        fileName: delivery.body.NomeFile,
        identificativoSdI: delivery.body.IdentificativoSdI,
      })
      expect(others).toHaveLength(0)
      expect(row).toMatchObject({
        channel: 'trasmissione',
        operation: delivery.operation,
        identificativoSdI: delivery.body.IdentificativoSdI,
        fileName: delivery.body.NomeFile,
        fileSha256: createHash('sha256').update(delivery.body.File).digest('hex'),
        messageType: codes[delivery.message.type],
        messageName: delivery.message.type,
        messageVocabulary: delivery.message.vocabulary,
        parseError: null,
        metadataFileName: null,
        metadata: null,
      })
      expect(Buffer.compare(row?.file as Buffer, delivery.body.File)).toBe(0)
      expect(row?.receivedAt).toBeInstanceOf(Date)
    },
  )

  it('answers a redelivery the same way and stores it once, also when copies arrive together', async () => {
    const delivery = transmitterDeliveries('3001', transmittedName, transmitted)[0] as (typeof deliveries)[number]
    const envelope = buildSoapRequest(delivery.operation, delivery.body)
    const headers = { 'content-type': envelope.contentType, soapaction: envelope.soapActionHeader }
    const first = await post(envelope.xml, headers)
    const again = await post(envelope.xml, headers)
    const together = await Promise.all([post(envelope.xml, headers), post(envelope.xml, headers), post(envelope.xml, headers)])
    for (const answer of [first, again, ...together]) expect(answer).toEqual({ status: 202, text: '' })
    expect(await rows({ identificativoSdI: '3001' })).toHaveLength(1)
  })

  it('records the audit event of a delivery as the system actor sdi', async () => {
    const delivery = transmitterDeliveries('3101', transmittedName, transmitted)[1] as (typeof deliveries)[number]
    await deliverAsSdi(url, delivery.operation, delivery.body)
    const event = await waitFor(async () => (await auditEvents(prefix, 1)).find((candidate) => candidate.resource?.id === '3101'))
    expect(event).toMatchObject({
      action: 'fe-active.sdiTrasmissioneFatture',
      outcome: 'success',
      actor: { kind: 'system', username: 'sdi' },
      resource: { type: 'sdi-messages', id: '3101' },
      details: { operation: 'TrasmissioneFatture.NotificaScarto', messageType: 'NS', redelivery: false, statusCode: 202 },
    })
  })

  it('accepts an MTOM/XOP request', async () => {
    const delivery = transmitterDeliveries('3201', transmittedName, transmitted)[3] as (typeof deliveries)[number]
    await expect(deliverAsSdi(url, delivery.operation, delivery.body, { mtom: true })).resolves.toBeUndefined()
    const [row] = await rows({ identificativoSdI: '3201' })
    expect(row).toMatchObject({ operation: 'TrasmissioneFatture.NotificaEsito', messageType: 'NE', messageVocabulary: 'PA' })
    expect(Buffer.compare(row?.file as Buffer, delivery.body.File)).toBe(0)
  })

  it('stores a message file it cannot read, and one that does not fit the operation, with the reason', async () => {
    const garbage: FileSdI = { IdentificativoSdI: '3301', NomeFile: 'IT01234567890_00A01_RC_001.xml', File: Buffer.from('not xml at all') }
    await deliverAsSdi(url, 'TrasmissioneFatture.RicevutaConsegna', garbage)
    const scarto = transmitterDeliveries('3302', transmittedName, transmitted)[1] as (typeof deliveries)[number]
    await deliverAsSdi(url, 'TrasmissioneFatture.RicevutaConsegna', scarto.body)
    const otherId = transmitterDeliveries('3303', transmittedName, transmitted)[0] as (typeof deliveries)[number]
    await deliverAsSdi(url, 'TrasmissioneFatture.RicevutaConsegna', { ...otherId.body, IdentificativoSdI: '3304' })

    const [unreadable] = await rows({ identificativoSdI: '3301' })
    expect(unreadable).toMatchObject({ messageType: null, messageName: null, messageVocabulary: null })
    expect(unreadable?.parseError).toEqual(expect.any(String))
    const [mismatch] = await rows({ identificativoSdI: '3302' })
    expect(mismatch).toMatchObject({ messageType: 'NS', messageName: 'NotificaScarto' })
    expect(mismatch?.parseError).toContain('expected RC')
    const [wrongId] = await rows({ identificativoSdI: '3304' })
    expect(wrongId?.parseError).toContain('IdentificativoSdI 3303')
  })

  describe('refuses what is not a TrasmissioneFatture request with a SOAP fault, stores nothing and keeps serving', () => {
    const valid = transmitterDeliveries('3401', transmittedName, transmitted)[0] as (typeof deliveries)[number]
    const envelope = buildSoapRequest(valid.operation, valid.body)
    const soap11 = { 'content-type': 'text/xml; charset=utf-8' }
    const cases: Array<[string, string | Buffer, Record<string, string>, number, string]> = [
      ['garbage', Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x3c]), soap11, 500, 'Client'],
      [
        'not well-formed XML',
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>',
        soap11,
        500,
        'Client',
      ],
      ['an empty body', '', soap11, 500, 'Client'],
      ['XML that is no envelope', '<hello/>', soap11, 500, 'Client'],
      [
        'a SOAP 1.2 envelope',
        envelope.xml.replace('http://schemas.xmlsoap.org/soap/envelope/', 'http://www.w3.org/2003/05/soap-envelope'),
        soap11,
        500,
        'VersionMismatch',
      ],
      ['a SOAP 1.2 media type', envelope.xml, { 'content-type': 'application/soap+xml; charset=utf-8' }, 500, 'VersionMismatch'],
      ['JSON', '{"IdentificativoSdI":"1"}', { 'content-type': 'application/json' }, 500, 'Client'],
      ['a RicezioneFatture request', buildSoapRequest('RicezioneFatture.NotificaDecorrenzaTermini', valid.body).xml, soap11, 500, 'Client'],
      [
        'a SOAPAction of another operation',
        envelope.xml,
        { ...soap11, soapaction: '"http://www.fatturapa.it/TrasmissioneFatture/NotificaScarto"' },
        500,
        'Client',
      ],
      ['a body that breaks the SDICoop types', envelope.xml.replace('>3401<', '>34x01<'), soap11, 500, 'Client'],
      [
        'a DOCTYPE with entities',
        `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>${envelope.xml.replace(/^<\?xml[^>]*\?>/, '').replace('>3401<', '>&lol2;<')}`,
        soap11,
        500,
        'Client',
      ],
      [
        'a broken MTOM package',
        '--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--x--',
        { 'content-type': 'multipart/related; boundary=x; type="application/xop+xml"' },
        500,
        'Client',
      ],
      ['a message over 8 MiB', Buffer.alloc(8 * 1024 * 1024 + 10, 0x20), soap11, 413, 'Client'],
    ]

    it.each(cases)('%s', async (_name, body, headers, status, faultcode) => {
      const before = (await rows()).length
      let answer: { status: number; text: string }
      try {
        answer = await post(body, headers)
      } catch (error) {
        // A server may cut an oversized upload before reading it all; the client then sees the connection close.
        if (status !== 413) throw error
        answer = { status: 413, text: '<faultcode>soapenv:Client</faultcode>' }
      }
      expect(answer.status).toBe(status)
      expect(answer.text).toContain(`<faultcode>soapenv:${faultcode}</faultcode>`)
      expect((await rows()).length).toBe(before)
      await expect(deliverAsSdi(url, valid.operation, valid.body)).resolves.toBeUndefined()
    })

    it('as a typed SoapFaultError for a SOAP client', async () => {
      const error = await deliverAsSdi(url, 'RicezioneFatture.NotificaDecorrenzaTermini', valid.body).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(SoapError)
      expect(error).toMatchObject({ code: 'SOAP_FAULT', httpStatus: 500, fault: { code: 'Client' } })
    })
  })

  it('is documented in the OpenAPI document of the service, body as SOAP XML, under the sdi tag', async () => {
    const document = (await service.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, { post?: { tags: string[]; operationId: string; requestBody: { content: Record<string, unknown> } } }>
    }
    const operation = document.paths['/sdi/TrasmissioneFatture']?.post
    expect(operation).toMatchObject({ tags: ['sdi'], operationId: 'fe-active.sdiTrasmissioneFatture' })
    expect(Object.keys(operation?.requestBody.content ?? {})).toEqual(['text/xml', 'multipart/related'])
  })

  it('builds the test messages with the SDI builder (sanity: the NE file carries the EC02 outcome)', () => {
    const ne = deliveries.find((delivery) => delivery.message.type === 'NotificaEsito')
    expect(ne?.body.File.toString('utf8')).toBe(buildSdiMessage(ne?.message as never))
    expect(ne?.body.File.toString('utf8')).toContain('<Esito>EC02</Esito>')
    expect(encodeMtom(buildSoapRequest('TrasmissioneFatture.NotificaEsito', ne?.body as FileSdI).xml).contentType).toMatch(
      /^multipart\/related/,
    )
  })
})

async function waitFor<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const value = await read()
    if (value !== undefined) return value
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return undefined
}
