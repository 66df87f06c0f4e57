// Real: PostgreSQL (a database of its own), Redis, the fe-active service as src/service.ts defines it (imports module
// included), access tokens verified through a JWKS served over HTTP, CAdES signing with a
// self-signed certificate made by openssl, the SDI applier of TrasmissioneFatture messages run in a transaction with
// a minimal job. The official FatturaPA samples are read from the reference folder.
import { createHash, randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildSdiMessage, type SdiMessage, signCades } from '@fatturapa-hub/fatturapa'
import { storeInboundMessage } from '@fatturapa-hub/sdi-channel'
import { Permissions } from '@fatturapa-hub/shared'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { domainEventKinds } from '../../src/events/dispatcher.js'
import { Invoice, InvoiceEvent } from '../../src/invoices/invoice.entity.js'
import { applySdiMessage } from '../../src/transmission/apply-sdi-message.js'
import { type FeActiveTest, startFeActiveTest } from '../support/fe-active-test.js'
import { selfSignedIdentity } from '../support/identity.js'
import { uniqueNumero as numeroWith, referenceFolder, sampleInvoice } from '../support/samples.js'

const officialP7m = `${referenceFolder}/p7m/IT02182030391_31.xml.p7m`
const uniqueNumero = () => numeroWith('IMP')
let progressivo = 0
const nextFileName = (prefix = 'IT09876543210', extension = 'xml') =>
  `${prefix}_${(++progressivo).toString(36).toUpperCase().padStart(5, '0')}.${extension}`
let sdiCounter = 700_000
const nextSdiId = () => String(++sdiCounter)

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64')
const T0 = '2026-03-02T10:00:00.000+01:00'
const T1 = '2026-03-02T10:05:00.000+01:00'

interface Transmission {
  fileName: string
  id: string
  file: Buffer
}

/** SDI messages about a transmission, as SDI writes them (buildSdiMessage), with their official file names. */
const sdi = {
  rcB2B: (t: Transmission, o: { hash?: string; id?: string; nomeFile?: string } = {}): SdiMessage => ({
    vocabulary: 'B2B',
    type: 'RicevutaConsegna',
    IdentificativoSdI: o.id ?? t.id,
    NomeFile: o.nomeFile ?? t.fileName,
    Hash: o.hash ?? sha256(t.file),
    DataOraRicezione: T0,
    DataOraConsegna: T1,
    Destinatario: { Codice: 'ABC1234', Descrizione: 'Cliente' },
    MessageId: `${t.id}1`,
  }),
  nsB2B: (t: Transmission): SdiMessage => ({
    vocabulary: 'B2B',
    type: 'RicevutaScarto',
    IdentificativoSdI: t.id,
    NomeFile: t.fileName,
    Hash: sha256(t.file),
    DataOraRicezione: T0,
    ListaErrori: [{ Codice: '00311', Descrizione: 'Codice destinatario non valido', Suggerimento: 'Verificare il codice' }],
    MessageId: `${t.id}2`,
  }),
  rcPA: (t: Transmission): SdiMessage => ({
    vocabulary: 'PA',
    type: 'RicevutaConsegna',
    IdentificativoSdI: t.id,
    NomeFile: t.fileName,
    DataOraRicezione: T0,
    DataOraConsegna: T1,
    Destinatario: { Codice: 'UF6PLA', Descrizione: 'Ufficio' },
    MessageId: `${t.id}3`,
  }),
  ne: (t: Transmission, esito: 'EC01' | 'EC02', o: { id?: string } = {}): SdiMessage => ({
    vocabulary: 'PA',
    type: 'NotificaEsito',
    IdentificativoSdI: o.id ?? t.id,
    NomeFile: t.fileName,
    EsitoCommittente: { IdentificativoSdI: o.id ?? t.id, Esito: esito, MessageIdCommittente: `${t.id}9` },
    MessageId: `${t.id}4`,
  }),
}

const codeOf: Record<string, string> = { RicevutaConsegna: 'RC', RicevutaScarto: 'NS', NotificaEsito: 'NE' }
const notification = (t: Transmission, message: SdiMessage, progressive = 1) => ({
  fileName: `${t.fileName.replace(/\.xml(\.p7m)?$/i, '')}_${codeOf[message.type]}_${String(progressive).padStart(3, '0')}.xml`,
  file: b64(buildSdiMessage(message)),
})

describe('fe-active imports: invoices transmitted elsewhere, for preservation', () => {
  let test: FeActiveTest
  let sender: string
  let senderB: string
  let senderC: string
  let reader: string
  let signer: { certificate: string; privateKey: string }

  const post = (token: string, payload: object) =>
    test.running.app.inject({ method: 'POST', url: '/invoices/imports', headers: { authorization: `Bearer ${token}` }, payload })
  const get = (token: string, url: string) => test.running.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })

  const studioA = randomUUID()
  const studioB = randomUUID()
  const studioC = randomUUID()

  beforeAll(async () => {
    test = await startFeActiveTest({ name: 'fe-active-imports-test' })
    const permissions = [Permissions.FeActiveSend, Permissions.FeActiveRead]
    sender = await test.tokenFor(studioA, permissions)
    senderB = await test.tokenFor(studioB, permissions)
    senderC = await test.tokenFor(studioC, permissions)
    reader = await test.tokenFor(studioA, [Permissions.FeActiveRead])
    await test.seedClient(studioA, '01234567890')
    await test.seedClient(studioA, '02182030391')
    await test.seedClient(studioB, '01234567890', { enabled: false })

    const identity = selfSignedIdentity(mkdtempSync(join(tmpdir(), 'fe-active-imports-')), {
      subject: '/CN=Firmatario Test/C=IT',
      days: 2,
    })
    signer = { certificate: identity.certificatePem, privateKey: identity.privateKeyPem }
  })
  afterAll(async () => {
    await test?.close()
  })

  const b2bTransmission = (): Transmission => ({
    fileName: nextFileName(),
    id: nextSdiId(),
    file: sampleInvoice('IT01234567890_FPR02.xml', uniqueNumero()),
  })

  it('imports a B2B invoice with its RC: CONSEGNATA, history, SDI messages, never transmitted', async () => {
    const t = b2bTransmission()
    const response = await post(sender, { file: b64(t.file), notifications: [notification(t, sdi.rcB2B(t))] })
    expect(response.statusCode).toBe(201)
    const result = response.json()
    expect(result).toMatchObject({
      origin: 'import',
      invoice: {
        format: 'FPR12',
        flow: 'B2B',
        state: 'CONSEGNATA',
        sdi: {
          fileName: t.fileName,
          identificativoSdI: t.id,
          receivedAt: T0,
          deliveredAt: T1,
          nextAttemptAt: null,
          transmissionAttempts: 0,
        },
      },
      notifications: [{ operation: 'import.RicevutaConsegna', messageType: 'RC', decision: 'applied' }],
    })
    const id = result.invoice.id as string

    const stored = await test.running.orm.em.fork().findOneOrFail(Invoice, { id })
    expect(stored).toMatchObject({ origin: 'import', nextActionAt: null, fileName: t.fileName, identificativoSdI: t.id })
    expect(stored.transmittedAt?.toISOString()).toBe(new Date(T0).toISOString())

    const history = (await get(reader, `/invoices/${id}/history`)).json()
    expect(history.items.map((item: { kind: string; toState: string }) => [item.kind, item.toState])).toEqual([
      ['created', 'DA_INVIARE'],
      ['command.submit', 'INVIATA'],
      ['notification.RC', 'CONSEGNATA'],
    ])
    // The outbox rows give the domain events conservazione consumes: transmitted, then the final state.
    const events = await test.running.orm.em.fork().find(InvoiceEvent, { invoiceId: id }, { orderBy: { at: 'asc' } })
    expect(events.map((event) => domainEventKinds(event))).toEqual([[], ['transmitted'], ['final-state']])

    const messages = await get(reader, `/invoices/${id}/sdi-messages`)
    expect(messages.statusCode).toBe(200)
    expect(messages.json().items).toMatchObject([
      {
        operation: 'import.RicevutaConsegna',
        messageType: 'RC',
        fileName: notification(t, sdi.rcB2B(t)).fileName,
        identificativoSdI: t.id,
        decision: 'applied',
        parsed: { type: 'RicevutaConsegna', Hash: sha256(t.file) },
      },
    ])
    const raw = await get(reader, `/invoices/${id}/sdi-messages/${messages.json().items[0].id}/file`)
    expect(raw.body).toBe(buildSdiMessage(sdi.rcB2B(t)))
    const file = await get(reader, `/invoices/${id}/file`)
    expect(file.rawPayload.equals(t.file)).toBe(true)
  })

  it('imports a signed FPA12 with RC and NE EC01 (given in any order): ACCETTATA', async () => {
    const xml = sampleInvoice('IT01234567890_FPA01.xml', uniqueNumero())
    const p7m = Buffer.from(await signCades(xml, { ...signer, signingTime: new Date(T0) }))
    const t: Transmission = { fileName: nextFileName('IT01234567890', 'xml.p7m'), id: nextSdiId(), file: p7m }
    const response = await post(sender, {
      file: b64(p7m),
      notifications: [notification(t, sdi.ne(t, 'EC01')), notification(t, sdi.rcPA(t))],
    })
    expect(response.statusCode).toBe(201)
    const result = response.json()
    expect(result.invoice).toMatchObject({ format: 'FPA12', flow: 'PA', state: 'ACCETTATA', file: { contentKind: 'p7m' } })
    // Applied in SDI's order whatever the order of the parts.
    expect(result.notifications.map((n: { messageType: string; decision: string }) => [n.messageType, n.decision])).toEqual([
      ['RC', 'applied'],
      ['NE', 'applied'],
    ])
    // A self-signed certificate is not one SDI trusts today: reported, not refused.
    expect(Array.isArray(result.issues)).toBe(true)
  })

  it('imports the official signed sample (FPR12 .p7m) with its RC', async () => {
    const file = readFileSync(officialP7m)
    const t: Transmission = { fileName: 'IT02182030391_00031.xml.p7m', id: nextSdiId(), file }
    const response = await post(sender, { file: b64(file), notifications: [notification(t, sdi.rcB2B(t))] })
    expect(response.statusCode).toBe(201)
    expect(response.json().invoice).toMatchObject({ cedentePartitaIva: '02182030391', state: 'CONSEGNATA', file: { contentKind: 'p7m' } })
  })

  it('imports an NS as SCARTATA, with the errors, and an NS’d number does not count as a duplicate', async () => {
    const t = b2bTransmission()
    const response = await post(sender, { file: b64(t.file), notifications: [notification(t, sdi.nsB2B(t))] })
    expect(response.statusCode).toBe(201)
    expect(response.json().invoice).toMatchObject({
      state: 'SCARTATA',
      sdi: { rejection: [{ code: '00311', suggestion: 'Verificare il codice' }] },
    })
    // The corrected file, sent again with the same number under a new name, was delivered.
    const corrected = Buffer.from(t.file.toString('utf8').replace('</Numero>', '</Numero><Causale>corretta</Causale>'))
    const resent: Transmission = { fileName: nextFileName(), id: nextSdiId(), file: corrected }
    const again = await post(sender, { file: b64(corrected), notifications: [notification(resent, sdi.rcB2B(resent))] })
    expect(again.statusCode).toBe(201)
    expect(again.json().invoice).toMatchObject({ state: 'CONSEGNATA' })
  })

  it('refuses notifications that contradict the invoice or each other (422 IMPORT_NOTIFICATIONS_INCONSISTENT)', async () => {
    const t = b2bTransmission()
    const cases: Array<Array<{ fileName: string; file: string }>> = [
      [notification(t, sdi.rcB2B(t, { nomeFile: 'IT09876543210_ZZZZZ.xml' }))],
      [notification(t, sdi.rcB2B(t, { hash: 'ab'.repeat(32) }))],
      [notification(t, sdi.rcB2B(t)), notification(t, sdi.nsB2B({ ...t, id: nextSdiId() }))],
      [notification(t, sdi.rcB2B(t)), notification(t, sdi.nsB2B(t))],
    ]
    for (const notifications of cases) {
      const response = await post(sender, { file: b64(t.file), fileName: t.fileName, notifications })
      expect(response.statusCode).toBe(422)
      expect(response.json()).toMatchObject({ code: 'IMPORT_NOTIFICATIONS_INCONSISTENT', errors: expect.any(Array) })
    }
    // The caller's ids must agree with the notifications too.
    const other = await post(sender, { file: b64(t.file), identificativoSdI: '1', notifications: [notification(t, sdi.rcB2B(t))] })
    expect(other.json()).toMatchObject({ code: 'IMPORT_NOTIFICATIONS_INCONSISTENT' })
    const unreadable = await post(sender, { file: b64('<not-an-invoice/>'), notifications: [notification(t, sdi.rcB2B(t))] })
    expect(unreadable.json()).toMatchObject({ code: 'IMPORT_FILE_UNREADABLE' })
    const badMessage = await post(sender, { file: b64(t.file), notifications: [{ fileName: 'x_RC_001.xml', file: b64('<x/>') }] })
    expect(badMessage.json()).toMatchObject({ code: 'IMPORT_NOTIFICATION_UNREADABLE' })
    expect(await test.running.orm.em.fork().count(Invoice, { identificativoSdI: t.id })).toBe(0)
  })

  it('refuses a 00404 duplicate of a platform invoice or of an import (409 IMPORT_DUPLICATE_INVOICE)', async () => {
    const numero = uniqueNumero()
    const submitted = await test.running.app.inject({
      method: 'POST',
      url: '/invoices',
      headers: { authorization: `Bearer ${sender}`, 'content-type': 'application/xml' },
      payload: sampleInvoice('IT01234567890_FPR02.xml', numero),
    })
    expect(submitted.statusCode).toBe(201)
    // The same number in another file (other bytes: a different note).
    const file = Buffer.from(
      sampleInvoice('IT01234567890_FPR02.xml', numero).toString('utf8').replace('</Numero>', '</Numero><Causale>copia</Causale>'),
    )
    const t: Transmission = { fileName: nextFileName(), id: nextSdiId(), file }
    const response = await post(sender, { file: b64(file), notifications: [notification(t, sdi.rcB2B(t))] })
    expect(response.statusCode).toBe(409)
    expect(response.json()).toMatchObject({ code: 'IMPORT_DUPLICATE_INVOICE', sdiCodes: ['00404'] })

    const first = b2bTransmission()
    expect((await post(sender, { file: b64(first.file), notifications: [notification(first, sdi.rcB2B(first))] })).statusCode).toBe(201)
    const numeroOfFirst = /<Numero>([^<]*)<\/Numero>/.exec(first.file.toString('utf8'))?.[1] as string
    const again = sampleInvoice('IT01234567890_FPR02.xml', numeroOfFirst)
      .toString('utf8')
      .replace('</Numero>', '</Numero><Causale>bis</Causale>')
    const second: Transmission = { fileName: nextFileName(), id: nextSdiId(), file: Buffer.from(again) }
    const duplicate = await post(sender, { file: b64(second.file), notifications: [notification(second, sdi.rcB2B(second))] })
    expect(duplicate.json()).toMatchObject({ code: 'IMPORT_DUPLICATE_INVOICE' })
  })

  it('answers the first import when the same file is imported again (idempotent by SHA-256 and studio)', async () => {
    const t = b2bTransmission()
    const body = { file: b64(t.file), notifications: [notification(t, sdi.rcB2B(t))] }
    const first = await post(sender, body)
    expect(first.statusCode).toBe(201)
    const [second, third] = await Promise.all([post(sender, body), post(sender, { file: b64(t.file) })])
    for (const replay of [second, third]) {
      expect(replay.statusCode).toBe(200)
      expect(replay.headers['idempotent-replay']).toBe('true')
      expect(replay.json()).toMatchObject({
        invoice: { id: first.json().invoice.id, state: 'CONSEGNATA' },
        notifications: [{ messageType: 'RC' }],
      })
    }
    expect(await test.running.orm.em.fork().count(Invoice, { fileSha256: sha256(t.file) })).toBe(1)
  })

  it('keeps studios apart', async () => {
    const t = b2bTransmission()
    const created = await post(sender, { file: b64(t.file), notifications: [notification(t, sdi.rcB2B(t))] })
    const id = created.json().invoice.id as string
    expect((await get(senderB, `/invoices/${id}`)).statusCode).toBe(404)
    expect((await get(senderB, `/invoices/${id}/sdi-messages`)).statusCode).toBe(404)
    // Studio B's client is not enabled for FE Attiva; studio C has no such client: neither gets a replay of A's import.
    const b = await post(senderB, { file: b64(t.file), notifications: [notification(t, sdi.rcB2B(t))] })
    expect(b.json()).toMatchObject({ code: 'CLIENT_NOT_ENABLED_FOR_FE_ATTIVA' })
    const c = await post(senderC, { file: b64(t.file), notifications: [notification(t, sdi.rcB2B(t))] })
    expect(c.json()).toMatchObject({ code: 'CLIENT_UNKNOWN' })
    // Reading is not importing.
    expect((await post(reader, { file: b64(t.file) })).statusCode).toBe(403)
  })

  it('without notifications needs the IdentificativoSdI and file name; then INVIATA, and SDI’s later RC is applied', async () => {
    const xml = sampleInvoice('IT01234567890_FPA01.xml', uniqueNumero())
    const p7m = Buffer.from(await signCades(xml, signer))
    const t: Transmission = { fileName: nextFileName('IT01234567890', 'xml.p7m'), id: nextSdiId(), file: p7m }
    const missing = await post(sender, { file: b64(p7m), fileName: t.fileName })
    expect(missing.statusCode).toBe(422)
    expect(missing.json()).toMatchObject({ code: 'IMPORT_SDI_IDS_REQUIRED' })
    const wrongName = await post(sender, { file: b64(p7m), fileName: t.fileName.replace('.p7m', ''), identificativoSdI: t.id })
    expect(wrongName.json()).toMatchObject({ code: 'IMPORT_FILE_NAME_INVALID' })

    const response = await post(sender, { file: b64(p7m), fileName: t.fileName, identificativoSdI: t.id, dataOraRicezione: T0 })
    expect(response.statusCode).toBe(201)
    const id = response.json().invoice.id as string
    expect(response.json()).toMatchObject({
      invoice: { state: 'INVIATA', sdi: { identificativoSdI: t.id, fileName: t.fileName } },
      notifications: [],
    })

    // SDI sends the RC to the TrasmissioneFatture endpoint: stored as the endpoint stores it, applied by the applier.
    const rc = Buffer.from(buildSdiMessage(sdi.rcPA(t)))
    const stored = await storeInboundMessage(test.running.orm.em.fork(), {
      channel: 'trasmissione',
      operation: 'TrasmissioneFatture.RicevutaConsegna',
      identificativoSdI: t.id,
      fileName: notification(t, sdi.rcPA(t)).fileName,
      file: rc,
      requestId: 'sdi-later',
    })
    const decision = await test.running.orm.em.fork().transactional((em) => applySdiMessage(stored.message.id, { em, log: test.logger }))
    expect(decision).toBe('applied')
    const after = (await get(reader, `/invoices/${id}`)).json()
    expect(after).toMatchObject({ state: 'CONSEGNATA', sdi: { deliveredAt: T1 } })
    const messages = (await get(reader, `/invoices/${id}/sdi-messages`)).json()
    expect(messages.items).toMatchObject([{ operation: 'TrasmissioneFatture.RicevutaConsegna', decision: 'applied' }])
  })
})
