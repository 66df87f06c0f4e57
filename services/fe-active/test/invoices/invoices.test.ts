// Real: PostgreSQL (a database of its own), Redis, the fe-active service built as its server builds it, access
// tokens verified through a JWKS served over HTTP. The official FatturaPA samples are read from the reference folder.
import { randomUUID } from 'node:crypto'
import { parseInvoice } from '@fatturapa-hub/fatturapa'
import { Permissions } from '@fatturapa-hub/shared'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ClientReplica } from '../../src/clients/client-replica.entity.js'
import { Invoice, InvoiceEvent, InvoiceIdentityRow } from '../../src/invoices/invoice.entity.js'
import { sumAmounts } from '../../src/invoices/invoice-facts.js'
import { type FeActiveTest, startFeActiveTest } from '../support/fe-active-test.js'
import { p7mBytes, sampleBytes, sampleInvoice, uniqueNumero } from '../support/samples.js'

const studioA = randomUUID()
const studioB = randomUUID()
const studioC = randomUUID()

describe('fe-active invoices: submission, dry run and reads', () => {
  let test: FeActiveTest
  let sender: string
  let senderB: string
  let senderC: string

  const xml = { 'content-type': 'application/xml' }
  const post = (token: string, payload: Buffer | string | object, headers: Record<string, string> = xml, url = '/invoices') =>
    test.running.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
      payload: payload as Buffer,
    })
  const get = (token: string, url: string) => test.running.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
  const count = (where: Record<string, unknown> = {}) => test.running.orm.em.fork().count(Invoice, where)

  beforeAll(async () => {
    test = await startFeActiveTest({ name: 'fe-active-invoices-test' })
    const permissions = [Permissions.FeActiveSend, Permissions.FeActiveRead]
    sender = await test.tokenFor(studioA, permissions)
    senderB = await test.tokenFor(studioB, permissions)
    senderC = await test.tokenFor(studioC, permissions)
    await test.seedClient(studioA, '01234567890')
    await test.seedClient(studioA, '02182030391')
    await test.seedClient(studioB, '01234567890', { enabled: false })
  })
  afterAll(async () => {
    await test?.close()
  })

  it('stores an FPR12 XML in DA_INVIARE with its first history event', async () => {
    const numero = uniqueNumero()
    const response = await post(sender, sampleInvoice('IT01234567890_FPR02.xml', numero))
    expect(response.statusCode).toBe(201)
    const view = response.json()
    expect(view).toMatchObject({
      format: 'FPR12',
      flow: 'B2B',
      state: 'DA_INVIARE',
      stateLabel: 'DA INVIARE',
      cedentePartitaIva: '01234567890',
      bodiesCount: 1,
      numero,
      data: '2014-12-18',
      bodies: [{ position: 1, number: numero, year: 2014, state: 'DA_INVIARE' }],
      destinatario: { denominazione: 'BETA GAMMA', codiceFiscale: '09876543210' },
      file: { contentKind: 'xml' },
      idempotencyKey: null,
      version: 1,
    })
    const events = await test.running.orm.em.fork().find(InvoiceEvent, { invoiceId: view.id })
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ kind: 'created', fromState: null, toState: 'DA_INVIARE' })
  })

  it('puts an unsigned FPA12 in DA_FIRMARE (PA flow) and keeps every body of a lot', async () => {
    const single = await post(sender, sampleInvoice('IT01234567890_FPA01.xml'))
    expect(single.statusCode).toBe(201)
    expect(single.json()).toMatchObject({ format: 'FPA12', flow: 'PA', state: 'DA_FIRMARE', stateLabel: 'DA FIRMARE' })

    const lot = await post(sender, sampleInvoice('IT01234567890_FPA03.xml', uniqueNumero(), uniqueNumero()))
    expect(lot.statusCode).toBe(201)
    expect(lot.json().bodiesCount).toBe(2)
    expect(lot.json().bodies.map((body: { position: number; state: string }) => [body.position, body.state])).toEqual([
      [1, 'DA_FIRMARE'],
      [2, 'DA_FIRMARE'],
    ])
    expect(await test.running.orm.em.fork().count(InvoiceIdentityRow, { invoiceId: lot.json().id })).toBe(2)
  })

  it('stores an already signed official .p7m byte for byte, in DA_INVIARE, and serves it back', async () => {
    const bytes = p7mBytes('IT02182030391_31.xml.p7m')
    const response = await post(sender, bytes, { 'content-type': 'application/pkcs7-mime' })
    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({
      cedentePartitaIva: '02182030391',
      format: 'FPR12',
      state: 'DA_INVIARE',
      numero: '2',
      importoTotale: '122.00',
      destinatario: { denominazione: 'CIR 2000 snc', partitaIva: 'IT01180680397' },
      file: { contentKind: 'p7m' },
    })
    const file = await get(sender, `/invoices/${response.json().id}/file`)
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toBe('application/pkcs7-mime')
    expect(file.rawPayload.equals(bytes)).toBe(true)
  })

  it('refuses a tampered .p7m sent as application/octet-stream with the SDI signature code', async () => {
    const response = await post(sender, p7mBytes('IT02182030391_31_tampered.xml.p7m'), { 'content-type': 'application/octet-stream' })
    expect(response.statusCode).toBe(422)
    expect(response.json()).toMatchObject({ code: 'INVOICE_INVALID', sdiCodes: ['00102'] })
  })

  it('accepts the JSON model and stores the XML built from it', async () => {
    const numero = uniqueNumero()
    const model = parseInvoice(sampleInvoice('IT01234567890_FPR01.xml', numero))
    const response = await post(sender, model, { 'content-type': 'application/json' })
    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({ format: 'FPR12', numero, state: 'DA_INVIARE', file: { contentKind: 'xml' } })
    const file = await get(sender, `/invoices/${response.json().id}/file`)
    expect(file.headers['content-type']).toMatch(/^application\/xml/)
    expect(parseInvoice(file.rawPayload)).toEqual(model)
  })

  it('refuses a JSON body that is not the model, with JSON Pointers', async () => {
    const response = await post(sender, { FatturaElettronicaHeader: {} }, { 'content-type': 'application/json' })
    expect(response.statusCode).toBe(422)
    expect(response.json().code).toBe('INVOICE_INVALID')
    expect(response.json().errors.length).toBeGreaterThan(0)
    expect(await count({ studioId: studioA, numero: '' })).toBe(0)
  })

  it('answers 422 with the SDI codes for an invalid file and 415 for another content type', async () => {
    const before = await count()
    const content = await post(sender, sampleBytes('IT01234567890_FPR03.xml'))
    expect(content.statusCode).toBe(422)
    expect(content.json()).toMatchObject({ code: 'INVOICE_INVALID', sdiCodes: ['00422'] })
    const malformed = await post(sender, '<p:FatturaElettronica')
    expect(malformed.statusCode).toBe(422)
    expect(malformed.json().sdiCodes).toEqual(['00200'])
    const text = await post(sender, sampleBytes('IT01234567890_FPR01.xml').toString(), { 'content-type': 'text/plain' })
    expect(text.statusCode).toBe(415)
    const image = await post(sender, Buffer.from('GIF89a'), { 'content-type': 'image/gif' })
    expect(image.statusCode).toBe(415)
    expect(await count()).toBe(before)
  })

  it('refuses a client not enabled for FE Attiva, and a cedente that is no client of the studio', async () => {
    const disabled = await post(senderB, sampleInvoice('IT01234567890_FPR01.xml'))
    expect(disabled.statusCode).toBe(422)
    expect(disabled.json().code).toBe('CLIENT_NOT_ENABLED_FOR_FE_ATTIVA')
    // 01234567890 is a client of studio A only.
    const unknown = await post(senderC, sampleInvoice('IT01234567890_FPR01.xml'))
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json().code).toBe('CLIENT_UNKNOWN')
    expect(await count({ studioId: { $in: [studioB, studioC] } })).toBe(0)
  })

  it('lets an integration user send only for its own partita IVA (403 CEDENTE_MISMATCH)', async () => {
    const permissions = [Permissions.FeActiveSend]
    const other = await test.issuer.sign({ studio: studioA, kind: 'integration', partitaIva: '02182030391', permissions })
    const mismatch = await post(other, sampleInvoice('IT01234567890_FPR01.xml'))
    expect(mismatch.statusCode).toBe(403)
    expect(mismatch.json().code).toBe('CEDENTE_MISMATCH')
    const own = await test.issuer.sign({ studio: studioA, kind: 'integration', partitaIva: '01234567890', permissions })
    expect((await post(own, sampleInvoice('IT01234567890_FPR01.xml'))).statusCode).toBe(201)
  })

  it('refuses an invoice number the studio already has (00404), also inside a lot', async () => {
    const numero = uniqueNumero()
    expect((await post(sender, sampleInvoice('IT01234567890_FPR04.xml', numero))).statusCode).toBe(201)
    const again = await post(sender, sampleInvoice('IT01234567890_FPR01.xml', numero))
    expect(again.statusCode).toBe(422)
    expect(again.json()).toMatchObject({ code: 'INVOICE_INVALID', sdiCodes: ['00404'] })
    // A lot whose second body repeats the second body of a stored lot.
    const secondNumero = uniqueNumero()
    expect((await post(sender, sampleInvoice('IT01234567890_FPA03.xml', uniqueNumero(), secondNumero))).statusCode).toBe(201)
    const second = await post(sender, sampleInvoice('IT01234567890_FPA03.xml', uniqueNumero(), secondNumero))
    expect(second.statusCode).toBe(422)
    expect(second.json().errors).toEqual([
      expect.objectContaining({ code: '00404', path: expect.stringContaining('FatturaElettronicaBody[2]') }),
    ])
    // The same number in another studio is no duplicate there.
    await test.seedClient(studioC, '01234567890')
    try {
      expect((await post(senderC, sampleInvoice('IT01234567890_FPR01.xml', numero))).statusCode).toBe(201)
    } finally {
      await test.running.orm.em.fork().nativeDelete(ClientReplica, { studioId: studioC })
    }
  })

  it('counts neither a credit note with the same number nor an invoice SDI rejected as a duplicate (00404)', async () => {
    const numero = uniqueNumero()
    const invoice = sampleInvoice('IT01234567890_FPR01.xml', numero)
    const created = await post(sender, invoice)
    expect(created.statusCode).toBe(201)
    const creditNote = Buffer.from(invoice.toString('utf8').replace('<TipoDocumento>TD01<', '<TipoDocumento>TD04<'), 'utf8')
    expect((await post(sender, creditNote)).statusCode).toBe(201)
    expect((await post(sender, creditNote)).json()).toMatchObject({ sdiCodes: ['00404'] })
    expect((await post(sender, invoice)).json()).toMatchObject({ sdiCodes: ['00404'] })
    await test.running.orm.em.fork().nativeUpdate(Invoice, { id: created.json().id }, { state: 'SCARTATA' as Invoice['state'] })
    expect((await post(sender, invoice)).statusCode).toBe(201)
  })

  it('replays the same Idempotency-Key and body, and answers 409 for the same key with another body', async () => {
    const key = `erp-${randomUUID()}`
    const body = sampleInvoice('IT01234567890_FPR02.xml')
    const first = await post(sender, body, { ...xml, 'idempotency-key': key })
    expect(first.statusCode).toBe(201)
    expect(first.headers['idempotent-replay']).toBeUndefined()
    const replay = await post(sender, body, { ...xml, 'idempotency-key': key })
    expect(replay.statusCode).toBe(200)
    expect(replay.headers['idempotent-replay']).toBe('true')
    expect(replay.json()).toEqual(first.json())
    const reused = await post(sender, sampleInvoice('IT01234567890_FPR02.xml'), { ...xml, 'idempotency-key': key })
    expect(reused.statusCode).toBe(409)
    expect(reused.json().code).toBe('IDEMPOTENCY_KEY_REUSED')
    expect(await count({ idempotencyKey: key })).toBe(1)
    const tooLong = await post(sender, body, { ...xml, 'idempotency-key': 'k'.repeat(201) })
    expect(tooLong.statusCode).toBe(400)
  })

  it('creates one invoice for concurrent requests with the same key', async () => {
    const key = `erp-${randomUUID()}`
    const body = sampleInvoice('IT01234567890_FPR01.xml')
    const responses = await Promise.all(Array.from({ length: 6 }, () => post(sender, body, { ...xml, 'idempotency-key': key })))
    const statuses = responses.map((response) => response.statusCode).sort()
    expect(statuses).toEqual([200, 200, 200, 200, 200, 201])
    expect(new Set(responses.map((response) => response.json().id)).size).toBe(1)
    expect(await count({ idempotencyKey: key })).toBe(1)
  })

  it('dry run: answers the SDI codes and the refusals without storing anything', async () => {
    const before = await count()
    const numero = uniqueNumero()
    const valid = await post(sender, sampleInvoice('IT01234567890_FPR01.xml', numero), xml, '/invoices/validation')
    expect(valid.statusCode).toBe(200)
    expect(valid.json()).toMatchObject({ valid: true, format: 'FPR12', issues: [] })
    expect(valid.json().warnings.length).toBeGreaterThan(0)
    const invalid = await post(sender, sampleBytes('IT01234567890_FPR03.xml'), xml, '/invoices/validation')
    expect(invalid.json()).toMatchObject({ valid: false, issues: [expect.objectContaining({ code: '00422' })] })
    const disabled = await post(senderB, sampleInvoice('IT01234567890_FPR01.xml'), xml, '/invoices/validation')
    expect(disabled.json()).toMatchObject({ valid: false, issues: [expect.objectContaining({ code: 'CLIENT_NOT_ENABLED_FOR_FE_ATTIVA' })] })
    expect(await count()).toBe(before)
    // The number is still free: the dry run reserved nothing.
    expect((await post(sender, sampleInvoice('IT01234567890_FPR01.xml', numero))).statusCode).toBe(201)
    const duplicate = await post(sender, sampleInvoice('IT01234567890_FPR01.xml', numero), xml, '/invoices/validation')
    expect(duplicate.json()).toMatchObject({ valid: false, issues: [expect.objectContaining({ code: '00404' })] })
  })

  it('reads an invoice, its history and its file, and hides them from other studios', async () => {
    const body = sampleInvoice('IT01234567890_FSM10.xml')
    const created = await post(sender, body)
    expect(created.statusCode).toBe(201)
    const { id } = created.json()
    expect(created.json()).toMatchObject({ format: 'FSM10', flow: 'B2B', state: 'DA_INVIARE', cedentePartitaIva: '01234567890' })

    const read = await get(sender, `/invoices/${id}`)
    expect(read.statusCode).toBe(200)
    expect(read.json()).toEqual(created.json())
    const history = await get(sender, `/invoices/${id}/history`)
    expect(history.json().items).toEqual([
      expect.objectContaining({
        kind: 'created',
        fromState: null,
        toState: 'DA_INVIARE',
        details: expect.objectContaining({ format: 'FSM10' }),
      }),
    ])
    const file = await get(sender, `/invoices/${id}/file`)
    expect(file.rawPayload.equals(body)).toBe(true)

    for (const url of [`/invoices/${id}`, `/invoices/${id}/history`, `/invoices/${id}/file`]) {
      const other = await get(senderB, url)
      expect(other.statusCode).toBe(404)
      expect(other.json().code).toBe('INVOICE_NOT_FOUND')
    }
    expect((await get(sender, `/invoices/${randomUUID()}`)).statusCode).toBe(404)
    const noPermission = await test.issuer.sign({ studio: studioA, permissions: [Permissions.FeActiveSend] })
    expect((await get(noPermission, `/invoices/${id}`)).statusCode).toBe(403)
    const readOnly = await test.issuer.sign({ studio: studioA, permissions: [Permissions.FeActiveRead] })
    expect((await post(readOnly, sampleInvoice('IT01234567890_FPR01.xml'))).statusCode).toBe(403)
  })

  it('sums document totals exactly', () => {
    expect(sumAmounts(['0.10', '0.20'])).toBe('0.30')
    expect(sumAmounts(['122.00', '-22.50', '1.12345678'])).toBe('100.62345678')
    expect(sumAmounts(['1.00', null])).toBeNull()
  })
})
