// Real: PostgreSQL, Redis (the fe-active.transmission queue consumed by a worker started here with the sign handler),
// fe-active built as its server builds it, tokens through a JWKS server, PKCS#12 files made by the openssl CLI.
// The transmission handler is a no-op: transmission belongs to another suite.
import { randomUUID } from 'node:crypto'
import { signCades, verifyCades } from '@fatturapa-hub/fatturapa'
import { createLogger, Permissions, Queues, startWorker } from '@fatturapa-hub/shared'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Invoice, InvoiceEvent } from '../../src/invoices/invoice.entity.js'
import { createSignInvoiceJob, signatureRequiredFor, signInvoice, sweepUnsignedInvoices } from '../../src/signing/sign-invoice.js'
import type { FeActiveTest } from '../support/fe-active-test.js'
import { sampleInvoice } from '../support/samples.js'
import { makeCertificate, mismatchedPkcs12, signingSecret, startSigningTest } from './support.js'

const studio = randomUUID()
const otherStudio = randomUUID()
const log = createLogger({ name: 'signing-test', level: 'silent' })

describe('fe-active signing', () => {
  let test: FeActiveTest
  let admin: string
  let otherAdmin: string
  let clientWithCertificate: string
  let clientWithout: string
  let otherStudioClient: string
  const alice = makeCertificate('Alice')
  const intermediary = makeCertificate('Intermediario')

  const request = (token: string, method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    test.running.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(payload === undefined ? {} : { payload: payload as string }),
    })
  const json = (p12: Buffer, password = 'password') => ({ p12Base64: p12.toString('base64'), password })
  const submit = async (xml: Buffer) => {
    const response = await test.running.app.inject({
      method: 'POST',
      url: '/invoices',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/xml' },
      payload: xml,
    })
    expect(response.statusCode).toBe(201)
    return response.json().id as string
  }
  const load = (id: string) => test.running.orm.em.fork().findOneOrFail(Invoice, { id }, { populate: ['file', 'signedFile'] })
  const deps = () => ({ producer: test.running.producer, secret: signingSecret })

  beforeAll(async () => {
    test = await startSigningTest()
    const permissions = [Permissions.FeActiveSend, Permissions.FeActiveRead, Permissions.FeActiveSettings]
    admin = await test.issuer.sign({ studio, permissions })
    otherAdmin = await test.issuer.sign({ studio: otherStudio, permissions })
    clientWithCertificate = await test.seedClient(studio, '01234567890')
    clientWithout = await test.seedClient(studio, '02182030391')
    otherStudioClient = await test.seedClient(otherStudio, '01234567890')
  })
  afterAll(async () => {
    await test?.close()
  })

  describe('credentials', () => {
    it('stores a valid PKCS#12 sealed and answers its metadata only', async () => {
      const put = await request(admin, 'PUT', `/clients/${clientWithCertificate}/signing-credential`, json(alice.p12))
      expect(put.statusCode).toBe(200)
      expect(put.json()).toMatchObject({
        owner: 'client',
        clientId: clientWithCertificate,
        commonName: 'Alice',
        subjectSerialNumber: 'TINIT-RSSMRA80A01H501U',
        fiscalCode: 'RSSMRA80A01H501U',
        keyUsage: ['digitalSignature', 'nonRepudiation'],
      })
      const get = await request(admin, 'GET', `/clients/${clientWithCertificate}/signing-credential`)
      expect(get.statusCode).toBe(200)
      expect(get.json().fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
      expect(JSON.stringify(get.json())).not.toMatch(/sealed|privateKey/)

      const rows = (await test.running.orm.em.getConnection().execute('select * from signing_credential')) as Array<Record<string, unknown>>
      const stored = JSON.stringify(rows)
      const keyDer = Buffer.from(alice.keyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64')
      for (const secret of [
        alice.p12.toString('base64'),
        keyDer.toString('base64'),
        keyDer.toString('base64url'),
        keyDer.toString('hex'),
      ]) {
        expect(stored).not.toContain(secret.slice(40, 120))
      }
      expect(stored).not.toContain('password')
    })

    it('takes the raw file with the password header too', async () => {
      const put = await request(admin, 'PUT', '/signing-credentials/intermediary', intermediary.p12, {
        'content-type': 'application/x-pkcs12',
        'x-pkcs12-password': 'password',
      })
      expect(put.statusCode).toBe(200)
      expect(put.json()).toMatchObject({ owner: 'intermediary', clientId: null, commonName: 'Intermediario' })
    })

    it.each([
      ['wrong-password', () => json(alice.p12, 'not-the-password')],
      ['expired', () => json(makeCertificate('Old', { expired: true }).p12)],
      [
        'key-certificate-mismatch',
        () => json(mismatchedPkcs12(makeCertificate('A1', { nomac: true }).p12, makeCertificate('B1', { nomac: true }).p12)),
      ],
      ['key-usage', () => json(makeCertificate('Encrypt', { keyUsage: 'keyEncipherment' }).p12)],
      ['malformed', () => json(Buffer.from('not a pkcs12 file at all'))],
      // Key derivation runs on the request thread: an absurd iteration count is refused before it is run.
      ['malformed', () => json(makeCertificate('Slow', { nomac: true, iterations: 2_000_000 }).p12)],
    ])('refuses a %s PKCS#12 with 422', async (reason, body) => {
      const response = await request(admin, 'PUT', `/clients/${clientWithout}/signing-credential`, body())
      expect(response.statusCode).toBe(422)
      expect(response.json()).toMatchObject({ code: 'SIGNING_CREDENTIAL_INVALID', reason })
      expect((await request(admin, 'GET', `/clients/${clientWithout}/signing-credential`)).json().code).toBe('SIGNING_CREDENTIAL_NOT_FOUND')
    })

    it('answers 404 for a client of another studio and 403 without the settings permission', async () => {
      const foreign = await request(admin, 'PUT', `/clients/${otherStudioClient}/signing-credential`, json(alice.p12))
      expect(foreign.statusCode).toBe(404)
      expect(foreign.json().code).toBe('CLIENT_NOT_FOUND')
      expect((await request(otherAdmin, 'GET', `/clients/${clientWithCertificate}/signing-credential`)).statusCode).toBe(404)
      const operator = await test.issuer.sign({ studio, permissions: [Permissions.FeActiveSend, Permissions.FeActiveRead] })
      expect((await request(operator, 'GET', '/signing-credentials/intermediary')).statusCode).toBe(403)
    })

    it('keeps the signFpr12 preference per client', async () => {
      expect((await request(admin, 'GET', `/clients/${clientWithout}/signing-preferences`)).json()).toEqual({ signFpr12: false })
      expect((await request(admin, 'PUT', `/clients/${clientWithout}/signing-preferences`, { signFpr12: true })).json()).toEqual({
        signFpr12: true,
      })
      const em = test.running.orm.em.fork()
      expect(await signatureRequiredFor(em, studio, clientWithout, 'FPR12')).toBe(true)
      expect(await signatureRequiredFor(em, studio, clientWithCertificate, 'FPR12')).toBe(false)
      expect(await signatureRequiredFor(em, studio, clientWithCertificate, 'FPA12')).toBe(true)
    })
  })

  describe('server-side signing', () => {
    it('signs an FPA12 through the invoice.sign job: DA_FIRMARE → DA_INVIARE with a valid .p7m of the XML', async () => {
      const worker = startWorker({
        queue: Queues.FeActiveTransmission,
        handlers: { 'invoice.sign': createSignInvoiceJob(deps()), 'invoice.transmit': async () => {} },
        redisUrl: test.running.config.REDIS_URL,
        prefix: test.running.config.REDIS_PREFIX,
        orm: test.running.orm,
        logger: log,
        transactional: false,
      })
      try {
        const id = await submit(sampleInvoice())
        expect((await load(id)).state).toBe('DA_FIRMARE')
        await test.running.producer.enqueue('invoice.sign', { v: 1, invoiceId: id })
        const deadline = Date.now() + 15_000
        while ((await load(id)).state === 'DA_FIRMARE' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200))
        const invoice = await load(id)
        expect(invoice.state).toBe('DA_INVIARE')
        expect(invoice.signedAt).toBeInstanceOf(Date)
        expect(invoice.nextActionAt).toBeInstanceOf(Date)
        const verification = await verifyCades(new Uint8Array(invoice.signedFile as Buffer))
        expect(verification).toMatchObject({ valid: true })
        expect(verification.signer?.subject).toContain('CN=Alice')
        expect(Buffer.from(verification.content as Uint8Array).equals(Buffer.from(invoice.file))).toBe(true)
        const events = await test.running.orm.em.fork().find(InvoiceEvent, { invoiceId: id, kind: 'command.sign' })
        expect(events[0]).toMatchObject({ fromState: 'DA_FIRMARE', toState: 'DA_INVIARE', details: { certificateOwner: 'client' } })
        const signed = await request(admin, 'GET', `/invoices/${id}/signed-file`)
        expect(signed.statusCode).toBe(200)
        expect(signed.rawPayload.equals(invoice.signedFile as Buffer)).toBe(true)
      } finally {
        await worker.close()
      }
    })

    it('falls back to the intermediary certificate, and the sweeper signs what is left', async () => {
      const id = await submit(
        Buffer.from(sampleInvoice('IT01234567890_FPA02.xml').toString('utf8').replaceAll('01234567890', '02182030391')),
      )
      expect((await load(id)).clientId).toBe(clientWithout)
      const result = await sweepUnsignedInvoices(test.running.orm.em.fork(), deps(), log)
      expect(result.signed).toBeGreaterThanOrEqual(1)
      const invoice = await load(id)
      expect(invoice.state).toBe('DA_INVIARE')
      expect((await verifyCades(new Uint8Array(invoice.signedFile as Buffer))).signer?.subject).toContain('CN=Intermediario')
    })

    it('leaves the invoice DA_FIRMARE without any certificate', async () => {
      expect((await request(admin, 'DELETE', '/signing-credentials/intermediary')).statusCode).toBe(204)
      const id = await submit(
        Buffer.from(sampleInvoice('IT01234567890_FPA01.xml').toString('utf8').replaceAll('01234567890', '02182030391')),
      )
      expect(await signInvoice(test.running.orm.em.fork(), id, deps(), log)).toBe('no-credential')
      const invoice = await load(id)
      expect(invoice.state).toBe('DA_FIRMARE')
      expect(invoice.signedFile).toBeNull()
      const none = await request(admin, 'GET', `/invoices/${id}/signed-file`)
      expect(none.statusCode).toBe(404)
      expect(none.json().code).toBe('SIGNED_FILE_NOT_FOUND')
    })
  })

  describe('externally signed upload', () => {
    const upload = (id: string, bytes: Uint8Array) =>
      request(admin, 'PUT', `/invoices/${id}/signed-file`, Buffer.from(bytes), { 'content-type': 'application/pkcs7-mime' })

    it('accepts a .p7m of the stored XML and moves the invoice to DA_INVIARE', async () => {
      const xml = Buffer.from(sampleInvoice().toString('utf8').replaceAll('01234567890', '02182030391'))
      const id = await submit(xml)
      const p7m = await signCades(xml, { certificate: alice.certificatePem, privateKey: alice.keyPem })
      const response = await upload(id, p7m)
      expect(response.statusCode).toBe(200)
      expect(response.json()).toMatchObject({ id, state: 'DA_INVIARE' })
      expect(Buffer.from((await load(id)).signedFile as Buffer).equals(Buffer.from(p7m))).toBe(true)
      expect((await upload(id, p7m)).statusCode).toBe(409)
    })

    it('refuses another content and a broken signature with 422', async () => {
      const xml = Buffer.from(sampleInvoice().toString('utf8').replaceAll('01234567890', '02182030391'))
      const id = await submit(xml)
      const other = await signCades(sampleInvoice(), { certificate: alice.certificatePem, privateKey: alice.keyPem })
      const mismatch = await upload(id, other)
      expect(mismatch.statusCode).toBe(422)
      expect(mismatch.json().code).toBe('SIGNED_FILE_CONTENT_MISMATCH')
      const broken = Buffer.from(await signCades(xml, { certificate: alice.certificatePem, privateKey: alice.keyPem }))
      broken[broken.length - 1] = (broken[broken.length - 1] as number) ^ 0xff
      const bad = await upload(id, broken)
      expect(bad.statusCode).toBe(422)
      expect(bad.json()).toMatchObject({ code: 'SIGNED_FILE_INVALID', sdiCode: '00102' })
      expect((await load(id)).state).toBe('DA_FIRMARE')
    })
  })
})
