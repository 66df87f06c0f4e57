// The Pannello Fattura Elettronica Attiva at a million invoices: a fresh PostgreSQL database with fe-active's
// migrations, BENCH_ROWS invoices (default 1,000,000) in four studios of different sizes, then every panel search
// (each filter alone, combined, first and deep pages) through the same code the route runs (searchPanel: the page
// and the count, exact up to 10,000 or the end of the page; `+` marks a lower bound), each N times. The reference, measured in the same run on the same database, is a
// primary-key lookup of one invoice. Usage: pnpm bench:search   (BENCH_ROWS, BENCH_ITERATIONS, TEST_DATABASE_URL;
// BENCH_KEEP_DATABASE=1 keeps the database for inspection)
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createLogger, migrate, openDatabase } from '@fatturapa-hub/shared'
import pg from 'pg'

const root = fileURLToPath(new URL('..', import.meta.url))
const rows = Number(process.env.BENCH_ROWS ?? 1_000_000)
const iterations = Number(process.env.BENCH_ITERATIONS ?? 30)
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const dist = process.env.FE_ACTIVE_DIST ?? join(root, 'services', 'fe-active', 'dist')
const { service } = await import(pathToFileURL(join(dist, 'service.js')).href)
const { panelFilters, searchPanel } = await import(pathToFileURL(join(dist, 'panel', 'search.js')).href)

const database = `fph_bench_search_${Date.now()}`
const admin = new pg.Client({ connectionString: adminUrl })
await admin.connect()
await admin.query(`create database "${database}"`)
const url = new URL(adminUrl)
url.pathname = `/${database}`
const logger = createLogger({ name: 'bench-active-search', level: 'warn' })
const orm = await openDatabase({
  url: url.toString(),
  schema: 'fe_active',
  entities: service.entities,
  migrations: service.migrations,
  logger,
})
const knex = orm.em.getConnection().getKnex()
const seconds = (since) => (Number(process.hrtime.bigint() - since) / 1e9).toFixed(1)

try {
  await migrate(orm, 'fe_active')
  const trigram = (await knex.raw("select 1 from pg_indexes where indexname = 'invoice_panel_destinatario_trgm_index'")).rows.length > 0

  // Four studios holding 50%, 25%, 15% and 10% of the invoices; 50 clients (cedenti) each.
  const studio = (n) => `00000000-0000-4000-8000-00000000000${n}`
  const client = (s, c) => `00000000-0000-4000-9${s}00-${String(c).padStart(12, '0')}`
  const partitaIva = (s, c) => `0${s}${String(c).padStart(9, '0')}`
  const clientRows = []
  for (let s = 1; s <= 4; s++) {
    for (let c = 0; c < 50; c++) {
      clientRows.push({
        client_id: client(s, c),
        studio_id: studio(s),
        codice_soggetto: `C${s}${c}`,
        denominazione: `${['Alfa', 'Beta', 'Gamma', 'Delta', 'Omega'][c % 5]} ${['Impianti', 'Servizi', 'Legnami', 'Tessile', 'Consulting'][Math.floor(c / 10)]} ${s}${c} Srl`,
        partita_iva: partitaIva(s, c),
        version: 1,
        updated_at: new Date(),
        changed_at: new Date(),
        replicated_at: new Date(),
      })
    }
  }
  await knex('client_replica').insert(clientRows)

  // The migration created the indexes; maintaining them row by row during the bulk insert took most of the run, so
  // they are dropped here and rebuilt from their own definitions (pg_indexes) once the rows are in. Indexes backing
  // a constraint stay.
  const deferred = (
    await knex.raw(
      `select i.indexname as name, i.indexdef as definition from pg_indexes i
  join pg_namespace n on n.nspname = i.schemaname join pg_class c on c.relname = i.indexname and c.relnamespace = n.oid
  where i.schemaname = 'fe_active' and i.tablename = 'invoice' and not exists (select 1 from pg_constraint k where k.conindid = c.oid)`,
    )
  ).rows
  for (const index of deferred) await knex.raw(`drop index fe_active."${index.name}"`)

  let started = process.hrtime.bigint()
  const chunk = 250_000
  for (let from = 1; from <= rows; from += chunk) {
    const to = Math.min(rows, from + chunk - 1)
    // h: a well-mixed hash of g, for the distributions; s: the studio, c: the client, st: the state.
    await knex.raw(
      `with g as (
  select g, h, case when h % 20 < 10 then 1 when h % 20 < 15 then 2 when h % 20 < 18 then 3 else 4 end as s,
    (h / 20) % 50 as c, (h / 1000) % 100 as p
  from (select g, abs(hashtext(g::text)) as h from generate_series(?::int, ?::int) g) x
), v as (
  select g.*,
    case when p < 70 then 'CONSEGNATA' when p < 78 then 'ACCETTATA' when p < 83 then 'INVIATA' when p < 86 then 'SCARTATA'
      when p < 88 then 'DA_INVIARE' when p < 89 then 'DA_FIRMARE' when p < 92 then 'NON_CONSEGNATA' when p < 93 then 'RIFIUTATA'
      when p < 95 then 'DECORSI_TERMINI' when p < 96 then 'ERRORE_IN_INVIO' when p < 97 then 'NON_RECAPITABILE' else 'ARCHIVIATA' end as st,
    timestamptz '2023-01-01 08:00:00+01' + ((h % 94608000) * interval '1 second') as sent
  from g
)
insert into invoice (id, studio_id, client_id, cedente_partita_iva, transmitter, format, flow, state, state_snapshot, bodies_count,
  numero, data_documento, destinatario_denominazione, destinatario_codice_fiscale, destinatario_partita_iva, codice_destinatario,
  importo_totale, importo_totale_cents, preservation_state, file, file_sha256, content_kind, identificativo_sdi, transmitted_at,
  transmission_attempts, created_at, updated_at, version)
select md5('invoice' || g)::uuid,
  ('00000000-0000-4000-8000-00000000000' || s)::uuid,
  ('00000000-0000-4000-9' || s || '00-' || lpad(c::text, 12, '0'))::uuid,
  '0' || s || lpad(c::text, 9, '0'), 'IT01234567890', 'FPR12', 'B2B', st,
  json_build_object('flow', 'B2B', 'state', st, 'bodies', json_build_array(), 'history', json_build_array(),
    'transmission', case when st in ('DA_INVIARE', 'DA_FIRMARE') then null else json_build_object('fileName', 'IT01234567890_' || g || '.xml',
      'deliveredAt', case when st in ('CONSEGNATA', 'ACCETTATA', 'RIFIUTATA', 'DECORSI_TERMINI') then to_char(sent + interval '2 hours', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') end) end),
  1, (g / 20)::text || '/' || c, to_char(sent - ((h % 4) * interval '1 day'), 'YYYY-MM-DD'),
  (array['Rossi', 'Bianchi', 'Verdi', 'Esposito', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo', 'Conti', 'De Luca', 'Mancini', 'Costa', 'Giordano', 'Rizzo', 'Lombardi', 'Moretti', 'Barbieri'])[1 + h % 20]
    || ' ' || (array['Costruzioni', 'Trasporti', 'Alimentari', 'Meccanica', 'Informatica', 'Arredamenti', 'Farmacia', 'Edilizia'])[1 + (h / 20) % 8]
    || ' di ' || (array['Mario', 'Luca', 'Giulia', 'Anna', 'Marco', 'Paolo', 'Sara', 'Elena'])[1 + (h / 160) % 8] || ' ' || ((h / 1280) % 500) || ' srl',
  case when h % 3 = 0 then upper(substr(md5('cf' || (h % 200000)), 1, 16)) end,
  case when h % 3 <> 0 then lpad((h % 200000)::text, 11, '0') end,
  '0000000',
  to_char(((h / 7) % 2000000) / 100.0, 'FM99999990.00'), (h / 7) % 2000000,
  case when st in ('DA_INVIARE', 'DA_FIRMARE') then 'DA_VERIFICARE' else (array['CHIUSO_IN_CONSERVAZIONE', 'CHIUSO_IN_CONSERVAZIONE', 'CHIUSO_IN_CONSERVAZIONE', 'INVIATO_IN_CONSERVAZIONE', 'PRONTO_PER_LA_CONSERVAZIONE', 'DA_VERIFICARE', 'NON_CONSERVARE', 'BLOCCATO', 'IN_ERRORE', 'CHIUSO_IN_CONSERVAZIONE'])[1 + (h / 50000) % 10] end,
  '\\x3c2f3e'::bytea, md5(g::text) || md5(g::text), 'xml',
  case when st not in ('DA_INVIARE', 'DA_FIRMARE') then (100000000 + g)::text end,
  case when st not in ('DA_INVIARE', 'DA_FIRMARE') then sent end,
  1, sent - interval '1 hour', sent, 1
from v`,
      [from, to],
    )
    process.stdout.write(`inserted ${to} of ${rows} invoices (${seconds(started)} s)\n`)
  }
  started = process.hrtime.bigint()
  await knex.transaction(async (trx) => {
    await trx.raw("set local maintenance_work_mem = '256MB'")
    for (const index of deferred) await trx.raw(index.definition)
  })
  process.stdout.write(`${deferred.length} indexes built: ${seconds(started)} s\n`)
  started = process.hrtime.bigint()
  await knex.raw('vacuum analyze invoice')
  await knex.raw('analyze client_replica')
  process.stdout.write(`vacuum analyze: ${seconds(started)} s; trigram index: ${trigram ? 'yes' : 'no (pg_trgm unavailable)'}\n`)

  // The biggest studio (half of the invoices), and values that exist in it.
  const big = studio(1)
  const sample = (
    await knex.raw("select * from invoice where studio_id = ? and state = 'CONSEGNATA' order by id limit 1 offset 1000", [big])
  ).rows[0]
  const cases = [
    ['default, first page', {}],
    ['default, deep page 1000', { page: 1000 }],
    ['default, page 20 of 100', { page: 20, pageSize: 100 }],
    ['sort dataDocumento desc', { sort: '-dataDocumento' }],
    ['sort dataDocumento, deep page 1000', { sort: 'dataDocumento', page: 1000 }],
    ['identificativoSdI', { identificativoSdI: sample.identificativo_sdi }],
    ['destinatario contains "rossi costr"', { destinatario: 'rossi costr' }],
    ['destinatario contains "di anna 42 "', { destinatario: 'di anna 42 ' }],
    ['destinatarioCodiceFiscale', { destinatarioCodiceFiscale: sample.destinatario_codice_fiscale ?? sample.destinatario_partita_iva }],
    ['anno 2024', { anno: 2024 }],
    ['anno 2024, deep page 1000', { anno: 2024, page: 1000 }],
    ['numero', { numero: sample.numero }],
    ['sent in one month', { sentFrom: '2024-03-01', sentTo: '2024-03-31' }],
    ['sent in one month, deep page 100', { sentFrom: '2024-03-01', sentTo: '2024-03-31', page: 100 }],
    ['cedente partita IVA', { cedente: sample.cedente_partita_iva }],
    ['cedente name "alfa impianti"', { cedente: 'alfa impianti' }],
    ['states SCARTATA', { states: ['SCARTATA'] }],
    ['states DA_INVIARE,DA_FIRMARE', { states: ['DA_INVIARE,DA_FIRMARE'] }],
    ['states CONSEGNATA, deep page 1000', { states: ['CONSEGNATA'], page: 1000 }],
    ['preservation IN_ERRORE,BLOCCATO', { preservationStates: ['IN_ERRORE,BLOCCATO'] }],
    ['importo 1234.56..1300.00', { importoMin: '1234.56', importoMax: '1300.00' }],
    ['combined cedente+anno+states', { cedente: sample.cedente_partita_iva, anno: 2024, states: ['CONSEGNATA,ACCETTATA'] }],
    ['combined destinatario+sent+importo', { destinatario: 'bianchi', sentFrom: '2024-01-01', sentTo: '2024-06-30', importoMin: '100' }],
  ]
  const percentile = (values, p) => {
    const sorted = [...values].sort((a, b) => a - b)
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
  }
  const time = async (run) => {
    await run() // warm-up
    const samples = []
    for (let i = 0; i < iterations; i++) {
      const since = process.hrtime.bigint()
      await run()
      samples.push(Number(process.hrtime.bigint() - since) / 1e6)
    }
    return { p50: percentile(samples, 50), p99: percentile(samples, 99) }
  }
  const ids = (await knex.raw('select id from invoice where studio_id = ? order by id limit ?', [big, iterations + 1])).rows.map(
    (row) => row.id,
  )
  let next = 0
  const reference = await time(() =>
    knex
      .select('*')
      .from('invoice')
      .where('id', ids[next++ % ids.length])
      .first(),
  )
  const results = []
  for (const [name, query] of cases) {
    const filters = panelFilters({ page: 1, pageSize: 20, sort: '-sentAt', ...query })
    let total = ''
    const timing = await time(async () => {
      const result = await searchPanel(knex, big, filters)
      total = `${result.total}${result.totalIsLowerBound ? '+' : ''}`
    })
    results.push({ name, total, ...timing })
  }
  const biggest = (await knex('invoice').where('studio_id', big).count({ n: '*' }))[0].n
  const pad = (text, width) => String(text).padEnd(width)
  const ms = (value) => value.toFixed(2).padStart(8)
  console.log(`rows: ${rows} invoices; ${iterations} runs per query (page + bounded count, as the route), studio with ${biggest} invoices`)
  console.log(`${pad('query', 40)} ${pad('matches', 8)}   p50 ms   p99 ms`)
  console.log(`${pad('reference: primary-key lookup', 40)} ${pad('1', 8)} ${ms(reference.p50)} ${ms(reference.p99)}`)
  for (const result of results) console.log(`${pad(result.name, 40)} ${pad(result.total, 8)} ${ms(result.p50)} ${ms(result.p99)}`)
  const worst = results.reduce((a, b) => (b.p99 > a.p99 ? b : a))
  console.log(`worst: ${worst.name}`)
  console.log(`ratio=${(worst.p99 / reference.p99).toFixed(1)} worst_p99_ms=${worst.p99.toFixed(2)} rows=${rows}`)
} finally {
  await orm.close(true)
  if (process.env.BENCH_KEEP_DATABASE) console.log(`kept database ${database}`)
  else await admin.query(`drop database if exists "${database}" with (force)`)
  await admin.end()
}
