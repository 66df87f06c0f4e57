// The whole SDI cycle over real HTTP, nothing mocked: the real fe-active and fe-passive (PostgreSQL, Redis, their
// SDI endpoints served on their plain ports as in embedded mode) and the real SDI simulator, listening, seeded,
// signing with a key made for this run, and wired to the platform from configuration as `pnpm sdi-sim` is.
// The platform transmits official AdE samples with SdiClient; every assertion reads the platform's stored inbox.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildSdiMessage, parseSdiMessage, type SdiMessage } from '@fatturapa-hub/fatturapa'
import { service as feActiveService } from '@fatturapa-hub/fe-active/service'
import { service as fePassiveService } from '@fatturapa-hub/fe-passive/service'
// Relative: the root package does not depend on these workspace packages.
import { SdiClient, type SdiInboundMessage, SdiInboundMessageEntity } from '@fatturapa-hub/sdi-channel'
import {
  buildSimulator,
  platformWiringFromEnv,
  type SimulatorOptions,
  wirePlatform,
  xadesMessageSigner,
} from '@fatturapa-hub/sdi-simulator'
import { createLogger, createMailer, type ServiceConfig } from '@fatturapa-hub/shared'
import {
  createTestDatabase,
  startTestService,
  startTestSmtpServer,
  type TestDatabase,
  type TestService,
  type TestSmtpServer,
  testRedisPrefix,
} from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { httpCall, selfSignedIdentity } from './support/sdi.js'

const samples = '/work/shared/reference/fatturapa/samples'
const logger = createLogger({ name: 'sdi-cycle-test', level: 'silent' })
const hour = 3_600_000
const day = 24 * hour
const start = '2026-06-01T08:00:00.000Z'
/** The platform's own recipient codes: B2B (7 characters) and a PA office it receives for (6 characters). */
const platformB2B = 'FPHUB00'
const platformPA = 'FPHPA0'

/** An official sample, read at test time, with recipient code, invoice number or date changed in memory. */
function sample(name: 'FPA01' | 'FPR01' | 'FPR02', change: { codice?: string; numero?: string; data?: string } = {}): Buffer {
  let xml = readFileSync(join(samples, `IT01234567890_${name}.xml`), 'utf8')
  if (change.codice) xml = xml.replace(/<CodiceDestinatario>[^<]*</, `<CodiceDestinatario>${change.codice}<`)
  const body = xml.indexOf('<DatiGeneraliDocumento>')
  let tail = xml.slice(body)
  if (change.numero) tail = tail.replace(/<Numero>[^<]*</, `<Numero>${change.numero}<`)
  if (change.data) tail = tail.replace(/<Data>[^<]*</, `<Data>${change.data}<`)
  return Buffer.from(xml.slice(0, body) + tail, 'utf8')
}

let database: TestDatabase
let feActive: TestService<ServiceConfig>
let fePassive: TestService<ServiceConfig>
let smtp: TestSmtpServer
let keyDirectory: string
let signing: { certificatePem: string; privateKeyPem: string }
let platformEnv: Record<string, string>
/** SE answers the platform got from SdIRiceviNotifica (they come in the answer, not through the inbox). */
const scartiEsito: SdiMessage[] = []

const urlOf = (service: TestService<ServiceConfig>) => `http://127.0.0.1:${(service.app.server.address() as AddressInfo).port}`

beforeAll(async () => {
  database = await createTestDatabase()
  keyDirectory = mkdtempSync(join(tmpdir(), 'sdi-cycle-'))
  signing = selfSignedIdentity(keyDirectory, { subject: '/CN=SDI simulator (test)' })
  const options = { databaseUrl: database.url, logger, env: { SDI_INBOUND_PLAIN_HTTP: 'true' } }
  feActive = (await startTestService(feActiveService, {
    ...options,
    redisPrefix: testRedisPrefix(),
  })) as unknown as TestService<ServiceConfig>
  fePassive = (await startTestService(fePassiveService, {
    ...options,
    redisPrefix: testRedisPrefix(),
  })) as unknown as TestService<ServiceConfig>
  await feActive.app.listen({ host: '127.0.0.1', port: 0 })
  await fePassive.app.listen({ host: '127.0.0.1', port: 0 })
  smtp = await startTestSmtpServer()
  // The configuration `pnpm sdi-sim` and the launcher give the simulator.
  platformEnv = {
    PLATFORM_TRASMISSIONE_URL: `${urlOf(feActive)}/sdi/TrasmissioneFatture`,
    PLATFORM_RICEZIONE_URL: `${urlOf(fePassive)}/sdi/RicezioneFatture`,
    PLATFORM_CODICI_DESTINATARIO: `${platformB2B},${platformPA}`,
  }
}, 60_000)

afterAll(async () => {
  await feActive?.close()
  await fePassive?.close()
  await smtp?.close()
  await database?.drop()
  rmSync(keyDirectory, { recursive: true, force: true })
})

/** A fresh simulator, listening, wired to the platform from configuration; the platform's SdiClient points at it. */
async function startSimulator(seed: string, options: SimulatorOptions = {}) {
  const app = await buildSimulator({ seed, start, signer: xadesMessageSigner(signing), outboundTimeoutMs: 10_000, ...options })
  const wiring = platformWiringFromEnv(platformEnv)
  if (!wiring) throw new Error('platform wiring missing')
  wirePlatform(app, wiring)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const admin = async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await httpCall(method, `${url}/admin${path}`, body)
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.json)}`)
    return response.json as T
  }
  // The platform side: as fe-active/fe-passive configure it (SDI_RICEVI_FILE_URL, SDI_RICEVI_NOTIFICA_URL).
  const client = new SdiClient({ riceviFileUrl: `${url}/SdIRiceviFile`, riceviNotificaUrl: `${url}/SdIRiceviNotifica`, timeoutMs: 10_000 })
  return {
    app,
    url,
    admin,
    client,
    /** Virtual time jumps ahead; answers once every due task (deliveries to the platform included) has run. */
    advance: (ms: number) => admin('POST', '/clock/advance', { ms }),
    transmit: (fileName: string, file: Buffer) => client.transmitFile({ fileName, file }),
    close: () => app.close(),
  }
}
type Simulator = Awaited<ReturnType<typeof startSimulator>>

async function withSimulator(seed: string, body: (sim: Simulator) => Promise<void>, options: SimulatorOptions = {}) {
  const sim = await startSimulator(seed, options)
  try {
    await body(sim)
  } finally {
    await sim.close()
  }
}

type Side = 'fe-active' | 'fe-passive'
/** The rows of the platform's inbox (sdi_inbound_message in the service's schema) for one IdentificativoSdI. */
async function inbox(side: Side, identificativoSdI: string): Promise<SdiInboundMessage[]> {
  const service = side === 'fe-active' ? feActive : fePassive
  return service.orm.em
    .fork()
    .find(
      SdiInboundMessageEntity,
      { identificativoSdI },
      { populate: ['file', 'metadata'], orderBy: { receivedAt: 'asc', fileName: 'asc' } },
    )
}

const summary = (rows: SdiInboundMessage[]) =>
  rows.map((row) => ({
    operation: row.operation,
    vocabulary: row.messageVocabulary,
    type: row.messageType,
    name: row.messageName,
    fileName: row.fileName,
    parseError: row.parseError,
  }))

const errorCodes = (row: SdiInboundMessage | undefined) =>
  (parseSdiMessage(row?.file as Buffer) as { ListaErrori: Array<{ Codice: string }> }).ListaErrori.map((error) => error.Codice)

function ec(identificativoSdI: string, esito: 'EC01' | 'EC02', messageIdCommittente: string): Buffer {
  return Buffer.from(
    buildSdiMessage({
      vocabulary: 'PA',
      type: 'NotificaEsitoCommittente',
      IdentificativoSdI: identificativoSdI,
      Esito: esito,
      ...(esito === 'EC02' ? { Descrizione: 'Importi non corrispondenti all ordine' } : {}),
      MessageIdCommittente: messageIdCommittente,
    }),
    'utf8',
  )
}

describe('B2B over SDICoop', () => {
  it('an invoice to the platform own code reaches fe-passive with its FileMetadati, and fe-active gets the RC', async () => {
    await withSimulator('b2b-delivered', async (sim) => {
      const invoice = sample('FPR01', { codice: platformB2B })
      const { identificativoSdI } = await sim.transmit('IT01234567890_B0001.xml', invoice)
      await sim.advance(0)

      const received = await inbox('fe-passive', identificativoSdI)
      expect(summary(received)).toEqual([
        {
          operation: 'RicezioneFatture.RiceviFatture',
          vocabulary: 'B2B',
          type: 'MT',
          name: 'FileMetadati',
          fileName: 'IT01234567890_B0001.xml',
          parseError: null,
        },
      ])
      expect(received[0]?.file.equals(invoice)).toBe(true)
      expect(received[0]?.metadataFileName).toBe('IT01234567890_B0001_MT_001.xml')
      expect(parseSdiMessage(received[0]?.metadata as Buffer)).toMatchObject({ CodiceDestinatario: platformB2B, TentativiInvio: 1 })

      const receipts = await inbox('fe-active', identificativoSdI)
      expect(summary(receipts)).toEqual([
        {
          operation: 'TrasmissioneFatture.RicevutaConsegna',
          vocabulary: 'B2B',
          type: 'RC',
          name: 'RicevutaConsegna',
          fileName: 'IT01234567890_B0001_RC_001.xml',
          parseError: null,
        },
      ])
      // Signed as SDI signs (XAdES), and the platform parses it.
      expect(receipts[0]?.file.toString('utf8')).toContain('<ds:Signature')
      expect(parseSdiMessage(receipts[0]?.file as Buffer)).toMatchObject({ Destinatario: { Codice: platformB2B } })
    })
  })

  it('a discard scenario gives a RicevutaScarto (B2B) and a NotificaScarto (PA) with its codes', async () => {
    await withSimulator('discard', async (sim) => {
      await sim.admin('PUT', '/recipients/SCARTO1', { scenario: { kind: 'discard', errors: [{ codice: '00305' }, { codice: '00311' }] } })
      await sim.admin('PUT', '/recipients/SCARPA', { scenario: { kind: 'discard', errors: [{ codice: '00311' }] } })
      const b2b = await sim.transmit('IT01234567890_B0002.xml', sample('FPR01', { codice: 'SCARTO1' }))
      const pa = await sim.transmit('IT01234567890_P0002.xml', sample('FPA01', { codice: 'SCARPA' }))
      await sim.advance(0)

      const b2bRows = await inbox('fe-active', b2b.identificativoSdI)
      expect(summary(b2bRows)).toEqual([
        expect.objectContaining({ operation: 'TrasmissioneFatture.NotificaScarto', vocabulary: 'B2B', type: 'NS', name: 'RicevutaScarto' }),
      ])
      expect(errorCodes(b2bRows[0])).toEqual(['00305', '00311'])
      const paRows = await inbox('fe-active', pa.identificativoSdI)
      expect(summary(paRows)).toEqual([
        expect.objectContaining({ operation: 'TrasmissioneFatture.NotificaScarto', vocabulary: 'PA', type: 'NS', name: 'NotificaScarto' }),
      ])
      expect(errorCodes(paRows[0])).toEqual(['00311'])
      expect(await inbox('fe-passive', b2b.identificativoSdI)).toEqual([])
    })
  })

  it('a file name already used gets 00002; the same invoice under a new name gets 00404', async () => {
    await withSimulator('duplicates', async (sim) => {
      const first = await sim.transmit('IT01234567890_B0003.xml', sample('FPR01', { codice: platformB2B, numero: 'D1' }))
      const sameName = await sim.transmit('IT01234567890_B0003.xml', sample('FPR01', { codice: platformB2B, numero: 'D2' }))
      const sameInvoice = await sim.transmit('IT01234567890_B0004.xml', sample('FPR01', { codice: platformB2B, numero: 'D1' }))
      await sim.advance(0)

      expect(summary(await inbox('fe-active', first.identificativoSdI)).map((row) => row.type)).toEqual(['RC'])
      const nameRows = await inbox('fe-active', sameName.identificativoSdI)
      expect(summary(nameRows)).toEqual([
        expect.objectContaining({ type: 'NS', name: 'RicevutaScarto', fileName: 'IT01234567890_B0003_NS_001.xml' }),
      ])
      expect(errorCodes(nameRows[0])).toEqual(['00002'])
      const invoiceRows = await inbox('fe-active', sameInvoice.identificativoSdI)
      expect(summary(invoiceRows)).toEqual([
        expect.objectContaining({ type: 'NS', name: 'RicevutaScarto', fileName: 'IT01234567890_B0004_NS_001.xml' }),
      ])
      expect(errorCodes(invoiceRows[0])).toEqual(['00404'])
      // Only the first file reached the recipient.
      expect(await inbox('fe-passive', sameName.identificativoSdI)).toEqual([])
      expect(await inbox('fe-passive', sameInvoice.identificativoSdI)).toEqual([])
    })
  })

  it('an unreachable recipient is tried 4 times, 6 hours apart, then fe-active gets RicevutaImpossibilitaRecapito', async () => {
    await withSimulator('b2b-down', async (sim) => {
      await sim.admin('PUT', '/recipients/GIU0001', { scenario: { kind: 'down' } })
      const { identificativoSdI } = await sim.transmit('IT01234567890_B0005.xml', sample('FPR01', { codice: 'GIU0001' }))
      await sim.advance(18 * hour - 1000)
      expect(await inbox('fe-active', identificativoSdI)).toEqual([])
      await sim.advance(1000)

      const rows = await inbox('fe-active', identificativoSdI)
      expect(summary(rows)).toEqual([
        expect.objectContaining({
          operation: 'TrasmissioneFatture.NotificaMancataConsegna',
          vocabulary: 'B2B',
          type: 'MC',
          name: 'RicevutaImpossibilitaRecapito',
          fileName: 'IT01234567890_B0005_MC_001.xml',
          parseError: null,
        }),
      ])
      expect(parseSdiMessage(rows[0]?.file as Buffer)).toMatchObject({ DataMessaADisposizione: '2026-06-02' })
      const deliveries = await sim.admin<Array<{ kind: string; identificativoSdI?: string; attempts: Array<{ at: string }> }>>(
        'GET',
        '/deliveries',
      )
      const attempts = deliveries.find((delivery) => delivery.kind === 'invoice')?.attempts.map((attempt) => attempt.at)
      expect(attempts).toEqual([
        '2026-06-01T08:00:00.000Z',
        '2026-06-01T14:00:00.000Z',
        '2026-06-01T20:00:00.000Z',
        '2026-06-02T02:00:00.000Z',
      ])
    })
  })

  it('a 0000000 invoice with PECDestinatario goes out by PEC to a real SMTP server, and fe-active gets the RC', async () => {
    const mailer = createMailer({ SMTP_URL: smtp.url, MAIL_DIR: join(keyDirectory, 'unused'), MAIL_FROM: 'sdi@pec.fatturapa.it' }, logger)
    await withSimulator(
      'pec',
      async (sim) => {
        const invoice = sample('FPR02')
        const { identificativoSdI } = await sim.transmit('IT01234567890_B0006.xml', invoice)
        await sim.advance(0)
        const mail = await smtp.waitFor((candidate) => candidate.subject.includes(identificativoSdI))
        expect(mail.to).toEqual(['betagamma@pec.it'])
        expect(mail.subject).toBe(`POSTA CERTIFICATA: Invio File ${identificativoSdI} (SIMULAZIONE)`)
        const attachments = mail.parsed.attachments
        expect(attachments.map((attachment) => attachment.filename)).toEqual([
          'daticert.xml',
          'IT01234567890_B0006_MT_001.xml',
          'IT01234567890_B0006.xml',
        ])
        expect(attachments[2]?.content.equals(invoice)).toBe(true)
        expect(summary(await inbox('fe-active', identificativoSdI))).toEqual([
          expect.objectContaining({ vocabulary: 'B2B', type: 'RC', name: 'RicevutaConsegna', parseError: null }),
        ])
      },
      { mailer },
    )
  })
})

describe('PA over SDICoop', () => {
  it('delivered to fe-passive; its EC01 through SdIRiceviNotifica gets ES01 and fe-active an NE; a second EC gets ES00 + SE', async () => {
    await withSimulator('pa-ec01', async (sim) => {
      const invoice = sample('FPA01', { codice: platformPA })
      const { identificativoSdI } = await sim.transmit('IT01234567890_P0001.xml', invoice)
      await sim.advance(0)
      const [received] = await inbox('fe-passive', identificativoSdI)
      expect(summary(received ? [received] : [])).toEqual([
        expect.objectContaining({ operation: 'RicezioneFatture.RiceviFatture', vocabulary: 'PA', type: 'MT', name: 'MetadatiInvioFile' }),
      ])
      expect(parseSdiMessage(received?.metadata as Buffer)).toMatchObject({ CodiceDestinatario: platformPA, Formato: 'FPA12' })
      expect(summary(await inbox('fe-active', identificativoSdI))).toEqual([
        expect.objectContaining({ vocabulary: 'PA', type: 'RC', name: 'RicevutaConsegna' }),
      ])

      // fe-passive, as the PA's channel, accepts the invoice.
      const ecName = String(received?.fileName).replace(/\.xml$/, '_EC_001.xml')
      const accepted = await sim.client.sendNotificaEsito({
        identificativoSdI,
        fileName: ecName,
        file: ec(identificativoSdI, 'EC01', 'PA-1'),
      })
      expect(accepted).toEqual({ esito: 'ES01' })
      await sim.advance(0)
      const receipts = await inbox('fe-active', identificativoSdI)
      expect(summary(receipts).map((row) => [row.operation, row.type, row.name])).toEqual([
        ['TrasmissioneFatture.RicevutaConsegna', 'RC', 'RicevutaConsegna'],
        ['TrasmissioneFatture.NotificaEsito', 'NE', 'NotificaEsito'],
      ])
      expect(parseSdiMessage(receipts[1]?.file as Buffer)).toMatchObject({
        EsitoCommittente: { IdentificativoSdI: identificativoSdI, Esito: 'EC01', MessageIdCommittente: 'PA-1' },
      })

      const again = await sim.client.sendNotificaEsito({
        identificativoSdI,
        fileName: ecName.replace('_EC_001', '_EC_002'),
        file: ec(identificativoSdI, 'EC02', 'PA-2'),
      })
      expect(again.esito).toBe('ES00')
      expect(again.scartoEsito?.message).toMatchObject({ type: 'ScartoEsitoCommittente', Scarto: 'EN01', MessageIdCommittente: 'PA-2' })
      scartiEsito.push(again.scartoEsito?.message as SdiMessage)
    })
  })

  it('an EC02 from fe-passive gives fe-active an NE with EC02 (rifiutata)', async () => {
    await withSimulator('pa-ec02', async (sim) => {
      const { identificativoSdI } = await sim.transmit('IT01234567890_P0003.xml', sample('FPA01', { codice: platformPA, numero: 'R2' }))
      await sim.advance(0)
      const answer = await sim.client.sendNotificaEsito({
        identificativoSdI,
        fileName: 'IT01234567890_P0003_EC_001.xml',
        file: ec(identificativoSdI, 'EC02', 'PA-3'),
      })
      expect(answer).toEqual({ esito: 'ES01' })
      await sim.advance(0)
      const ne = (await inbox('fe-active', identificativoSdI)).find((row) => row.messageType === 'NE')
      expect(ne?.messageVocabulary).toBe('PA')
      expect(parseSdiMessage(ne?.file as Buffer)).toMatchObject({
        type: 'NotificaEsito',
        EsitoCommittente: { Esito: 'EC02', Descrizione: 'Importi non corrispondenti all ordine' },
      })
    })
  })

  it('without an EC, DT reaches fe-active and fe-passive exactly 15 days after delivery, not a second earlier', async () => {
    await withSimulator('pa-dt', async (sim) => {
      const { identificativoSdI } = await sim.transmit('IT01234567890_P0004.xml', sample('FPA01', { codice: platformPA, numero: 'R3' }))
      await sim.advance(0)
      await sim.advance(15 * day - 1000)
      const types = async (side: Side) => (await inbox(side, identificativoSdI)).map((row) => row.messageType)
      expect(await types('fe-active')).toEqual(['RC'])
      expect(await types('fe-passive')).toEqual(['MT'])
      await sim.advance(1000)

      expect(summary(await inbox('fe-active', identificativoSdI)).slice(1)).toEqual([
        expect.objectContaining({
          operation: 'TrasmissioneFatture.NotificaDecorrenzaTermini',
          vocabulary: 'PA',
          type: 'DT',
          fileName: 'IT01234567890_P0004_DT_001.xml',
          parseError: null,
        }),
      ])
      expect(summary(await inbox('fe-passive', identificativoSdI)).slice(1)).toEqual([
        expect.objectContaining({
          operation: 'RicezioneFatture.NotificaDecorrenzaTermini',
          vocabulary: 'PA',
          type: 'DT',
          parseError: null,
        }),
      ])
      const dt = await sim.admin<Array<{ createdAt: string; direction: string }>>(
        'GET',
        `/notifications?identificativoSdI=${identificativoSdI}&type=NotificaDecorrenzaTermini`,
      )
      expect(dt.map((message) => message.createdAt)).toEqual(['2026-06-16T08:00:00.000Z', '2026-06-16T08:00:00.000Z'])
    })
  })

  it('an unreachable PA gets an MC after 48 hours of attempts, then fe-active gets the AT exactly 10 days later', async () => {
    await withSimulator('pa-down', async (sim) => {
      await sim.admin('PUT', '/recipients/GIUPA0', { scenario: { kind: 'down' } })
      const { identificativoSdI } = await sim.transmit('IT01234567890_P0005.xml', sample('FPA01', { codice: 'GIUPA0' }))
      await sim.advance(48 * hour)
      expect(summary(await inbox('fe-active', identificativoSdI))).toEqual([
        expect.objectContaining({
          operation: 'TrasmissioneFatture.NotificaMancataConsegna',
          vocabulary: 'PA',
          type: 'MC',
          name: 'NotificaMancataConsegna',
        }),
      ])
      const [mc] = await sim.admin<Array<{ createdAt: string }>>(
        'GET',
        `/notifications?identificativoSdI=${identificativoSdI}&type=NotificaMancataConsegna`,
      )
      const untilAt = Date.parse(mc?.createdAt as string) + 10 * day - Date.parse((await sim.admin<{ now: string }>('GET', '/clock')).now)
      await sim.advance(untilAt - 1000)
      expect((await inbox('fe-active', identificativoSdI)).map((row) => row.messageType)).toEqual(['MC'])
      await sim.advance(1000)

      const rows = await inbox('fe-active', identificativoSdI)
      expect(summary(rows).slice(1)).toEqual([
        expect.objectContaining({
          operation: 'TrasmissioneFatture.AttestazioneTrasmissioneFattura',
          vocabulary: 'PA',
          type: 'AT',
          name: 'AttestazioneTrasmissioneFattura',
          parseError: null,
        }),
      ])
      expect(parseSdiMessage(rows[1]?.file as Buffer)).toMatchObject({ IdentificativoSdI: identificativoSdI })
    })
  })
})

describe('both vocabularies, determinism', () => {
  it('the platform has received and parsed every message type SDI sends, in both vocabularies', async () => {
    const all = [
      ...(await feActive.orm.em.fork().find(SdiInboundMessageEntity, {})),
      ...(await fePassive.orm.em.fork().find(SdiInboundMessageEntity, {})),
    ]
    expect(all.filter((row) => row.parseError !== null)).toEqual([])
    const seen = new Set([
      ...all.map((row) => `${row.messageVocabulary}:${row.messageType}`),
      ...scartiEsito.map((message) => `${message.vocabulary}:SE`),
    ])
    expect([...seen].sort()).toEqual(
      ['PA:RC', 'PA:NS', 'PA:MC', 'PA:NE', 'PA:DT', 'PA:AT', 'PA:MT', 'PA:SE', 'B2B:RC', 'B2B:NS', 'B2B:MC', 'B2B:MT'].sort(),
    )
  })

  it('the same seed gives the same messages, byte for byte apart from declared timestamps', async () => {
    const mask = (bytes: Buffer | null) =>
      (bytes ?? Buffer.alloc(0)).toString('utf8').replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?/g, '<timestamp>')
    const run = async () => {
      let ids: string[] = []
      await withSimulator('determinism', async (sim) => {
        await sim.admin('PUT', '/recipients/GIU0002', { scenario: { kind: 'down' } })
        ids = [
          (await sim.transmit('IT01234567890_D0001.xml', sample('FPA01', { codice: platformPA, numero: 'S1' }))).identificativoSdI,
          (await sim.transmit('IT01234567890_D0002.xml', sample('FPR01', { codice: platformB2B, numero: 'S2' }))).identificativoSdI,
          (await sim.transmit('IT01234567890_D0003.xml', sample('FPR01', { codice: 'GIU0002', numero: 'S3' }))).identificativoSdI,
        ]
        await sim.advance(16 * day)
      })
      const stored: Array<{ side: Side; fileName: string; file: string; metadata: string }> = []
      for (const side of ['fe-active', 'fe-passive'] as const) {
        const service = side === 'fe-active' ? feActive : fePassive
        for (const id of ids) {
          for (const row of await inbox(side, id))
            stored.push({ side, fileName: row.fileName, file: mask(row.file), metadata: mask(row.metadata) })
        }
        // The next run reuses the same IdentificativoSdI and names: clear them so that it is stored again.
        await service.orm.em.fork().nativeDelete(SdiInboundMessageEntity, { identificativoSdI: { $in: ids } })
      }
      return { ids, stored: stored.sort((a, b) => (`${a.side}:${a.fileName}` < `${b.side}:${b.fileName}` ? -1 : 1)) }
    }
    const first = await run()
    const second = await run()
    expect(first.stored.map((row) => `${row.side}:${row.fileName}`)).toEqual([
      'fe-active:IT01234567890_D0001_DT_001.xml',
      'fe-active:IT01234567890_D0001_RC_001.xml',
      'fe-active:IT01234567890_D0002_RC_001.xml',
      'fe-active:IT01234567890_D0003_MC_001.xml',
      // Message names count per file and kind: the recipient's DT is the second DT of the file.
      'fe-passive:IT01234567890_D0001.xml',
      'fe-passive:IT01234567890_D0001_DT_002.xml',
      'fe-passive:IT01234567890_D0002.xml',
    ])
    expect(first.stored.every((row) => row.file.length > 0)).toBe(true)
    expect(first.stored.filter((row) => row.file.includes('<ds:SignatureValue ')).map((row) => row.fileName)).toHaveLength(5)
    expect(second.ids).toEqual(first.ids)
    expect(second.stored).toEqual(first.stored)
  })
})
