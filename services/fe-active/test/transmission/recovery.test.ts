// The transmission's failure paths on real PostgreSQL and real TCP peers (no SDI simulator needed for these): a
// port nobody listens on (refused: nothing reached SDI), a server that takes the request and never answers
// (ambiguous), a crash left-over `sending` row, SDI messages that overtake the answer or reconcile an ambiguous call.
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { buildSdiMessage } from '@fatturapa-hub/fatturapa'
import { SdiClient, SdiInboundMessage } from '@fatturapa-hub/sdi-channel'
import { Permissions } from '@fatturapa-hub/shared'
import type { TestService } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Config } from '../../src/config.js'
import { Invoice, InvoiceEvent } from '../../src/invoices/invoice.entity.js'
import { applySdiMessage, maxSendingWaitMs, SdiMessageDeferredError } from '../../src/transmission/apply-sdi-message.js'
import { SdiMessageApplication, SdiTransmission } from '../../src/transmission/transmission.entity.js'
import { InvoiceTransmitter } from '../../src/transmission/transmit.js'
import { type FeActiveTest, startFeActiveTest } from '../support/fe-active-test.js'
import { sampleInvoice, uniqueNumero } from '../support/samples.js'
import { closedPort } from '../support/unreachable-sdi.js'

const studio = randomUUID()
let counter = 0

let test: FeActiveTest
let running: TestService<Config>
let logger: FeActiveTest['logger']
let token: string
/** Accepts connections and never answers: every call to it times out after the request went out. */
let silent: net.Server
const sockets = new Set<net.Socket>()

const policy = { retryBaseMs: 60_000, maxAttempts: 5, reconcileWaitMs: 60_000 }
function transmitterTo(url: string, overrides: Partial<typeof policy> = {}) {
  const client = new SdiClient({ riceviFileUrl: url, riceviNotificaUrl: url, timeoutMs: 1000 })
  return new InvoiceTransmitter(running.orm, async () => client, { ...policy, ...overrides }, logger)
}

async function submit(): Promise<string> {
  const response = await running.app.inject({
    method: 'POST',
    url: '/invoices',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
    payload: sampleInvoice('IT01234567890_FPR02.xml', uniqueNumero('RC')),
  })
  expect(response.statusCode).toBe(201)
  return response.json().id
}

const reload = (id: string) => running.orm.em.fork().findOneOrFail(Invoice, { id })
const transmissions = (invoiceId: string) => running.orm.em.fork().find(SdiTransmission, { invoiceId }, { orderBy: { attempt: 'asc' } })

/** Stores an SDI message about a file as the TrasmissioneFatture endpoint would, and applies it as the job does. */
async function deliver(message: Parameters<typeof buildSdiMessage>[0], options: { receivedAt?: Date } = {}) {
  const id = randomUUID()
  const file = Buffer.from(buildSdiMessage(message), 'utf8')
  await running.orm.em.fork().insert(SdiInboundMessage, {
    id,
    channel: 'trasmissione',
    operation: 'TrasmissioneFatture.RicevutaConsegna',
    identificativoSdI: message.IdentificativoSdI,
    fileName: `IT01234567890_X${counter}_RC_001.xml`,
    fileSha256: '0'.repeat(64),
    file,
    metadataFileName: null,
    metadata: null,
    messageType: null,
    messageName: null,
    messageVocabulary: null,
    parseError: null,
    receivedAt: options.receivedAt ?? new Date(),
    requestId: 'test',
  })
  return running.orm.em.fork().transactional((em) => applySdiMessage(id, { em, log: logger }))
}

const rc = (identificativoSdI: string, fileName: string) =>
  ({
    vocabulary: 'B2B',
    type: 'RicevutaConsegna',
    IdentificativoSdI: identificativoSdI,
    NomeFile: fileName,
    Hash: '0'.repeat(64),
    DataOraRicezione: '2026-12-01T10:00:00.000+01:00',
    DataOraConsegna: '2026-12-01T10:05:00.000+01:00',
    Destinatario: { Codice: 'ABC1234' },
    MessageId: String(100000 + counter++),
  }) as Parameters<typeof buildSdiMessage>[0]

/** SDI's NS for a file name it already has (00002). */
const duplicateNameRefusal = (identificativoSdI: string, fileName: string) =>
  ({
    vocabulary: 'B2B',
    type: 'RicevutaScarto',
    IdentificativoSdI: identificativoSdI,
    NomeFile: fileName,
    Hash: '0'.repeat(64),
    DataOraRicezione: '2026-12-01T10:00:00.000+01:00',
    ListaErrori: [{ Codice: '00002', Descrizione: 'Nome file duplicato', Suggerimento: 'Cambiare il progressivo' }],
    MessageId: String(100000 + counter++),
  }) as Parameters<typeof buildSdiMessage>[0]

beforeAll(async () => {
  test = await startFeActiveTest({ name: 'fe-active-recovery-test' })
  running = test.running
  logger = test.logger
  token = await test.tokenFor(studio, [Permissions.FeActiveSend, Permissions.FeActiveRead])
  await test.seedClient(studio, '01234567890')
  silent = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.resume()
  })
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
})

afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => silent?.close(resolve))
  await test?.close()
})

/** An SdIRiceviFile endpoint that answers every call with this response body (plain SOAP 1.1), once `answer` settles. */
async function soapServer(
  responseBody: string,
  answer: Promise<void> = Promise.resolve(),
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    request.resume()
    request.on('end', async () => {
      await answer
      response.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' })
      response.end(
        `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${responseBody}</soapenv:Body></soapenv:Envelope>`,
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/SdIRiceviFile`, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

describe('transmission failures', () => {
  it('a refused connection: ERRORE IN INVIO with an automatic retry under a new name', async () => {
    const id = await submit()
    const transmitter = transmitterTo(`http://127.0.0.1:${await closedPort()}/SdIRiceviFile`)
    const outcome = await transmitter.transmit(id, 1)
    expect(outcome).toMatchObject({ kind: 'refused', error: 'unreachable' })
    const invoice = await reload(id)
    expect(invoice.state).toBe('ERRORE_IN_INVIO')
    expect(invoice.stateSnapshot.transportError).toMatchObject({ kind: 'unreachable', ambiguous: false })
    expect(invoice.nextActionAt?.getTime()).toBeGreaterThan(Date.now() + 50_000)
    // The same attempt queued twice runs once; the retry is not due yet.
    expect(await transmitter.transmit(id, 1)).toMatchObject({ kind: 'skipped' })
    expect(await transmitter.transmit(id, 2)).toMatchObject({ kind: 'skipped', reason: 'retry not due' })

    await running.orm.em.fork().nativeUpdate(Invoice, { id }, { nextActionAt: new Date(Date.now() - 1) })
    expect(await transmitter.transmit(id, 2)).toMatchObject({ kind: 'refused' })
    const rows = await transmissions(id)
    expect(rows.map((row) => row.status)).toEqual(['refused', 'refused'])
    expect(rows[0]?.fileName).not.toBe(rows[1]?.fileName)
  })

  it('no answer: ambiguous, never re-sent before the reconciliation wait, then re-sent under the same name', async () => {
    const id = await submit()
    const { port } = silent.address() as AddressInfo
    const transmitter = transmitterTo(`http://127.0.0.1:${port}/SdIRiceviFile`)
    expect(await transmitter.transmit(id, 1)).toMatchObject({ kind: 'ambiguous' })
    const invoice = await reload(id)
    expect(invoice.state).toBe('ERRORE_IN_INVIO')
    expect(invoice.stateSnapshot.transportError).toMatchObject({ kind: 'timeout', ambiguous: true })
    expect(await transmitter.transmit(id, 2)).toMatchObject({ kind: 'skipped', reason: 'retry not due' })
    // The operator cannot retry without confirming SDI did not get it.
    const refused = await running.app.inject({
      method: 'POST',
      url: `/invoices/${id}/retransmission`,
      headers: { authorization: `Bearer ${token}` },
      payload: {},
    })
    expect(refused.statusCode).toBe(409)
    expect(refused.json()).toMatchObject({ code: 'INVOICE_STATE_CONFLICT', reason: 'RETRY_NEEDS_RECONCILIATION' })

    await running.orm.em.fork().nativeUpdate(Invoice, { id }, { nextActionAt: new Date(Date.now() - 1) })
    expect(await transmitter.transmit(id, 2)).toMatchObject({ kind: 'ambiguous' })
    const rows = await transmissions(id)
    expect(rows.map((row) => row.status)).toEqual(['ambiguous', 'ambiguous'])
    expect(rows[1]?.fileName).toBe(rows[0]?.fileName)

    // SDI had the first copy: its NS 00002 for the resend is ignored, its RC for the first copy reconciles.
    const fileName = rows[0]?.fileName as string
    expect(await deliver(duplicateNameRefusal('7002', fileName))).toBe('ignored')
    expect((await reload(id)).state).toBe('ERRORE_IN_INVIO')
    expect(await deliver(rc('7001', fileName))).toBe('applied')
    const delivered = await reload(id)
    expect(delivered.state).toBe('CONSEGNATA')
    expect(delivered.identificativoSdI).toBe('7001')
    expect(delivered.nextActionAt).toBeNull()
  })

  it('a resend under the same name that SDI answers: the late messages of the first copy still decide', async () => {
    const id = await submit()
    const { port } = silent.address() as AddressInfo
    expect(await transmitterTo(`http://127.0.0.1:${port}/SdIRiceviFile`).transmit(id, 1)).toMatchObject({ kind: 'ambiguous' })
    await running.orm.em.fork().nativeUpdate(Invoice, { id }, { nextActionAt: new Date(Date.now() - 1) })
    // SDI takes the resend (an IdentificativoSdI of its own) and will discard it with NS 00002: it had the first copy.
    const answering = await soapServer(
      `<ns:rispostaSdIRiceviFile xmlns:ns="http://www.fatturapa.gov.it/sdi/ws/trasmissione/v1.0/types"><IdentificativoSdI>7102</IdentificativoSdI><DataOraRicezione>2026-12-01T11:00:00.000+01:00</DataOraRicezione></ns:rispostaSdIRiceviFile>`,
    )
    try {
      expect(await transmitterTo(answering.url).transmit(id, 2)).toMatchObject({ kind: 'sent', identificativoSdI: '7102' })
    } finally {
      await answering.close()
    }
    const resent = await reload(id)
    expect(resent.state).toBe('INVIATA')
    // Not known yet which copy SDI keeps: no IdentificativoSdI on the invoice, no "transmitted" fact published.
    expect(resent.identificativoSdI).toBeNull()
    const fileName = resent.fileName as string
    expect(await deliver(rc('7101', fileName))).toBe('applied')
    const delivered = await reload(id)
    expect(delivered.state).toBe('CONSEGNATA')
    expect(delivered.identificativoSdI).toBe('7101')
    const events = await running.orm.em.fork().find(InvoiceEvent, { invoiceId: id }, { orderBy: { at: 'asc', id: 'asc' } })
    expect(events.filter((event) => event.details.transmitted === true).map((event) => event.kind)).toEqual(['notification.RC'])
    expect(await deliver(duplicateNameRefusal('7102', fileName))).toBe('ignored')
    expect((await reload(id)).state).toBe('CONSEGNATA')
  })

  it('an answer that arrives after the sweeper gave up on the call changes nothing: SDI messages decide', async () => {
    const id = await submit()
    let release: () => void = () => {}
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    const slow = await soapServer(
      `<ns:rispostaSdIRiceviFile xmlns:ns="http://www.fatturapa.gov.it/sdi/ws/trasmissione/v1.0/types"><IdentificativoSdI>7201</IdentificativoSdI><DataOraRicezione>2026-12-01T12:00:00.000+01:00</DataOraRicezione></ns:rispostaSdIRiceviFile>`,
      released,
    )
    try {
      const transmitter = new InvoiceTransmitter(
        running.orm,
        async () => new SdiClient({ riceviFileUrl: slow.url, riceviNotificaUrl: slow.url, timeoutMs: 10_000 }),
        policy,
        logger,
      )
      const call = transmitter.transmit(id, 1)
      let sending: SdiTransmission | undefined
      for (let wait = 0; wait < 100 && sending === undefined; wait++) {
        sending = (await transmissions(id)).find((row) => row.status === 'sending')
        if (sending === undefined) await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(await transmitter.declareUnanswered(sending?.id as string)).toBe(true)
      release()
      expect(await call).toMatchObject({ kind: 'skipped' })
    } finally {
      release()
      await slow.close()
    }
    const invoice = await reload(id)
    expect(invoice.state).toBe('ERRORE_IN_INVIO')
    expect(invoice.identificativoSdI).toBeNull()
    expect((await transmissions(id)).map((row) => [row.status, row.identificativoSdI])).toEqual([['ambiguous', null]])
  })

  it('a crash during the call: the sending row is declared unanswered, and SDI messages wait for it', async () => {
    const id = await submit()
    const fileName = 'IT01234567890_ZZZZ1.xml'
    const transmissionId = randomUUID()
    const em = running.orm.em.fork()
    await em.insert(SdiTransmission, {
      id: transmissionId,
      invoiceId: id,
      studioId: studio,
      attempt: 1,
      transmitter: 'IT01234567890',
      progressivo: 'ZZZZ1',
      fileName,
      fileSha256: '0'.repeat(64),
      status: 'sending',
      startedAt: new Date(Date.now() - 120_000),
      finishedAt: null,
      identificativoSdI: null,
      dataOraRicezione: null,
      errorCode: null,
      errorMessage: null,
    })
    await em.nativeUpdate(Invoice, { id }, { transmissionAttempts: 1, fileName, nextActionAt: null })

    // Deleting is refused while SDI may be taking the file.
    const deletion = await running.app.inject({ method: 'DELETE', url: `/invoices/${id}`, headers: { authorization: `Bearer ${token}` } })
    expect(deletion.statusCode).toBe(409)
    // An RC that overtakes the answer waits (the job is retried) …
    const applied = await running.orm.em.fork().count(SdiMessageApplication, {})
    // … a short pause at a time, not the growing backoff of failures, whose pauses could outlast the
    // reconciliation wait and have the file sent again.
    await expect(deliver(rc('8001', fileName))).rejects.toMatchObject({ name: 'SdiMessageDeferredError', delayMs: 500 })
    const waitedLong = new Date(Date.now() - 3600_000)
    await expect(deliver(rc('8002', fileName), { receivedAt: waitedLong })).rejects.toMatchObject({ delayMs: 5000 })
    await expect(deliver(rc('8002', fileName))).rejects.toBeInstanceOf(SdiMessageDeferredError)
    expect(await running.orm.em.fork().count(SdiMessageApplication, {})).toBe(applied)
    expect((await reload(id)).state).toBe('DA_INVIARE')
    // A call still open a day after the message: the message is recorded as an anomaly instead of waiting forever.
    expect(await deliver(rc('8003', fileName), { receivedAt: new Date(Date.now() - maxSendingWaitMs - 1000) })).toBe('anomaly')

    // … until the sweeper declares the call unanswered; then the RC reconciles it.
    const transmitter = transmitterTo('http://127.0.0.1:9/SdIRiceviFile')
    expect(await transmitter.declareUnanswered(transmissionId)).toBe(true)
    expect(await transmitter.declareUnanswered(transmissionId)).toBe(false)
    const unanswered = await reload(id)
    expect(unanswered.state).toBe('ERRORE_IN_INVIO')
    expect(unanswered.stateSnapshot.transportError).toMatchObject({ ambiguous: true })
    expect(await deliver(rc('8002', fileName))).toBe('applied')
    const delivered = await reload(id)
    expect(delivered.state).toBe('CONSEGNATA')
    const [row] = await transmissions(id)
    expect(row).toMatchObject({ status: 'sent', identificativoSdI: '8002' })

    // A settled invoice can be archived; an unsettled one cannot.
    const archive = (invoiceId: string) =>
      running.app.inject({ method: 'POST', url: `/invoices/${invoiceId}/archive`, headers: { authorization: `Bearer ${token}` } })
    const archived = await archive(id)
    expect(archived.statusCode).toBe(200)
    expect(archived.json()).toMatchObject({ state: 'ARCHIVIATA', bodies: [{ state: 'CONSEGNATA' }] })
    const pending = await archive(await submit())
    expect(pending.statusCode).toBe(409)
    expect(pending.json()).toMatchObject({ code: 'INVOICE_STATE_CONFLICT' })
  })
})
