// Outgoing invoices through the whole SDI cycle over real HTTP: the real fe-active (PostgreSQL, Redis, its HTTP app
// listening with its TrasmissioneFatture endpoint, and its worker role: signing, transmission, SDI messages,
// sweepers) and the real SDI simulator (realtime virtual clock, seeded, signing its messages). Nothing is mocked:
// the invoice goes out through SdIRiceviFile and every state comes from a notification SDI sent back.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { signCades } from '@fatturapa-hub/fatturapa'
import { service as feActiveService } from '@fatturapa-hub/fe-active/service'
import type { SimulatorApp } from '@fatturapa-hub/sdi-simulator'
import { createLogger, createMailer, Permissions, type RunningWorker } from '@fatturapa-hub/shared'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type FeActiveTest, startFeActiveTest } from '../../services/fe-active/test/support/fe-active-test.js'
import {
  freePort,
  routedSample,
  seedClientReplica,
  selfSignedIdentity,
  simulatorAdmin,
  simulatorEnv,
  startSimulatorFor,
  uniqueNumero,
  waitForState,
} from './support/sdi.js'

const logger = createLogger({ name: 'active-cycle-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' })
const hour = 3_600_000
const day = 24 * hour
const studio = randomUUID()

/** An official sample with its recipient code and invoice number changed in memory. */
function sample(name: 'FPA01' | 'FPR02', codice: string): { xml: Buffer; numero: string } {
  const numero = uniqueNumero('AC')
  return { xml: routedSample(`IT01234567890_${name}.xml`, { numero, codiceDestinatario: codice }), numero }
}

let test: FeActiveTest
let feActive: FeActiveTest['running']
let workers: RunningWorker[] = []
let simulator: SimulatorApp
let simulatorUrl: string
let token: string
let keyDirectory: string
let signer: { certificatePem: string; privateKeyPem: string }

let admin: ReturnType<typeof simulatorAdmin>
const advance = (ms: number) => admin('POST', '/clock/advance', { ms })

interface InvoiceView {
  id: string
  state: string
  numero: string
  sdi: { fileName: string | null; identificativoSdI: string | null; rejection: Array<{ code: string; suggestion?: string }> | null }
}

async function submit(file: Buffer, contentType: string): Promise<InvoiceView> {
  const response = await feActive.app.inject({
    method: 'POST',
    url: '/invoices',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    payload: file,
  })
  if (response.statusCode !== 201) throw new Error(`POST /invoices: ${response.statusCode} ${response.body}`)
  return response.json()
}

async function read<T = InvoiceView>(path: string): Promise<T> {
  const response = await feActive.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${token}` } })
  if (response.statusCode !== 200) throw new Error(`GET ${path}: ${response.statusCode} ${response.body}`)
  return response.json() as T
}

/** Polls the invoice until it reaches `state` (the worker and SDI work in the background). */
const until = (id: string, state: string, timeoutMs = 30_000): Promise<InvoiceView> =>
  waitForState(id, state, (invoice) => read(`/invoices/${invoice}`), { timeoutMs, intervalMs: 100 })

/** The files the simulator received under a name (the exactly-once check). */
async function filesAtSdi(fileName: string): Promise<unknown[]> {
  const files = await admin<Array<{ nomeFile: string }>>('GET', '/files')
  return files.filter((file) => file.nomeFile === fileName)
}

async function signedPa(codice: string): Promise<{ p7m: Buffer; numero: string }> {
  const { xml, numero } = sample('FPA01', codice)
  const p7m = await signCades(xml, { certificate: signer.certificatePem, privateKey: signer.privateKeyPem })
  return { p7m: Buffer.from(p7m), numero }
}

beforeAll(async () => {
  keyDirectory = mkdtempSync(join(tmpdir(), 'active-cycle-'))
  signer = selfSignedIdentity(keyDirectory, { subject: '/CN=Test signer', days: 30 })
  const simulatorPort = await freePort()
  simulatorUrl = `http://127.0.0.1:${simulatorPort}`
  admin = simulatorAdmin(simulatorUrl)
  test = await startFeActiveTest({
    logger,
    env: simulatorEnv(simulatorUrl),
  })
  feActive = test.running
  await feActive.app.listen({ host: '127.0.0.1', port: 0 })
  const feActiveUrl = `http://127.0.0.1:${(feActive.app.server.address() as AddressInfo).port}`

  simulator = await startSimulatorFor(feActiveUrl, { seed: 'active-cycle', port: simulatorPort, signer })

  workers = feActiveService.workers?.({
    config: feActive.config,
    orm: feActive.orm,
    logger,
    producer: feActive.producer,
    mailer: createMailer(feActive.config, logger),
  }) as RunningWorker[]

  token = await test.tokenFor(studio, [Permissions.FeActiveSend, Permissions.FeActiveRead])
  await seedClientReplica(feActive.orm, studio, '01234567890')
  // Recipients without a channel are reachable at once (the simulator delivers to a virtual endpoint).
  await admin('PUT', '/recipients/B2BOK01', { scenario: { kind: 'accept' } })
  await admin('PUT', '/recipients/B2BKO01', { scenario: { kind: 'down' } })
  await admin('PUT', '/recipients/B2BNS01', { scenario: { kind: 'discard', errors: [{ codice: '00305' }] } })
  await admin('PUT', '/recipients/PAACC1', { scenario: { kind: 'accept', delayMs: 1000 } })
  await admin('PUT', '/recipients/PARIF1', { scenario: { kind: 'refuse', delayMs: 1000, descrizione: 'Importi errati' } })
  await admin('PUT', '/recipients/PADT01', { scenario: { kind: 'noAnswer' } })
  await admin('PUT', '/recipients/PADOWN', { scenario: { kind: 'down' } })
}, 60_000)

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.close()))
  await simulator?.close()
  await test?.close()
  if (keyDirectory) rmSync(keyDirectory, { recursive: true, force: true })
})

describe('B2B', () => {
  it('DA INVIARE → INVIATA → CONSEGNATA, transmitted once under a new progressivo, with the RC on record', async () => {
    const { xml } = sample('FPR02', 'B2BOK01')
    const created = await submit(xml, 'application/xml')
    expect(created.state).toBe('DA_INVIARE')
    const delivered = await until(created.id, 'CONSEGNATA')
    expect(delivered.sdi.fileName).toMatch(/^IT01234567890_[0-9A-Z]{5}\.xml$/)
    expect(delivered.sdi.identificativoSdI).toMatch(/\S/)
    expect(await filesAtSdi(delivered.sdi.fileName as string)).toHaveLength(1)

    const transmissions = await read<{ items: Array<{ status: string; attempt: number }> }>(`/invoices/${created.id}/transmissions`)
    expect(transmissions.items).toMatchObject([{ attempt: 1, status: 'sent' }])
    const messages = await read<{ items: Array<{ messageType: string; decision: string }> }>(`/invoices/${created.id}/sdi-messages`)
    expect(messages.items).toMatchObject([{ messageType: 'RC', decision: 'applied' }])
    const history = await read<{ items: Array<{ kind: string; toState: string }> }>(`/invoices/${created.id}/history`)
    expect(history.items.map((item) => [item.kind, item.toState])).toEqual([
      ['created', 'DA_INVIARE'],
      ['command.submit', 'INVIATA'],
      ['notification.RC', 'CONSEGNATA'],
    ])
  })

  it('two invoices of one transmitter get different, increasing progressivi', async () => {
    const first = await submit(sample('FPR02', 'B2BOK01').xml, 'application/xml')
    const second = await submit(sample('FPR02', 'B2BOK01').xml, 'application/xml')
    const a = await until(first.id, 'CONSEGNATA')
    const b = await until(second.id, 'CONSEGNATA')
    expect(a.sdi.fileName).not.toBe(b.sdi.fileName)
  })

  it('SCARTATA carries the error list with suggestions', async () => {
    const created = await submit(sample('FPR02', 'B2BNS01').xml, 'application/xml')
    const rejected = await until(created.id, 'SCARTATA')
    expect(rejected.sdi.rejection).toEqual([expect.objectContaining({ code: '00305', suggestion: expect.any(String) })])
  })

  it('the corrected file of a discarded invoice: same invoice, new progressivo, CONSEGNATA; refusals with stable codes', async () => {
    const discardedSample = sample('FPR02', 'B2BNS01')
    const created = await submit(discardedSample.xml, 'application/xml')
    const rejected = await until(created.id, 'SCARTATA')
    const correct = (id: string, file: Buffer) =>
      feActive.app.inject({
        method: 'POST',
        url: `/invoices/${id}/correction`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
        payload: file,
      })
    // Here the correction also changes the number (AdE recommends keeping it; SDI does not require it).
    const fixedNumero = `${discardedSample.numero}C`
    const fixed = routedSample('IT01234567890_FPR02.xml', { numero: fixedNumero, codiceDestinatario: 'B2BOK01' })

    // Not a FatturaPA file, and a PA file for a B2B invoice: refused, the invoice stays SCARTATA.
    expect((await correct(created.id, Buffer.from('<x/>'))).json()).toMatchObject({ status: 422, code: 'INVOICE_INVALID' })
    const pa = routedSample('IT01234567890_FPA01.xml', { numero: discardedSample.numero, codiceDestinatario: 'UFY9MH' })
    expect((await correct(created.id, pa)).json()).toMatchObject({ status: 422, code: 'CORRECTION_FLOW_CHANGED' })
    expect((await read(`/invoices/${created.id}`)).state).toBe('SCARTATA')

    const corrected = await correct(created.id, fixed)
    expect(corrected.statusCode).toBe(200)
    expect(corrected.json()).toMatchObject({ id: created.id, state: 'DA_INVIARE', numero: fixedNumero })
    const delivered = await until(created.id, 'CONSEGNATA')
    expect(delivered.sdi.fileName).not.toBe(rejected.sdi.fileName)
    expect(delivered.sdi.rejection).toBeNull()
    expect(await filesAtSdi(delivered.sdi.fileName as string)).toHaveLength(1)
    const transmissions = await read<{ items: Array<{ fileName: string; status: string }> }>(`/invoices/${created.id}/transmissions`)
    expect(transmissions.items.map((item) => item.fileName).sort()).toEqual([rejected.sdi.fileName, delivered.sdi.fileName].sort())
    const history = await read<{ items: Array<{ kind: string; toState: string }> }>(`/invoices/${created.id}/history`)
    expect(history.items.map((item) => [item.kind, item.toState])).toEqual([
      ['created', 'DA_INVIARE'],
      ['command.submit', 'INVIATA'],
      ['notification.NS', 'SCARTATA'],
      ['command.correct', 'DA_INVIARE'],
      ['command.submit', 'INVIATA'],
      ['notification.RC', 'CONSEGNATA'],
    ])
    // The same correction again, or any correction of an invoice SDI did not discard: 409.
    expect((await correct(created.id, fixed)).json()).toMatchObject({ status: 409, code: 'INVOICE_STATE_CONFLICT', state: 'CONSEGNATA' })
    expect((await correct(randomUUID(), fixed)).json()).toMatchObject({ status: 404, code: 'INVOICE_NOT_FOUND' })
    // 00404 follows the invoice's numbers: the corrected one is taken, the discarded one is free again.
    const again = (numero: string) =>
      feActive.app.inject({
        method: 'POST',
        url: '/invoices/validation',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
        payload: routedSample('IT01234567890_FPR02.xml', { numero, codiceDestinatario: 'B2BOK01' }),
      })
    expect((await again(fixedNumero)).json().issues).toEqual([expect.objectContaining({ code: '00404' })])
    expect((await again(discardedSample.numero)).json()).toMatchObject({ valid: true })
  })

  it('an unreachable recipient: MC after the delivery attempts → NON CONSEGNATA (final for B2B)', async () => {
    const created = await submit(sample('FPR02', 'B2BKO01').xml, 'application/xml')
    await until(created.id, 'INVIATA')
    await advance(25 * hour)
    await until(created.id, 'NON_CONSEGNATA')
  })
})

describe('PA (signed CAdES before transmission)', () => {
  it('ACCETTATA after the EC01 of the office', async () => {
    const { p7m } = await signedPa('PAACC1')
    const created = await submit(p7m, 'application/pkcs7-mime')
    expect(created.state).toBe('DA_INVIARE')
    await until(created.id, 'CONSEGNATA')
    const accepted = await until(created.id, 'ACCETTATA')
    expect(accepted.sdi.fileName).toMatch(/\.xml\.p7m$/)
  })

  it('RIFIUTATA after an EC02', async () => {
    const created = await submit((await signedPa('PARIF1')).p7m, 'application/pkcs7-mime')
    await until(created.id, 'RIFIUTATA')
  })

  it('DECORSI TERMINI 15 days after delivery without an outcome', async () => {
    const created = await submit((await signedPa('PADT01')).p7m, 'application/pkcs7-mime')
    await until(created.id, 'CONSEGNATA')
    await advance(16 * day)
    await until(created.id, 'DECORSI_TERMINI')
  })

  it('NON RECAPITABILE: MC after two days of attempts (NON CONSEGNATA), then the AT', async () => {
    const created = await submit((await signedPa('PADOWN')).p7m, 'application/pkcs7-mime')
    await until(created.id, 'INVIATA')
    await advance(3 * day)
    await until(created.id, 'NON_CONSEGNATA')
    await advance(11 * day)
    await until(created.id, 'NON_RECAPITABILE')
  })
})

describe('transport errors', () => {
  it('SDI unreachable: ERRORE IN INVIO, then the automatic retry transmits once SDI is back', async () => {
    await simulator.close()
    const created = await submit(sample('FPR02', 'B2BOK01').xml, 'application/xml')
    const failed = await until(created.id, 'ERRORE_IN_INVIO')
    expect(failed.sdi.fileName).toMatch(/^IT01234567890_/)
    const port = Number(new URL(simulatorUrl).port)
    const feActiveUrl = `http://127.0.0.1:${(feActive.app.server.address() as AddressInfo).port}`
    simulator = await startSimulatorFor(feActiveUrl, { seed: 'active-cycle-2', port, signer })
    await admin('PUT', '/recipients/B2BOK01', { scenario: { kind: 'accept' } })
    const delivered = await until(created.id, 'CONSEGNATA')
    const transmissions = await read<{ items: Array<{ status: string; fileName: string }> }>(`/invoices/${created.id}/transmissions`)
    expect(transmissions.items.map((item) => item.status)).toEqual(['refused', 'sent'])
    // A refused transmission reached no SDI: the retry takes a new name, never the refused one again.
    expect(transmissions.items[0]?.fileName).not.toBe(transmissions.items[1]?.fileName)
    expect(await filesAtSdi(delivered.sdi.fileName as string)).toHaveLength(1)
  })
})
