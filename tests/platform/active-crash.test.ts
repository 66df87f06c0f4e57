// Crash safety of outgoing invoices: thousands of invoices go to the real SDI simulator over HTTP while the fe-active
// worker role runs as its own process (node services/fe-active/dist/worker.js, as in production) and is killed with
// SIGKILL at random moments, then restarted. Every invoice must reach its final state, and the simulator must have
// received each invoice file exactly once: no invoice lost, none sent twice.
import { type ChildProcess, spawn } from 'node:child_process'
import { createHash, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SimulatorApp } from '@fatturapa-hub/sdi-simulator'
import { createLogger, Permissions } from '@fatturapa-hub/shared'
import { testRedisUrl } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type FeActiveTest, startFeActiveTest } from '../../services/fe-active/test/support/fe-active-test.js'
import { freePort, httpCall, routedSample, seedClientReplica, selfSignedIdentity, startSimulatorFor } from './support/sdi.js'

const invoices = Number(process.env.CRASH_TEST_INVOICES ?? 2000)
const kills = Number(process.env.CRASH_TEST_KILLS ?? 8)
const logger = createLogger({ name: 'active-crash-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' })
const workerEntry = new URL('../../services/fe-active/dist/worker.js', import.meta.url).pathname
const studio = randomUUID()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const invoiceXml = (numero: string): Buffer => routedSample('IT01234567890_FPR02.xml', { numero, codiceDestinatario: 'CRASH01' })

let test: FeActiveTest
let feActive: FeActiveTest['running']
let simulator: SimulatorApp
let keyDirectory: string
let worker: ChildProcess | undefined
let workerEnv: Record<string, string>
let workerLog = ''

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, [workerEntry], { env: { ...process.env, ...workerEnv }, stdio: ['ignore', 'ignore', 'pipe'] })
  child.stderr?.on('data', (chunk: Buffer) => {
    workerLog = (workerLog + chunk.toString('utf8')).slice(-20_000)
  })
  return child
}

async function killWorker(): Promise<void> {
  const child = worker
  worker = undefined
  if (child === undefined || child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

beforeAll(async () => {
  keyDirectory = mkdtempSync(join(tmpdir(), 'active-crash-'))
  const sdiSigner = selfSignedIdentity(keyDirectory, { subject: '/CN=SDI simulator', days: 30 })
  const simulatorPort = await freePort()
  // Short waits so a crash is recovered within seconds: an unanswered call is declared ambiguous after
  // 2 × SDI_TIMEOUT_MS + 5 s, and SDI's RC arrives well within the reconciliation wait, so nothing is re-sent.
  const env = {
    SDI_INBOUND_PLAIN_HTTP: 'true',
    SDI_RICEVI_FILE_URL: `http://127.0.0.1:${simulatorPort}/SdIRiceviFile`,
    SDI_TIMEOUT_MS: '3000',
    TRANSMISSION_SWEEP_INTERVAL_MS: '250',
    TRANSMISSION_RECONCILE_WAIT_MS: '60000',
    TRANSMISSION_CONCURRENCY: '16',
  }
  test = await startFeActiveTest({ logger, env })
  feActive = test.running
  await feActive.app.listen({ host: '127.0.0.1', port: 0 })
  const feActiveUrl = `http://127.0.0.1:${(feActive.app.server.address() as AddressInfo).port}`
  workerEnv = {
    ...env,
    AUTH_JWKS_URL: test.jwks.url,
    DATABASE_URL: feActive.config.DATABASE_URL,
    REDIS_URL: testRedisUrl,
    REDIS_PREFIX: feActive.config.REDIS_PREFIX,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
  }

  simulator = await startSimulatorFor(feActiveUrl, { seed: 'active-crash', port: simulatorPort, signer: sdiSigner })
  simulator.sdi.setRecipient('CRASH01', { scenario: { kind: 'accept' } })

  await seedClientReplica(feActive.orm, studio, '01234567890')
}, 60_000)

afterAll(async () => {
  await killWorker()
  await simulator?.close()
  await test?.close()
  if (keyDirectory) rmSync(keyDirectory, { recursive: true, force: true })
})

describe(`kill -9 of the fe-active worker during ${invoices} transmissions`, () => {
  it('every invoice ends CONSEGNATA and SDI received each file exactly once', async () => {
    const token = await test.tokenFor(studio, [Permissions.FeActiveSend])
    worker = startWorker()
    const submitted: Array<{ id: string; sha256: string }> = []
    let killed = 0
    // The killer runs while invoices are submitted and transmitted.
    const killer = (async () => {
      while (killed < kills) {
        await sleep(1000 + Math.random() * 3000)
        await killWorker()
        killed++
        await sleep(Math.random() * 1000)
        worker = startWorker()
      }
    })()
    for (let index = 0; index < invoices; index++) {
      const xml = invoiceXml(`CR${index + 1}`)
      const response = await feActive.app.inject({
        method: 'POST',
        url: '/invoices',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
        payload: xml,
      })
      if (response.statusCode !== 201) throw new Error(`submission ${index}: ${response.statusCode} ${response.body}`)
      submitted.push({ id: response.json().id, sha256: createHash('sha256').update(xml).digest('hex') })
    }
    await killer

    const em = feActive.orm.em.fork()
    const deadline = Date.now() + 240_000
    let states: Array<{ state: string; count: string | number }> = []
    while (Date.now() < deadline) {
      states = await em.getConnection().execute('select state, count(*) as count from invoice group by state')
      if (states.length === 1 && states[0]?.state === 'CONSEGNATA') break
      await sleep(1000)
    }
    if (!(states.length === 1 && states[0]?.state === 'CONSEGNATA')) {
      throw new Error(`not every invoice is CONSEGNATA: ${JSON.stringify(states)}\nworker stderr: ${workerLog.slice(-4000)}`)
    }
    expect(states).toEqual([{ state: 'CONSEGNATA', count: invoices }].map((row) => ({ ...row, count: expect.anything() })))
    expect(Number(states[0]?.count)).toBe(invoices)

    const files = (await httpCall('GET', `http://127.0.0.1:${(simulator.server.address() as AddressInfo).port}/admin/files`))
      .json as Array<{ hash: string; nomeFile: string; state: string }>
    const received = new Map<string, number>()
    for (const file of files) received.set(file.hash.toLowerCase(), (received.get(file.hash.toLowerCase()) ?? 0) + 1)
    const notOnce = submitted.filter((invoice) => received.get(invoice.sha256) !== 1)
    expect(notOnce).toEqual([])
    expect(files).toHaveLength(invoices)
    expect(killed).toBe(kills)
  }, 600_000)
})
