// Outgoing invoices under load, through the real processes: gateway → fe-active (server) → PostgreSQL + Redis →
// fe-active (worker) → SDI simulator (SdIRiceviFile) → RC → fe-active TrasmissioneFatture → CONSEGNATA.
// Printed next to a bare-minimum reference measured in the same run on the same machine: the same XML bytes
// inserted into a PostgreSQL table plus one BullMQ add, at the same concurrency, with no HTTP and no validation.
//   accepted/s   invoices answered 201 by POST /api/fe-active/invoices at full speed (closed loop)
//   p99 ms       latency of POST through the gateway at a paced 500 requests/s (open loop)
//   consegnata/s invoices reaching CONSEGNATA per second, from the first submission to the last CONSEGNATA
//   max RSS      the largest resident set of each platform process during the run (/proc/<pid>/status)
// Usage: pnpm bench:active [invoices=3000] (BENCH_CONCURRENCY=32, BENCH_PACED_SECONDS=10)
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Permissions } from '@fatturapa-hub/shared'
import { createTestDatabase, createTestTokenIssuer, startJwksServer, testRedisUrl } from '@fatturapa-hub/shared/testing'
import { Queue } from 'bullmq'
import pg from 'pg'

const root = fileURLToPath(new URL('..', import.meta.url))
const invoices = Number(process.argv[2] ?? 3000)
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32)
const pacedSeconds = Number(process.env.BENCH_PACED_SECONDS ?? 10)
const pacedRate = 500
const sample = readFileSync(join(root, '..', 'shared', 'reference', 'fatturapa', 'samples', 'IT01234567890_FPR02.xml'), 'utf8')
const studio = randomUUID()
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function invoiceXml(numero) {
  const xml = sample.replace(/<CodiceDestinatario>[^<]*</, '<CodiceDestinatario>BENCH01<')
  const body = xml.indexOf('<DatiGeneraliDocumento>')
  return Buffer.from(xml.slice(0, body) + xml.slice(body).replace(/<Numero>[^<]*</, `<Numero>${numero}<`), 'utf8')
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })
function request(method, url, { body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const outgoing = http.request(url, { method, agent, headers }, (response) => {
      const chunks = []
      response.on('data', (chunk) => chunks.push(chunk))
      response.on('end', () =>
        resolve({
          status: response.statusCode,
          body: Buffer.concat(chunks).toString('utf8'),
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        }),
      )
      response.on('error', reject)
    })
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

const processes = []
// BENCH_PROFILE=<dir>: each platform process writes a V8 CPU profile there when it stops (for diagnosis).
const profileDir = process.env.BENCH_PROFILE
function start(label, script, env) {
  const child = spawn(
    process.execPath,
    [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${label}`] : []), join(root, script)],
    {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000)
  })
  const entry = { label, child, maxRssKb: 0, stderr: () => stderr }
  processes.push(entry)
  return entry
}

async function waitFor(url, label) {
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      const response = await request('GET', url)
      if (response.status < 500) return
    } catch {}
    await sleep(200)
  }
  const entry = processes.find((item) => item.label === label)
  throw new Error(`${label} did not start: ${entry?.stderr()}`)
}

/** User + system CPU seconds of a process so far (/proc/<pid>/stat, clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0
  }
}

function rssKb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  } catch {
    return 0
  }
}
const rssTimer = setInterval(() => {
  for (const entry of processes) entry.maxRssKb = Math.max(entry.maxRssKb, rssKb(entry.child.pid))
}, 200)

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
}

/** Runs `count` tasks with at most `parallel` at a time; returns elapsed seconds. */
async function closedLoop(count, parallel, task) {
  let next = 0
  const started = process.hrtime.bigint()
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (;;) {
        const index = next++
        if (index >= count) return
        await task(index)
      }
    }),
  )
  return Number(process.hrtime.bigint() - started) / 1e9
}

const database = await createTestDatabase()
const dataDir = mkdtempSync(join(tmpdir(), 'fph-bench-active-'))
const redisPrefix = `fphbench${Date.now()}`
const issuer = await createTestTokenIssuer()
const jwks = await startJwksServer(issuer.jwks)
const token = await issuer.sign({ studio, kind: 'operator', permissions: [Permissions.FeActiveSend, Permissions.FeActiveRead] })
let failed = false
try {
  // --- Reference: the same bytes into PostgreSQL plus one queue add, same concurrency, no HTTP, no validation.
  const reference = new pg.Pool({ connectionString: database.url, max: Math.min(concurrency, 16) })
  await reference.query(
    'create table reference_invoice (id uuid primary key, studio_id uuid not null, file bytea not null, created_at timestamptz not null)',
  )
  const referenceQueue = new Queue('bench.reference', { connection: { url: testRedisUrl }, prefix: redisPrefix })
  const referenceFiles = Array.from({ length: invoices }, (_, index) => invoiceXml(`R${index + 1}`))
  const referenceSeconds = await closedLoop(invoices, concurrency, async (index) => {
    const id = randomUUID()
    await reference.query('insert into reference_invoice (id, studio_id, file, created_at) values ($1, $2, $3, now())', [
      id,
      studio,
      referenceFiles[index],
    ])
    await referenceQueue.add('invoice', { id }, { jobId: id, removeOnComplete: true })
  })
  const referencePerSecond = invoices / referenceSeconds
  await referenceQueue.obliterate({ force: true })
  await referenceQueue.close()
  await reference.end()

  // --- The platform: simulator, fe-active server and worker, gateway, each its own process.
  const [simulatorPort, feActivePort, gatewayPort] = await Promise.all([freePort(), freePort(), freePort()])
  const feActiveUrl = `http://127.0.0.1:${feActivePort}`
  const simulatorUrl = `http://127.0.0.1:${simulatorPort}`
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`
  start('sdi-simulator', 'tools/sdi-simulator/dist/main.js', {
    PORT: String(simulatorPort),
    SDI_SIM_DATA_DIR: join(dataDir, 'sdi'),
    PLATFORM_TRASMISSIONE_URL: `${feActiveUrl}/sdi/TrasmissioneFatture`,
    SEED: 'bench-active',
  })
  const feActiveEnv = {
    DATABASE_URL: database.url,
    REDIS_URL: testRedisUrl,
    REDIS_PREFIX: redisPrefix,
    PORT: String(feActivePort),
    HOST: '127.0.0.1',
    AUTH_JWKS_URL: jwks.url,
    SDI_INBOUND_PLAIN_HTTP: 'true',
    SDI_RICEVI_FILE_URL: `${simulatorUrl}/SdIRiceviFile`,
    TRANSMISSION_SWEEP_INTERVAL_MS: '1000',
    TRANSMISSION_CONCURRENCY: '16',
  }
  start('fe-active', 'services/fe-active/dist/server.js', feActiveEnv)
  await waitFor(`${simulatorUrl}/admin/channels`, 'sdi-simulator')
  await waitFor(`${feActiveUrl}/readyz`, 'fe-active')
  start('fe-active-worker', 'services/fe-active/dist/worker.js', feActiveEnv)
  start('gateway', 'services/gateway/dist/server.js', {
    PORT: String(gatewayPort),
    HOST: '127.0.0.1',
    REDIS_URL: testRedisUrl,
    REDIS_PREFIX: redisPrefix,
    AUTH_JWKS_URL: jwks.url,
    FE_ACTIVE_SERVICE_URL: feActiveUrl,
    // The bench is one client: the per-client limit of production would measure the limiter.
    RATE_LIMIT_MAX: '1000000',
  })
  await waitFor(`${gatewayUrl}/healthz`, 'gateway')
  await request('PUT', `${simulatorUrl}/admin/recipients/BENCH01`, {
    body: JSON.stringify({ scenario: { kind: 'accept' } }),
    headers: { 'content-type': 'application/json' },
  })
  const now = new Date()
  const db = new pg.Client({ connectionString: database.url })
  await db.connect()
  await db.query(
    `insert into fe_active.client_replica (client_id, studio_id, codice_soggetto, denominazione, partita_iva, codice_fiscale, codice_destinatario, pec,
       fe_attiva_enabled_at, fe_passiva_enabled_at, version, updated_at, changed_at, replicated_at)
     values ($1, $2, 'C0001', 'Società alpha', '01234567890', null, null, null, $3, null, 1, $3, $3, $3)`,
    [randomUUID(), studio, now],
  )

  const post = (file) =>
    request('POST', `${gatewayUrl}/api/fe-active/invoices`, {
      body: file,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
    })
  const cpuBefore = processes.map((entry) => cpuSeconds(entry.child.pid))
  // Warm-up (JIT, connection pools, schema compilation), not counted.
  for (let index = 0; index < 50; index++) {
    const response = await post(invoiceXml(`W${index + 1}`))
    if (response.status !== 201) throw new Error(`warm-up: ${response.status} ${response.body}`)
  }

  // --- Accepted per second, closed loop at the reference's concurrency.
  const files = Array.from({ length: invoices }, (_, index) => invoiceXml(`A${index + 1}`))
  let refused = 0
  const acceptedSeconds = await closedLoop(invoices, concurrency, async (index) => {
    const response = await post(files[index])
    if (response.status !== 201) refused++
  })
  if (refused > 0) throw new Error(`${refused} submissions were not accepted`)
  const acceptedPerSecond = invoices / acceptedSeconds
  const submittedAt = Date.now() - acceptedSeconds * 1000

  // --- CONSEGNATA per second: from the first submission of the run to the last invoice delivered.
  const total = invoices + 50
  let delivered = 0
  const deadline = Date.now() + 600_000
  while (Date.now() < deadline) {
    const { rows } = await db.query(`select count(*)::int as n from fe_active.invoice where state = 'CONSEGNATA'`)
    delivered = rows[0].n
    if (delivered >= total) break
    await sleep(250)
  }
  if (delivered < total) throw new Error(`only ${delivered} of ${total} invoices reached CONSEGNATA`)
  // CPU of each process per invoice, from the first submission to the last CONSEGNATA (the paced phase is not waited for).
  const cpuPerInvoiceMs = processes.map((entry, index) => ((cpuSeconds(entry.child.pid) - cpuBefore[index]) * 1000) / total)
  const consegnataPerSecond = invoices / ((Date.now() - submittedAt) / 1000)

  // --- p99 at a paced 500 requests/s (open loop: requests are sent on schedule, whatever the answers).
  const pacedCount = pacedRate * pacedSeconds
  const pacedFiles = Array.from({ length: pacedCount }, (_, index) => invoiceXml(`P${index + 1}`))
  const latencies = []
  let pacedRefused = 0
  const pacedStart = Date.now()
  const inflight = []
  for (let index = 0; index < pacedCount; index++) {
    const due = pacedStart + (index * 1000) / pacedRate
    const wait = due - Date.now()
    if (wait > 0) await sleep(wait)
    inflight.push(
      post(pacedFiles[index]).then((response) => {
        latencies.push(response.ms)
        if (response.status !== 201) pacedRefused++
      }),
    )
  }
  await Promise.all(inflight)
  const achievedRate = pacedCount / ((Date.now() - pacedStart) / 1000)
  const p50 = percentile(latencies, 50)
  const p99 = percentile(latencies, 99)
  await db.end()

  for (const entry of processes) entry.maxRssKb = Math.max(entry.maxRssKb, rssKb(entry.child.pid))
  const maxRssMb = Math.max(...processes.map((entry) => entry.maxRssKb)) / 1024
  const fmt = (value, digits = 0) => value.toFixed(digits)
  console.log(
    `invoices ${invoices} (FPR12, ${files[0].length} bytes), concurrency ${concurrency}, machine ${process.arch} Node ${process.version}`,
  )
  console.log(`reference (PostgreSQL insert + BullMQ add)   ${fmt(referencePerSecond)} /s`)
  console.log(
    `accepted through the gateway                  ${fmt(acceptedPerSecond)} /s   (${fmt((acceptedPerSecond / referencePerSecond) * 100)}% of the reference; target ≥ 50% and ≥ 1000/s)`,
  )
  console.log(`reaching CONSEGNATA                           ${fmt(consegnataPerSecond)} /s   (target ≥ 300/s)`)
  console.log(
    `paced ${pacedRate}/s for ${pacedSeconds} s: achieved ${fmt(achievedRate)}/s, p50 ${fmt(p50, 1)} ms, p99 ${fmt(p99, 1)} ms (target < 100 ms)${pacedRefused ? `, ${pacedRefused} refused` : ''}`,
  )
  for (const [index, entry] of processes.entries()) {
    console.log(
      `max RSS ${entry.label.padEnd(18)} ${fmt(entry.maxRssKb / 1024)} MB   (target < 300 MB), CPU ${fmt(cpuSeconds(entry.child.pid), 1)} s, ${fmt(cpuPerInvoiceMs[index] ?? 0, 1)} ms per invoice submitted to CONSEGNATA`,
    )
  }
  console.log(
    `ratio=${fmt(acceptedPerSecond / referencePerSecond, 3)} accepted_per_s=${fmt(acceptedPerSecond)} consegnata_per_s=${fmt(consegnataPerSecond)} p99_ms=${fmt(p99, 1)} max_rss_mb=${fmt(maxRssMb)}`,
  )
} catch (error) {
  failed = true
  console.error(error)
  for (const entry of processes) if (entry.stderr()) console.error(`--- ${entry.label} stderr\n${entry.stderr()}`)
} finally {
  clearInterval(rssTimer)
  // SIGTERM drains each process (and lets it write its CPU profile); SIGKILL after 15 s.
  await Promise.all(
    processes.map(
      (entry) =>
        new Promise((resolve) => {
          if (entry.child.exitCode !== null) return resolve()
          const timer = setTimeout(() => entry.child.kill('SIGKILL'), 15_000)
          entry.child.once('exit', () => {
            clearTimeout(timer)
            resolve()
          })
          entry.child.kill('SIGTERM')
        }),
    ),
  )
  agent.destroy()
  await jwks.close()
  if (process.env.BENCH_KEEP_DATABASE) console.error(`database kept: ${database.url}`)
  else await database.drop()
  rmSync(dataDir, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
