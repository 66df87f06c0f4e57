// Real: PostgreSQL (a database of its own) and the embedded SQLite file, Redis, the fe-active service built as its
// server builds it, access tokens verified through a JWKS served over HTTP, pdftotext for the PDF.
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger, Permissions } from '@fatturapa-hub/shared'
import {
  createTestDatabase,
  createTestTokenIssuer,
  type JwksServer,
  startJwksServer,
  startTestService,
  type TestDatabase,
  type TestService,
  type TestTokenIssuer,
  testRedisPrefix,
} from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ClientReplica } from '../../src/clients/client-replica.entity.js'
import type { Config } from '../../src/config.js'
import { Invoice } from '../../src/invoices/invoice.entity.js'
import type { InvoiceState } from '../../src/invoices/state/index.js'
import { importoCents } from '../../src/panel/amounts.js'
import type { PreservationState } from '../../src/panel/preservation-state.js'
import {
  daysSinceSending,
  type PanelItem,
  type PanelSearchQuery,
  type PanelSearchResult,
  panelCountLimit,
  panelFilters,
  romeDayStart,
  searchPanel,
} from '../../src/panel/search.js'
import { service } from '../../src/service.js'

const reference = '/work/shared/reference/fatturapa'
const studioA = randomUUID()
const studioB = randomUUID()
const alfa = randomUUID()
const beta = randomUUID()
const gammaB = randomUUID()

interface Seed {
  studioId?: string
  clientId?: string
  cedentePartitaIva?: string
  state?: InvoiceState
  preservationState?: PreservationState
  numero: string
  dataDocumento: string
  destinatarioDenominazione?: string | null
  destinatarioCodiceFiscale?: string | null
  destinatarioPartitaIva?: string | null
  importoTotale?: string | null
  identificativoSdI?: string | null
  transmittedAt?: Date | null
  deliveredAt?: string
}

function invoiceRow(seed: Seed) {
  const now = new Date()
  const state = seed.state ?? 'INVIATA'
  const importoTotale = seed.importoTotale === undefined ? '10.00' : seed.importoTotale
  return {
    id: randomUUID(),
    studioId: seed.studioId ?? studioA,
    clientId: seed.clientId ?? beta,
    cedentePartitaIva: seed.cedentePartitaIva ?? (seed.clientId === alfa ? '01234567890' : '02182030391'),
    transmitter: 'IT01234567890',
    format: 'FPR12' as const,
    flow: 'B2B' as const,
    state,
    stateSnapshot: {
      flow: 'B2B' as const,
      state,
      bodies: [{ position: 1, number: seed.numero, year: Number(seed.dataDocumento.slice(0, 4)), state }],
      ...(seed.transmittedAt
        ? {
            transmission: {
              fileName: 'IT01234567890_00001.xml',
              ...(seed.identificativoSdI ? { identificativoSdI: seed.identificativoSdI } : {}),
              ...(seed.deliveredAt ? { deliveredAt: seed.deliveredAt } : {}),
            },
          }
        : {}),
      history: [],
    },
    bodiesCount: 1,
    numero: seed.numero,
    dataDocumento: seed.dataDocumento,
    destinatarioDenominazione: seed.destinatarioDenominazione === undefined ? 'DITTA QUALSIASI' : seed.destinatarioDenominazione,
    destinatarioCodiceFiscale: seed.destinatarioCodiceFiscale ?? null,
    destinatarioPartitaIva: seed.destinatarioPartitaIva ?? null,
    codiceDestinatario: '0000000',
    pecDestinatario: null,
    importoTotale,
    importoTotaleCents: importoCents(importoTotale),
    preservationState: seed.preservationState ?? 'DA_VERIFICARE',
    file: Buffer.from('<xml/>'),
    fileSha256: '0'.repeat(64),
    contentKind: 'xml' as const,
    identificativoSdI: seed.identificativoSdI ?? null,
    transmittedAt: seed.transmittedAt ?? null,
    idempotencyKey: null,
    requestHash: null,
    createdAt: now,
    updatedAt: now,
    version: 1,
  }
}

async function seedClient(running: TestService<Config>, studioId: string, clientId: string, denominazione: string, partitaIva: string) {
  const now = new Date()
  await running.orm.em.fork().insert(ClientReplica, {
    clientId,
    studioId,
    codiceSoggetto: `C${partitaIva.slice(-4)}`,
    denominazione,
    partitaIva,
    codiceFiscale: null,
    codiceDestinatario: null,
    pec: null,
    feAttivaEnabledAt: now,
    fePassivaEnabledAt: null,
    version: 1,
    updatedAt: now,
    changedAt: now,
    replicatedAt: now,
  })
}

describe('fe-active panel: search and renderings (PostgreSQL)', () => {
  let database: TestDatabase
  let issuer: TestTokenIssuer
  let jwks: JwksServer
  let running: TestService<Config>
  let tokenA: string
  let tokenB: string
  let noRead: string
  const ids: Record<string, string> = {}

  const get = (token: string, url: string) => running.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
  async function search(query: string, token = tokenA): Promise<PanelSearchResult> {
    const response = await get(token, `/invoices${query ? `?${query}` : ''}`)
    expect(response.statusCode).toBe(200)
    return response.json()
  }
  const numeri = (result: PanelSearchResult) => result.items.map((item) => item.rifFattura.numero).sort()

  beforeAll(async () => {
    database = await createTestDatabase()
    issuer = await createTestTokenIssuer()
    jwks = await startJwksServer(issuer.jwks)
    running = await startTestService(service, {
      databaseUrl: database.url,
      redisPrefix: testRedisPrefix(),
      logger: createLogger({ name: 'fe-active-panel-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      env: { AUTH_JWKS_URL: jwks.url },
    })
    const permissions = [Permissions.FeActiveSend, Permissions.FeActiveRead]
    tokenA = await issuer.sign({ studio: studioA, permissions })
    tokenB = await issuer.sign({ studio: studioB, permissions })
    noRead = await issuer.sign({ studio: studioA, permissions: [] })
    await seedClient(running, studioA, alfa, 'Alfa Srl', '01234567890')
    await seedClient(running, studioA, beta, 'Beta Spa', '02182030391')
    await seedClient(running, studioB, gammaB, 'Gamma Srl', '01234567890')
    const seeds: Record<string, Seed> = {
      // 23:30 UTC on 31 January is 00:30 on 1 February in Rome.
      rossi: {
        clientId: alfa,
        numero: 'A-1',
        dataDocumento: '2025-12-30',
        state: 'CONSEGNATA',
        preservationState: 'PRONTO_PER_LA_CONSERVAZIONE',
        destinatarioDenominazione: 'ROSSI Mario & C. S.n.c.',
        destinatarioCodiceFiscale: 'RSSMRA80A01H501U',
        importoTotale: '1234.56',
        identificativoSdI: '1001',
        transmittedAt: new Date('2026-01-31T23:30:00Z'),
        deliveredAt: '2026-02-01T10:00:00.000+01:00',
      },
      bianchi: {
        numero: '7',
        dataDocumento: '2026-01-15',
        state: 'SCARTATA',
        preservationState: 'NON_CONSERVARE',
        destinatarioDenominazione: 'Bianchi 100% srl',
        destinatarioPartitaIva: '09876543210',
        importoTotale: '1234.55',
        identificativoSdI: '1002',
        transmittedAt: new Date('2026-01-31T22:30:00Z'),
      },
      verdi: {
        clientId: alfa,
        numero: '8',
        dataDocumento: '2026-02-10',
        state: 'DA_INVIARE',
        destinatarioDenominazione: 'Verdi 1000 srl',
        importoTotale: '1234.57',
      },
      neri: { clientId: alfa, numero: '9', dataDocumento: '2026-03-01', state: 'DA_FIRMARE', importoTotale: null },
    }
    for (let n = 1; n <= 22; n++) {
      seeds[`filler${n}`] = {
        numero: `F${String(n).padStart(2, '0')}`,
        dataDocumento: '2025-06-01',
        destinatarioDenominazione: `Filler ${n}`,
        identificativoSdI: String(2000 + n),
        transmittedAt: new Date(Date.UTC(2025, 5, 1 + n, 9)),
      }
    }
    const em = running.orm.em.fork()
    for (const [key, seed] of Object.entries(seeds)) {
      const row = invoiceRow(seed)
      ids[key] = row.id
      em.create(Invoice, row)
    }
    // Another studio, with the same IdentificativoSdI, recipient and client partita IVA.
    em.create(
      Invoice,
      invoiceRow({
        studioId: studioB,
        clientId: gammaB,
        cedentePartitaIva: '01234567890',
        numero: 'A-1',
        dataDocumento: '2025-12-30',
        destinatarioDenominazione: 'ROSSI Mario',
        destinatarioCodiceFiscale: 'RSSMRA80A01H501U',
        identificativoSdI: '1001',
        transmittedAt: new Date('2026-01-31T23:30:00Z'),
      }),
    )
    await em.flush()
  })
  afterAll(async () => {
    await running?.close()
    await jwks?.close()
    await database?.drop()
  })

  it('lists 20 per page by default, newest sending first with the not yet sent first, and an exact total', async () => {
    const first = await search('')
    expect(first).toMatchObject({ total: 26, totalIsLowerBound: false, page: 1, pageSize: 20, pages: 2 })
    expect(first.items).toHaveLength(20)
    expect(first.items.slice(0, 2).map((item) => item.id)).toEqual([ids.neri, ids.verdi].sort().reverse())
    expect(first.items.slice(0, 2).map((item) => item.sentAt)).toEqual([null, null])
    expect(first.items[2]?.rifFattura.numero).toBe('A-1')
    expect(first.items[3]?.rifFattura.numero).toBe('7')
    expect(first.items[4]?.rifFattura.numero).toBe('F22')
    const last = await search('page=2')
    expect(last).toMatchObject({ total: 26, page: 2, pages: 2 })
    expect(last.items.map((item) => item.rifFattura.numero)).toEqual(['F06', 'F05', 'F04', 'F03', 'F02', 'F01'])
    const small = await search('pageSize=5&page=6')
    expect(small).toMatchObject({ total: 26, pages: 6 })
    expect(small.items.map((item) => item.rifFattura.numero)).toEqual(['F01'])
    expect((await search('page=9')).items).toEqual([])
    const oldestFirst = await search('sort=sentAt&pageSize=2')
    expect(oldestFirst.items.map((item) => item.rifFattura.numero)).toEqual(['F01', 'F02'])
    const byDocument = await search('sort=-dataDocumento&pageSize=3')
    expect(byDocument.items.map((item) => item.rifFattura.data)).toEqual(['2026-03-01', '2026-02-10', '2026-01-15'])
  })

  it('counts exactly up to a bound, or to the end of the requested page, then reports a lower bound', async () => {
    expect(panelCountLimit({ page: 1, pageSize: 20 })).toBe(10_000)
    expect(panelCountLimit({ page: 1000, pageSize: 20 })).toBe(20_000)
    const knex = running.orm.em.getConnection().getKnex()
    const run = (query: Partial<PanelSearchQuery>, bound: number) =>
      searchPanel(knex, studioA, panelFilters({ page: 1, pageSize: 20, ...query } as PanelSearchQuery), new Date(), bound)
    const exact = await search('')
    // 26 match; counted up to 5, or to the end of the page when further.
    expect(await run({ pageSize: 3 }, 5)).toMatchObject({ total: 5, totalIsLowerBound: true, pages: 2 })
    expect(await run({}, 5)).toMatchObject({ total: 20, totalIsLowerBound: true, pages: 1 })
    const second = await run({ page: 2 }, 5)
    expect(second).toMatchObject({ total: 26, totalIsLowerBound: false, pages: 2 })
    expect(second.items.map((item) => item.id)).toEqual((await search('page=2')).items.map((item) => item.id))
    // The page itself is the same whatever the bound.
    const bounded = await run({ pageSize: 3, page: 4 }, 5)
    expect(bounded).toMatchObject({ total: 12, totalIsLowerBound: true })
    expect(bounded.items.map((item) => item.id)).toEqual(exact.items.slice(9, 12).map((item) => item.id))
    // Exactly as many as the bound: exact.
    expect(await run({ anno: 2026, pageSize: 1 }, 3)).toMatchObject({ total: 3, totalIsLowerBound: false, pages: 3 })
    expect(await run({ anno: 2026, pageSize: 1 }, 2)).toMatchObject({ total: 2, totalIsLowerBound: true, pages: 2 })
  })

  it('answers the rows of the seed table', async () => {
    const [rossi] = (await search('identificativoSdI=1001')).items as [PanelItem]
    expect(rossi).toEqual({
      id: ids.rossi,
      state: 'CONSEGNATA',
      stateLabel: 'CONSEGNATA',
      tipoDocumento: 'Fattura',
      format: 'FPR12',
      identificativoSdI: '1001',
      sentAt: '2026-01-31T23:30:00.000Z',
      deliveredAt: '2026-02-01T10:00:00.000+01:00',
      giorniDallInvio: daysSinceSending(new Date('2026-01-31T23:30:00Z'), new Date()),
      cedente: { partitaIva: '01234567890', denominazione: 'Alfa Srl' },
      destinatario: { denominazione: 'ROSSI Mario & C. S.n.c.', codiceFiscale: 'RSSMRA80A01H501U', partitaIva: null },
      rifFattura: { anno: 2025, numero: 'A-1', data: '2025-12-30', label: '2025 - A-1' },
      bodiesCount: 1,
      importoTotale: '1234.56',
      preservationState: 'PRONTO_PER_LA_CONSERVAZIONE',
      preservationStateLabel: 'PRONTO PER LA CONSERVAZIONE',
    })
    const [verdi] = (await search('numero=8')).items as [PanelItem]
    expect(verdi).toMatchObject({ sentAt: null, deliveredAt: null, giorniDallInvio: null, identificativoSdI: null })
  })

  it('counts the days since sending in Italian calendar days', () => {
    const sent = new Date('2026-01-31T23:30:00Z') // 1 February, 00:30 in Rome
    expect(daysSinceSending(sent, new Date('2026-02-01T22:59:59Z'))).toBe(0)
    expect(daysSinceSending(sent, new Date('2026-02-01T23:00:00Z'))).toBe(1)
    expect(daysSinceSending(sent, new Date('2026-03-01T12:00:00Z'))).toBe(28)
    // Across the switch to summer time (29 March 2026).
    expect(daysSinceSending(new Date('2026-03-28T23:30:00Z'), new Date('2026-03-30T21:59:00Z'))).toBe(1)
    expect(romeDayStart('2026-02-01').toISOString()).toBe('2026-01-31T23:00:00.000Z')
    expect(romeDayStart('2026-07-01').toISOString()).toBe('2026-06-30T22:00:00.000Z')
  })

  it('filters by each field alone', async () => {
    expect(numeri(await search('identificativoSdI=1002'))).toEqual(['7'])
    expect(numeri(await search('destinatario=rossi'))).toEqual(['A-1'])
    expect(numeri(await search('destinatario=mario%20%26%20c.'))).toEqual(['A-1'])
    // % and _ are searched literally.
    expect(numeri(await search('destinatario=100%25'))).toEqual(['7'])
    expect(numeri(await search('destinatario=s_l'))).toEqual([])
    expect(numeri(await search('destinatarioCodiceFiscale=rssmra80a01h501u'))).toEqual(['A-1'])
    expect(numeri(await search('destinatarioCodiceFiscale=09876543210'))).toEqual(['7'])
    expect(numeri(await search('anno=2026'))).toEqual(['7', '8', '9'])
    expect(numeri(await search('numero=7'))).toEqual(['7'])
    expect(numeri(await search('cedente=01234567890'))).toEqual(['8', '9', 'A-1'])
    expect(numeri(await search('cedente=IT01234567890'))).toEqual(['8', '9', 'A-1'])
    expect(numeri(await search('cedente=ALFA'))).toEqual(['8', '9', 'A-1'])
    expect((await search('cedente=beta')).total).toBe(23)
    expect(numeri(await search('states=CONSEGNATA,SCARTATA'))).toEqual(['7', 'A-1'])
    expect(numeri(await search('states=CONSEGNATA&states=DA_FIRMARE'))).toEqual(['9', 'A-1'])
    expect((await search('states=INVIATA')).total).toBe(22)
    expect(numeri(await search('preservationStates=NON_CONSERVARE,PRONTO_PER_LA_CONSERVAZIONE'))).toEqual(['7', 'A-1'])
    expect((await search('preservationStates=DA_VERIFICARE')).total).toBe(24)
    expect((await search('preservationStates=IN_ERRORE')).total).toBe(0)
  })

  it('filters amounts in cents, boundaries included, with decimal bounds', async () => {
    expect(numeri(await search('importoMin=1234.56'))).toEqual(['8', 'A-1'])
    expect(numeri(await search('importoMin=1234.56&importoMax=1234.56'))).toEqual(['A-1'])
    expect(numeri(await search('importoMin=1234.555&importoMax=1234.565'))).toEqual(['A-1'])
    expect(numeri(await search('importoMin=1234.55&importoMax=1234.57'))).toEqual(['7', '8', 'A-1'])
    expect((await search('importoMax=1234.56')).total).toBe(24)
    expect((await search('importoMax=9.99')).total).toBe(0)
    expect((await search('importoMin=10')).total).toBe(25)
  })

  it('takes sending days as Italian calendar days', async () => {
    // 23:30 UTC on 31 January belongs to 1 February in Rome; 22:30 UTC is still 31 January.
    expect(numeri(await search('sentFrom=2026-02-01&sentTo=2026-02-01'))).toEqual(['A-1'])
    expect(numeri(await search('sentFrom=2026-01-31&sentTo=2026-01-31'))).toEqual(['7'])
    expect(numeri(await search('sentFrom=2026-01-01'))).toEqual(['7', 'A-1'])
    expect((await search('sentTo=2026-01-31')).total).toBe(23)
    expect(numeri(await search('sentFrom=2025-06-02&sentTo=2025-06-03'))).toEqual(['F01', 'F02'])
  })

  it('combines filters with AND', async () => {
    expect(numeri(await search('cedente=alfa&states=CONSEGNATA,DA_INVIARE&anno=2026'))).toEqual(['8'])
    expect(numeri(await search('cedente=beta&sentFrom=2026-01-31&importoMin=1000&destinatario=BIANCHI'))).toEqual(['7'])
    expect((await search('cedente=alfa&preservationStates=NON_CONSERVARE')).total).toBe(0)
    const page = await search('states=INVIATA&anno=2025&pageSize=10&page=3&sort=sentAt')
    expect(page).toMatchObject({ total: 22, pages: 3 })
    expect(page.items.map((item) => item.rifFattura.numero)).toEqual(['F21', 'F22'])
  })

  it('keeps each studio to its own invoices', async () => {
    const b = await search('', tokenB)
    expect(b.total).toBe(1)
    expect(b.items[0]).toMatchObject({ identificativoSdI: '1001', cedente: { denominazione: 'Gamma Srl' } })
    expect((await search('cedente=alfa', tokenB)).total).toBe(0)
    expect((await search('destinatarioCodiceFiscale=RSSMRA80A01H501U', tokenB)).total).toBe(1)
    expect((await search('identificativoSdI=1001')).items.map((item) => item.id)).toEqual([ids.rossi])
  })

  it('refuses bad queries with 400 problem+json, and callers without the read permission', async () => {
    for (const query of [
      'pageSize=1000',
      'pageSize=0',
      'page=0',
      'states=FOO',
      'states=CONSEGNATA,FOO',
      'preservationStates=CONSEGNATA',
      'sentFrom=2026-13-01',
      'sentTo=01-02-2026',
      'importoMin=1,5',
      'importoMax=abc',
      'anno=26',
      'sort=importo',
      'unknown=1',
    ]) {
      const response = await get(tokenA, `/invoices?${query}`)
      expect({ query, status: response.statusCode }).toEqual({ query, status: 400 })
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    }
    expect((await get(noRead, '/invoices')).statusCode).toBe(403)
    expect((await running.app.inject({ method: 'GET', url: '/invoices' })).statusCode).toBe(401)
  })

  it('has the panel indexes, the trigram one included', async () => {
    const rows = await running.orm.em
      .getConnection()
      .execute<Array<{ indexname: string; indexdef: string }>>(
        "select indexname, indexdef from pg_indexes where tablename = 'invoice' and indexname like 'invoice_panel_%'",
      )
    const names = rows.map((row) => row.indexname)
    expect(names).toEqual(
      expect.arrayContaining(['invoice_panel_sent_index', 'invoice_panel_importo_index', 'invoice_panel_destinatario_trgm_index']),
    )
    expect(rows.find((row) => row.indexname === 'invoice_panel_destinatario_trgm_index')?.indexdef).toMatch(
      /gin \(studio_id, lower\(.*gin_trgm_ops/,
    )
    expect(rows.find((row) => row.indexname === 'invoice_panel_sent_index')?.indexdef).toMatch(
      /\(studio_id, transmitted_at, id\) INCLUDE \(data_documento, state, preservation_state, importo_totale_cents, destinatario_denominazione\)/,
    )
  })

  it('renders an invoice as HTML and PDF, a .p7m too, and fills the amount in cents at submission', async () => {
    const xml = readFileSync(join(reference, 'samples', 'IT01234567890_FPR02.xml'), 'utf8').replace(
      /<Numero>[^<]*<\/Numero>/,
      '<Numero>PANEL-42</Numero>',
    )
    const created = await running.app.inject({
      method: 'POST',
      url: '/invoices',
      headers: { authorization: `Bearer ${tokenA}`, 'content-type': 'application/xml' },
      payload: xml,
    })
    expect(created.statusCode).toBe(201)
    const { id, importoTotale } = created.json()
    const stored = await running.orm.em.fork().findOneOrFail(Invoice, { id })
    expect(stored.importoTotaleCents).toBe(importoCents(importoTotale))
    expect(stored.preservationState).toBe('DA_VERIFICARE')

    const html = await get(tokenA, `/invoices/${id}/html`)
    expect(html.statusCode).toBe(200)
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(html.headers['content-disposition']).toBe('inline; filename="fattura_01234567890_2014_PANEL-42.html"')
    expect(html.body).toContain('PANEL-42')
    expect(html.body).toContain('SOCIETA&#39; ALPHA SRL')

    const pdf = await get(tokenA, `/invoices/${id}/pdf`)
    expect(pdf.statusCode).toBe(200)
    expect(pdf.headers['content-type']).toBe('application/pdf')
    expect(pdf.headers['content-disposition']).toBe('inline; filename="fattura_01234567890_2014_PANEL-42.pdf"')
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    const text = execFileSync('pdftotext', ['-', '-'], { input: pdf.rawPayload }).toString('utf8')
    expect(text).toContain('PANEL-42')

    const signed = await running.app.inject({
      method: 'POST',
      url: '/invoices',
      headers: { authorization: `Bearer ${tokenA}`, 'content-type': 'application/pkcs7-mime' },
      payload: readFileSync(join(reference, 'p7m', 'IT02182030391_31.xml.p7m')),
    })
    expect(signed.statusCode).toBe(201)
    const signedHtml = await get(tokenA, `/invoices/${signed.json().id}/html`)
    expect(signedHtml.statusCode).toBe(200)
    expect(signedHtml.body).toContain('CIR 2000 snc')

    for (const format of ['html', 'pdf']) {
      const other = await get(tokenB, `/invoices/${id}/${format}`)
      expect(other.statusCode).toBe(404)
      expect(other.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(other.json()).toMatchObject({ code: 'INVOICE_NOT_FOUND' })
    }
    expect((await get(tokenA, `/invoices/${randomUUID()}/pdf`)).statusCode).toBe(404)
    // The new invoices appear in the panel, unsent.
    expect(numeri(await search('numero=PANEL-42'))).toEqual(['PANEL-42'])
  })
})

describe('fe-active panel on SQLite (embedded mode)', () => {
  let folder: string
  let issuer: TestTokenIssuer
  let jwks: JwksServer
  let running: TestService<Config>

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'fe-active-panel-sqlite-'))
    issuer = await createTestTokenIssuer()
    jwks = await startJwksServer(issuer.jwks)
    running = await startTestService(service, {
      databaseUrl: `sqlite:${join(folder, 'fe-active.sqlite')}`,
      redisPrefix: testRedisPrefix(),
      logger: createLogger({ name: 'fe-active-panel-sqlite-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      env: { AUTH_JWKS_URL: jwks.url },
    })
  })
  afterAll(async () => {
    await running?.close()
    await jwks?.close()
    await rm(folder, { recursive: true, force: true })
  })

  it('migrates and searches with the same filters and order', async () => {
    await seedClient(running, studioA, alfa, 'Alfa Srl', '01234567890')
    const em = running.orm.em.fork()
    em.create(
      Invoice,
      invoiceRow({
        clientId: alfa,
        numero: '1',
        dataDocumento: '2026-01-02',
        importoTotale: '1234.56',
        transmittedAt: new Date('2026-01-31T23:30:00Z'),
        destinatarioDenominazione: 'Rossi 100% srl',
      }),
    )
    em.create(
      Invoice,
      invoiceRow({
        clientId: alfa,
        numero: '2',
        dataDocumento: '2026-01-03',
        importoTotale: '1234.55',
        transmittedAt: new Date('2026-01-31T22:30:00Z'),
      }),
    )
    em.create(Invoice, invoiceRow({ clientId: alfa, numero: '3', dataDocumento: '2026-01-04', state: 'DA_INVIARE' }))
    await em.flush()
    const token = await issuer.sign({ studio: studioA, permissions: [Permissions.FeActiveRead] })
    const search = async (query: string): Promise<PanelSearchResult> => {
      const response = await running.app.inject({ method: 'GET', url: `/invoices?${query}`, headers: { authorization: `Bearer ${token}` } })
      expect(response.statusCode).toBe(200)
      return response.json()
    }
    const all = await search('')
    expect(all.total).toBe(3)
    expect(all.items.map((item) => item.rifFattura.numero)).toEqual(['3', '1', '2'])
    expect(all.items[1]).toMatchObject({
      sentAt: '2026-01-31T23:30:00.000Z',
      cedente: { denominazione: 'Alfa Srl' },
      importoTotale: '1234.56',
    })
    expect((await search('sentFrom=2026-02-01&sentTo=2026-02-01')).items.map((item) => item.rifFattura.numero)).toEqual(['1'])
    expect((await search('importoMin=1234.56&importoMax=1234.56')).items.map((item) => item.rifFattura.numero)).toEqual(['1'])
    expect((await search('destinatario=100%25&cedente=alfa')).items.map((item) => item.rifFattura.numero)).toEqual(['1'])
    expect((await search('sort=sentAt')).items.map((item) => item.rifFattura.numero)).toEqual(['2', '1', '3'])
  })
})
