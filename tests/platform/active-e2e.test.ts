// Issue #6, first "must be shown": outgoing invoices end to end over real HTTP. The ERP talks only to the gateway
// (HTTPS, mutual TLS for integration users) as the APIREST user with its client certificate; the studio is set up
// through the same gateway (provisioning, clients, users, certificates, signing credential). Behind it run the real
// auth (server + worker: outbox relay of clients to fe-active), the real fe-active (server + worker: replica,
// signing, transmission, SDI messages, webhooks), the real SDI simulator (realtime clock, signed messages), and a
// webhook receiver on node:http that checks every delivery's Standard Webhooks signature on its own.
import { execFileSync } from 'node:child_process'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { service as authService } from '@fatturapa-hub/auth/service'
import type { Config as FeActiveConfig } from '@fatturapa-hub/fe-active/config'
import { service as feActiveService } from '@fatturapa-hub/fe-active/service'
import { buildGateway, listenGateway } from '@fatturapa-hub/gateway/app'
import { ConfigSchema as GatewayConfigSchema } from '@fatturapa-hub/gateway/config'
import type { SimulatorApp } from '@fatturapa-hub/sdi-simulator'
import { type App, createLogger, createMailer, createRedis, loadConfig, Queues, type RunningWorker } from '@fatturapa-hub/shared'
import { startTestService, type TestService, testRedisUrl } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { nodeCsr } from '../../services/auth/test/certificates/fixtures.js'
import { type AuthTest, startAuthTest, testProvisioningKey } from '../../services/auth/test/support/auth-test.js'
import {
  freePort,
  routedSample,
  selfSignedIdentity,
  simulatorAdmin,
  simulatorEnv,
  startSimulatorFor,
  uniqueNumero,
  waitForState,
} from './support/sdi.js'

const logLevel = process.env.TEST_LOG_LEVEL ?? 'silent'
const logger = createLogger({ name: 'active-e2e-test', level: logLevel })
const day = 24 * 3_600_000
/**
 * The ERP's company. The official samples' cedente, 01234567890, has a wrong check digit (the right one is 7) and auth
 * refuses it for a client (PARTITA_IVA_INVALID), so the samples' CedentePrestatore is changed to it in memory; the
 * transmitter (IdTrasmittente 01234567890) stays as in the samples.
 */
const partitaIva = '01234567897'
const studioCode = 'e2e0001'
const studioEmail = 'studio@e2e.example'
const adminPassword = 'Studio.E2e-2026'
const integrationUser = `APIREST_ERP@${studioCode}`
const integrationPassword = 'Erp.Sync-2026'

interface Identity {
  keyPem: string
  certificatePem: string
}

interface Reply {
  status: number
  headers: http.IncomingHttpHeaders
  body: Record<string, unknown>
  text: string
}

interface InvoiceView {
  id: string
  state: string
  numero: string
  format: string
  sdi: { fileName: string | null; identificativoSdI: string | null }
}

interface Received {
  headers: http.IncomingHttpHeaders
  body: string
  at: number
}

interface WebhookChange {
  id: string
  type: string
  feedSeq: string
  invoice: { id: string; state: string; fromState: string | null; clientId: string }
  event: { kind: string }
}

/** An official sample, read now, with its recipient code, its cedente and its first Numero changed in memory. */
const sample = (name: 'FPA01' | 'FPR02', codice: string): Buffer =>
  routedSample(`IT01234567890_${name}.xml`, { numero: uniqueNumero('E2E'), codiceDestinatario: codice, cedentePartitaIva: partitaIva })

/** Standard Webhooks verification written here from the specification, not with the product's helper. */
function signatureValid(secret: string, delivery: Received): boolean {
  const id = delivery.headers['webhook-id']
  const timestamp = delivery.headers['webhook-timestamp']
  const header = delivery.headers['webhook-signature']
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof header !== 'string') return false
  if (!secret.startsWith('whsec_')) return false
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  const expected = Buffer.from(createHmac('sha256', key).update(`${id}.${timestamp}.${delivery.body}`).digest('base64'))
  return header.split(' ').some((candidate) => {
    const [version, signature] = candidate.split(',')
    if (version !== 'v1' || signature === undefined) return false
    const given = Buffer.from(signature)
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}

describe('fe-active end to end: ERP → gateway (mTLS) → fe-active → SDI simulator → notifications → webhook', () => {
  let auth: AuthTest
  let feActive: TestService<FeActiveConfig>
  let workers: RunningWorker[] = []
  let simulator: SimulatorApp
  let simulatorUrl: string
  let redis: Redis
  let gateway: App
  let gatewayPort: number
  let serverCertificatePem: string
  let receiver: http.Server
  let receiverUrl: string
  const received: Received[] = []
  let work: string

  let adminToken: string
  let erpToken: string
  let erpIdentity: Identity
  let clientId: string
  let webhookSecret: string

  /** One HTTPS request to the gateway on a fresh connection, optionally presenting a client certificate. */
  function call(
    method: string,
    path: string,
    options: { token?: string; client?: Identity; json?: unknown; body?: Buffer; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers }
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
    let payload: Buffer | undefined = options.body
    if (options.json !== undefined) {
      payload = Buffer.from(JSON.stringify(options.json))
      headers['content-type'] = 'application/json'
    }
    return new Promise((resolve, reject) => {
      const outgoing = httpsRequest(
        {
          host: '127.0.0.1',
          port: gatewayPort,
          path,
          method,
          ca: serverCertificatePem,
          agent: false,
          headers,
          ...(options.client === undefined ? {} : { key: options.client.keyPem, cert: options.client.certificatePem }),
        },
        (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            const isJson = /json/.test(response.headers['content-type'] ?? '') && text !== ''
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: isJson ? (JSON.parse(text) as Record<string, unknown>) : {},
              text,
            })
          })
          response.on('error', reject)
        },
      )
      outgoing.on('error', reject)
      outgoing.end(payload)
    })
  }

  async function expectStatus(reply: Promise<Reply>, status: number, what: string): Promise<Reply> {
    const answered = await reply
    if (answered.status !== status) throw new Error(`${what}: expected ${status}, got ${answered.status} ${answered.text.slice(0, 500)}`)
    return answered
  }

  /** The simulator's admin API (plain HTTP, not part of the platform). */
  let admin: ReturnType<typeof simulatorAdmin>
  const advance = (ms: number) => admin('POST', '/clock/advance', { ms })

  /** The ERP's submission: the APIREST token and the client certificate, through the gateway. */
  async function submit(file: Buffer, key: string): Promise<InvoiceView> {
    const reply = await expectStatus(
      call('POST', '/api/fe-active/invoices', {
        token: erpToken,
        client: erpIdentity,
        body: file,
        headers: { 'content-type': 'application/xml', 'idempotency-key': key },
      }),
      201,
      'POST /invoices',
    )
    return reply.body as unknown as InvoiceView
  }

  const read = async (id: string): Promise<InvoiceView> =>
    (await expectStatus(call('GET', `/api/fe-active/invoices/${id}`, { token: erpToken, client: erpIdentity }), 200, 'GET invoice'))
      .body as unknown as InvoiceView

  /** Polls the invoice through the gateway until it reaches `state`. */
  const until = (id: string, state: string, timeoutMs = 20_000): Promise<InvoiceView> =>
    waitForState(id, state, read, { timeoutMs, intervalMs: 150 })

  /** The webhook deliveries about one invoice, parsed, in the order they arrived. */
  const deliveriesFor = (invoiceId: string) =>
    received
      .map((delivery) => ({ delivery, change: JSON.parse(delivery.body) as WebhookChange }))
      .filter(({ change }) => change.invoice.id === invoiceId)

  /** Waits until the receiver has the invoice's state changes up to `last`; returns them in feed order. */
  async function webhookStates(invoiceId: string, last: string, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const items = deliveriesFor(invoiceId)
      if (items.some(({ change }) => change.invoice.state === last && change.type === 'invoice.state_changed')) {
        // Deliveries run concurrently: order them by the feed position the platform gave each change.
        return items.sort((a, b) => Number(BigInt(a.change.feedSeq) - BigInt(b.change.feedSeq)))
      }
      if (Date.now() > deadline) {
        throw new Error(`no webhook with ${last} for ${invoiceId}; got ${items.map(({ change }) => change.invoice.state).join(', ')}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  /** Every delivery of the invoice is validly signed, and its state changes chain exactly as `expected`. */
  async function expectWebhooks(invoiceId: string, expected: string[]): Promise<void> {
    const items = await webhookStates(invoiceId, expected.at(-1) as string)
    for (const { delivery, change } of items) {
      expect(signatureValid(webhookSecret, delivery)).toBe(true)
      // A receiver refuses timestamps far from its clock (Standard Webhooks suggests 5 minutes).
      expect(Math.abs(Number(delivery.headers['webhook-timestamp']) * 1000 - delivery.at)).toBeLessThan(300_000)
      expect(change.invoice.clientId).toBe(clientId)
    }
    const changes = items.map(({ change }) => change).filter((change) => change.type === 'invoice.state_changed')
    expect(changes.map((change) => change.invoice.state)).toEqual(expected)
    expect(changes.map((change) => change.invoice.fromState)).toEqual([null, ...expected.slice(0, -1)])
    // The same changes as the invoice's history read through the gateway.
    const history = await expectStatus(
      call('GET', `/api/fe-active/invoices/${invoiceId}/history`, { token: erpToken, client: erpIdentity }),
      200,
      'GET history',
    )
    const moves = (history.body.items as Array<{ fromState: string | null; toState: string }>).filter(
      (item) => item.fromState !== item.toState,
    )
    expect(moves.map((item) => item.toState)).toEqual(expected)
    // Each event arrives once (the receiver answered 204 each time, so nothing was retried): one message id (the
    // delivery's) and one event id (the same as in the changes feed) per delivery.
    expect(new Set(items.map(({ delivery }) => delivery.headers['webhook-id'])).size).toBe(items.length)
    expect(new Set(items.map(({ change }) => change.id)).size).toBe(items.length)
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'active-e2e-'))
    // The gateway's server certificate (IP SAN, so the ERP verifies the server too).
    serverCertificatePem = selfSignedIdentity(work, {
      name: 'gateway',
      subject: '/CN=127.0.0.1',
      days: 1,
      extensions: ['subjectAltName=IP:127.0.0.1'],
    }).certificatePem
    // The signing certificate of SDI's messages (simulator).
    const sdiSigner = selfSignedIdentity(work, { name: 'sdi', subject: '/CN=SDI simulator', days: 2 })

    receiver = http.createServer((request, response) => {
      const chunks: Buffer[] = []
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() })
        response.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/erp/webhooks`

    auth = await startAuthTest({ CLIENT_CERTIFICATE_REQUIRED: 'true', LOGIN_RATE_LIMIT_PER_MINUTE: '100', LOG_LEVEL: logLevel })
    await auth.service.app.listen({ host: '127.0.0.1', port: 0 })
    const authUrl = `http://127.0.0.1:${(auth.service.app.server.address() as AddressInfo).port}`
    const prefix = auth.service.config.REDIS_PREFIX

    const simulatorPort = await freePort()
    simulatorUrl = `http://127.0.0.1:${simulatorPort}`
    admin = simulatorAdmin(simulatorUrl)
    feActive = await startTestService(feActiveService, {
      databaseUrl: auth.database.url,
      redisPrefix: prefix,
      logger,
      env: {
        AUTH_JWKS_URL: `${authUrl}/.well-known/jwks.json`,
        SMTP_URL: auth.smtp.url,
        SIGNING_SECRET: 'active-e2e-signing-secret-0123456789abcdef',
        // The ERP's webhook receiver listens on 127.0.0.1.
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        ...simulatorEnv(simulatorUrl),
      },
    })
    await feActive.app.listen({ host: '127.0.0.1', port: 0 })
    const feActiveUrl = `http://127.0.0.1:${(feActive.app.server.address() as AddressInfo).port}`

    simulator = await startSimulatorFor(feActiveUrl, { seed: 'active-e2e', port: simulatorPort, signer: sdiSigner })
    await admin('PUT', '/recipients/B2BOK01', { scenario: { kind: 'accept' } })
    await admin('PUT', '/recipients/PAACC1', { scenario: { kind: 'accept', delayMs: 1000 } })
    await admin('PUT', '/recipients/PARIF1', { scenario: { kind: 'refuse', delayMs: 1000, descrizione: 'Importi errati' } })
    await admin('PUT', '/recipients/PADT01', { scenario: { kind: 'noAnswer' } })
    await admin('PUT', '/recipients/PADOWN', { scenario: { kind: 'down' } })

    workers = [
      ...(authService.workers?.({
        config: auth.service.config,
        orm: auth.service.orm,
        logger,
        producer: auth.service.producer,
        mailer: createMailer(auth.service.config, logger),
      }) ?? []),
      ...(feActiveService.workers?.({
        config: feActive.config,
        orm: feActive.orm,
        logger,
        producer: feActive.producer,
        mailer: createMailer(feActive.config, logger),
      }) ?? []),
    ]

    redis = createRedis(testRedisUrl, 'client')
    await redis.connect()
    gateway = await buildGateway({
      config: loadConfig(GatewayConfigSchema, {
        REDIS_URL: testRedisUrl,
        REDIS_PREFIX: prefix,
        AUTH_SERVICE_URL: authUrl,
        FE_ACTIVE_SERVICE_URL: feActiveUrl,
        GATEWAY_TLS_CERT_FILE: join(work, 'gateway.pem'),
        GATEWAY_TLS_KEY_FILE: join(work, 'gateway.key'),
        MTLS_MODE: 'integration',
      }),
      logger: createLogger({ name: 'gateway', level: logLevel }),
      redis,
    })
    gatewayPort = (await listenGateway(gateway, { host: '127.0.0.1', port: 0 })).port
  }, 60_000)

  afterAll(async () => {
    await gateway?.close()
    redis?.disconnect()
    await Promise.all(workers.map((worker) => worker.close()))
    await simulator?.close()
    await feActive?.close()
    await auth?.close()
    await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)))
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('sets the studio up through the gateway: client with FE Attiva, APIREST user, client certificate, signing credential, webhook', async () => {
    // The platform operator activates the studio; the administrator's system password arrives by e-mail.
    await expectStatus(
      call('POST', '/api/auth/provisioning/studios', {
        headers: { 'x-provisioning-key': testProvisioningKey },
        json: {
          code: studioCode,
          name: 'Studio E2E',
          email: studioEmail,
          company: { denominazione: 'Studio E2E S.r.l.', partitaIva: '12345678903' },
        },
      }),
      201,
      'provisioning',
    )
    const mail = await auth.smtp.waitFor((message) => message.to.includes(studioEmail))
    const systemPassword = /Password utente AMMINISTRATORE: (\S+)/.exec(mail.text)?.[1]
    expect(systemPassword).toBeDefined()
    const first = await expectStatus(
      call('POST', '/api/auth/sessions', { json: { username: `ADM@${studioCode}`, password: systemPassword } }),
      200,
      'ADM sign-in',
    )
    expect(first.body.mustChangePassword).toBe(true)
    const changed = await expectStatus(
      call('POST', '/api/auth/sessions/password', {
        token: first.body.accessToken as string,
        json: { currentPassword: systemPassword, newPassword: adminPassword },
      }),
      200,
      'password change',
    )
    adminToken = changed.body.accessToken as string

    // The ERP's company: a client with the samples' partita IVA, enabled for FE Attiva.
    const client = await expectStatus(
      call('POST', '/api/auth/clients', {
        token: adminToken,
        json: { codiceSoggetto: '2', denominazione: 'Società alpha S.r.l.', partitaIva },
      }),
      201,
      'create client',
    )
    clientId = client.body.id as string
    await expectStatus(
      call('PUT', `/api/auth/clients/${clientId}/fe-attiva`, { token: adminToken, json: { enabled: true } }),
      200,
      'fe-attiva',
    )

    // Its APIREST user and its client certificate (CSR with CN=<partita IVA>.cert).
    await expectStatus(
      call('POST', '/api/auth/users', {
        token: adminToken,
        json: {
          username: 'APIREST_ERP',
          kind: 'integration',
          description: 'Gestionale alpha',
          clientId,
          classes: ['operatori-fatture-attive'],
          password: integrationPassword,
        },
      }),
      201,
      'create APIREST user',
    )
    const csr = nodeCsr(`${partitaIva}.cert`)
    const issued = await expectStatus(
      call('POST', `/api/auth/clients/${clientId}/certificates`, { token: adminToken, json: { csrPem: csr.csrPem, validityDays: 30 } }),
      201,
      'issue certificate',
    )
    erpIdentity = { keyPem: csr.keyPem, certificatePem: issued.body.certificatePem as string }

    // The ERP signs in: without its certificate the token is refused, with it granted.
    const credentials = { username: integrationUser, password: integrationPassword }
    const refused = await call('POST', '/api/auth/sessions/token', { json: credentials })
    // auth's own check (the gateway lets the public token route through): its code has no CLIENT_ prefix.
    expect(refused.body).toMatchObject({ status: 401, code: 'CERTIFICATE_MISSING' })
    const session = await expectStatus(
      call('POST', '/api/auth/sessions/token', { json: credentials, client: erpIdentity }),
      200,
      'APIREST token',
    )
    erpToken = session.body.accessToken as string

    // The signing certificate of the client (PKCS#12 made with openssl), uploaded by the administrator once the
    // client has reached fe-active's replica.
    selfSignedIdentity(work, {
      name: 'signer',
      subject: '/CN=Mario Rossi/serialNumber=TINIT-RSSMRA80A01H501U/O=Società alpha S.r.l.',
      days: 30,
      extensions: ['keyUsage=critical,nonRepudiation,digitalSignature'],
    })
    execFileSync(
      'openssl',
      ['pkcs12', '-export', '-inkey', 'signer.key', '-in', 'signer.pem', '-passout', 'pass:p12-secret', '-out', 'signer.p12'],
      { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const p12 = readFileSync(join(work, 'signer.p12'))
    const deadline = Date.now() + 15_000
    let uploaded: Reply
    for (;;) {
      uploaded = await call('PUT', `/api/fe-active/clients/${clientId}/signing-credential`, {
        token: adminToken,
        body: p12,
        headers: { 'content-type': 'application/x-pkcs12', 'x-pkcs12-password': 'p12-secret' },
      })
      if (uploaded.status !== 404 || Date.now() > deadline) break
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    expect({ status: uploaded.status, owner: uploaded.body.owner }).toEqual({ status: 200, owner: 'client' })

    // The ERP subscribes its webhook; the secret is shown once.
    const webhook = await expectStatus(
      call('POST', '/api/fe-active/webhooks', { token: erpToken, client: erpIdentity, json: { url: receiverUrl, description: 'ERP' } }),
      201,
      'webhook',
    )
    webhookSecret = webhook.body.secret as string
    expect(webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/)

    // "Abilita FE Attiva" reaches fe-active asynchronously (auth's outbox relay, then the platform.clients queue):
    // the ERP's dry run says when fe-active takes the client's invoices.
    const probe = sample('FPR02', 'B2BOK01')
    const enabledBy = Date.now() + 15_000
    for (;;) {
      const report = await expectStatus(
        call('POST', '/api/fe-active/invoices/validation', {
          token: erpToken,
          client: erpIdentity,
          body: probe,
          headers: { 'content-type': 'application/xml' },
        }),
        200,
        'dry run',
      )
      if (report.body.valid === true) break
      const codes = (report.body.issues as Array<{ code: string }>).map((issue) => issue.code)
      if (!codes.every((code) => code === 'CLIENT_NOT_ENABLED_FOR_FE_ATTIVA') || Date.now() > enabledBy) {
        // Where the replication stopped: auth's outbox, the queue, fe-active's replica.
        const outbox = await auth.service.orm.em
          .fork()
          .getConnection()
          .execute('select id, type, status, attempts, last_error from outbox_event order by id')
        const replica = await feActive.orm.em
          .fork()
          .getConnection()
          .execute('select client_id, version, fe_attiva_enabled_at from client_replica')
        const queue = new Queue(Queues.Clients, { connection: redis, prefix: auth.service.config.REDIS_PREFIX })
        const counts = await queue.getJobCounts()
        const failed = (await queue.getFailed()).map((job) => job.failedReason)
        throw new Error(`dry run: ${JSON.stringify(report.body)}\n${JSON.stringify({ outbox, replica, counts, failed })}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }, 40_000)

  it('refuses the ERP’s calls without its client certificate at the gateway', async () => {
    const file = sample('FPR02', 'B2BOK01')
    const submitted = await call('POST', '/api/fe-active/invoices', {
      token: erpToken,
      body: file,
      headers: { 'content-type': 'application/xml', 'idempotency-key': 'e2e-no-cert' },
    })
    expect(submitted.status).toBe(401)
    expect(submitted.body).toMatchObject({ code: 'CLIENT_CERTIFICATE_MISSING' })
    const listed = await call('GET', '/api/fe-active/webhooks', { token: erpToken })
    expect(listed.status).toBe(401)
    // Nothing reached fe-active: the same key with the certificate creates the invoice now, not a replay.
    const accepted = await call('POST', '/api/fe-active/invoices', {
      token: erpToken,
      client: erpIdentity,
      body: file,
      headers: { 'content-type': 'application/xml', 'idempotency-key': 'e2e-no-cert' },
    })
    expect(accepted.status).toBe(201)
    expect(accepted.headers['idempotent-replay']).toBeUndefined()
    await until((accepted.body as unknown as InvoiceView).id, 'CONSEGNATA')
  })

  it('B2B FPR12: DA INVIARE → INVIATA → CONSEGNATA, each change on the webhook', async () => {
    const created = await submit(sample('FPR02', 'B2BOK01'), 'e2e-b2b-1')
    expect(created).toMatchObject({ state: 'DA_INVIARE', format: 'FPR12' })
    const delivered = await until(created.id, 'CONSEGNATA')
    expect(delivered.sdi.identificativoSdI).toMatch(/\S/)
    await expectWebhooks(created.id, ['DA_INVIARE', 'INVIATA', 'CONSEGNATA'])
  })

  it('PA FPA12 signed by fe-active: ACCETTATA and RIFIUTATA', async () => {
    const accepted = await submit(sample('FPA01', 'PAACC1'), 'e2e-pa-acc')
    const refused = await submit(sample('FPA01', 'PARIF1'), 'e2e-pa-rif')
    expect(accepted).toMatchObject({ state: 'DA_FIRMARE', format: 'FPA12' })
    expect(refused.state).toBe('DA_FIRMARE')
    const done = await until(accepted.id, 'ACCETTATA')
    // Transmitted as the CAdES file fe-active signed.
    expect(done.sdi.fileName).toMatch(/^IT01234567890_[0-9A-Z]{5}\.xml\.p7m$/)
    await until(refused.id, 'RIFIUTATA')
    await expectWebhooks(accepted.id, ['DA_FIRMARE', 'DA_INVIARE', 'INVIATA', 'CONSEGNATA', 'ACCETTATA'])
    await expectWebhooks(refused.id, ['DA_FIRMARE', 'DA_INVIARE', 'INVIATA', 'CONSEGNATA', 'RIFIUTATA'])
  })

  it('PA: DECORSI TERMINI 15 days after delivery without an outcome', async () => {
    const created = await submit(sample('FPA01', 'PADT01'), 'e2e-pa-dt')
    await until(created.id, 'CONSEGNATA')
    await advance(16 * day)
    await until(created.id, 'DECORSI_TERMINI')
    await expectWebhooks(created.id, ['DA_FIRMARE', 'DA_INVIARE', 'INVIATA', 'CONSEGNATA', 'DECORSI_TERMINI'])
  })

  it('PA: NON RECAPITABILE after the MC (NON CONSEGNATA) and the AT', async () => {
    const created = await submit(sample('FPA01', 'PADOWN'), 'e2e-pa-nr')
    await until(created.id, 'INVIATA')
    await advance(3 * day)
    await until(created.id, 'NON_CONSEGNATA')
    await advance(11 * day)
    await until(created.id, 'NON_RECAPITABILE')
    await expectWebhooks(created.id, ['DA_FIRMARE', 'DA_INVIARE', 'INVIATA', 'NON_CONSEGNATA', 'NON_RECAPITABILE'])
  })
})
