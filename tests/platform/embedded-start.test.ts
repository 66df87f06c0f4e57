// Real: the README's start command (`pnpm start`) in a clean data directory: a local redis-server it starts
// itself, SQLite files, every service and worker process, the SDI simulator wired to fe-active and fe-passive,
// and the gateway. Stopped like Ctrl+C in a terminal.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SdiClient } from '@fatturapa-hub/sdi-channel'
import { serviceNames } from '@fatturapa-hub/shared'
import { afterAll, describe, expect, it } from '@jest/globals'
import { simpleParser } from 'mailparser'
import { stopLeftoverRedis } from '../../tools/launcher/src/redis-server.js'

const root = fileURLToPath(new URL('../../', import.meta.url))

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

async function freePortBase(): Promise<number> {
  for (;;) {
    // Below Linux's ephemeral range (32768–60999 by default): there, the ports other test files get from
    // listen(0) and outgoing connections could take one of ours between this check and the services' listen.
    const base = 20000 + Math.floor(Math.random() * 1270) * 10
    const free = await Promise.all([0, 1, 2, 3, 4, 5, 10].map((offset) => portFree(base + offset)))
    if (free.every(Boolean)) return base
  }
}

/** The error and fatal lines of every platform process's log (in the test's temporary data directory, gone after the run). */
async function errorLines(dataDir: string): Promise<string[]> {
  const logs = join(dataDir, 'logs')
  const errors: string[] = []
  for (const file of existsSync(logs) ? await readdir(logs) : []) {
    for (const line of (await readFile(join(logs, file), 'utf8')).split('\n')) {
      if (/"level":"(error|fatal)"/.test(line)) errors.push(`${file}: ${line}`)
    }
  }
  return errors
}

/** The body of a response that must have this status; otherwise the failure shows the body and the services' errors. */
async function bodyOf(response: Response, status: number, dataDir: string): Promise<unknown> {
  const text = await response.text()
  if (response.status === status) return JSON.parse(text)
  throw new Error(`${response.url} answered ${response.status}, not ${status}: ${text}\n${(await errorLines(dataDir)).join('\n')}`)
}

function embeddedEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra }
  delete env.REDIS_URL
  delete env.DATABASE_URL
  return env
}

describe('embedded start (pnpm start)', () => {
  let child: ChildProcess | undefined
  let startedDataDir: string | undefined

  afterAll(async () => {
    try {
      if (child?.pid) process.kill(-child.pid, 'SIGKILL')
    } catch {
      // the process group has already exited
    }
    // The launcher's redis-server has a process group of its own: after a failure it outlives the launcher.
    if (startedDataDir) await stopLeftoverRedis(join(startedDataDir, 'redis'))
  })

  it('reaches readiness of every service and of the wired SDI simulator from a clean directory and stops cleanly', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'fph-embedded-')), 'data')
    startedDataDir = dataDir
    const portBase = await freePortBase()
    const proc = spawn('pnpm', ['start'], {
      cwd: root,
      env: embeddedEnv({ FPH_DATA_DIR: dataDir, FPH_PORT_BASE: String(portBase), LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    child = proc
    let output = ''
    proc.stdout?.on('data', (chunk) => {
      output += String(chunk)
    })
    proc.stderr?.on('data', (chunk) => {
      output += String(chunk)
    })
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))

    const deadline = Date.now() + 120000
    while (!output.includes('Press Ctrl+C to stop.')) {
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`platform did not start:\n${output}`)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }

    const gateway = `http://127.0.0.1:${portBase}`
    const readiness = await fetch(`${gateway}/readyz`)
    const body = (await readiness.json()) as { status: string; checks: Record<string, { ok: boolean }> }
    expect(readiness.status).toBe(200)
    expect(body.status).toBe('ready')
    for (const name of serviceNames) {
      expect(body.checks[`service:${name}`]).toEqual({ ok: true })
      const info = (await (await fetch(`${gateway}/api/${name}/info`)).json()) as { database: string; migrations: { pending: string[] } }
      expect(info).toMatchObject({ database: 'sqlite', migrations: { pending: [] } })
    }
    expect(output).toContain(`${gateway}/docs`)
    expect(output).toContain('(local redis-server)')

    // The auth service on SQLite: provisioning with the generated key writes the credentials e-mail to the mail folder.
    const provisioningKey = (await readFile(join(dataDir, 'secrets', 'provisioning-key'), 'utf8')).trim()
    const provisioned = await fetch(`${gateway}/api/auth/provisioning/studios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-provisioning-key': provisioningKey },
      body: JSON.stringify({
        code: 'demo',
        name: 'Studio Demo',
        email: 'demo@studio.example',
        company: { denominazione: 'Demo S.r.l.', partitaIva: '01234567897' },
      }),
    })
    expect(await bodyOf(provisioned, 201, dataDir)).toMatchObject({ users: { admin: 'ADM@demo' }, credentialsEmailSent: true })
    const [mailFile] = await readdir(join(dataDir, 'mail'))
    const eml = await readFile(join(dataDir, 'mail', mailFile as string), 'utf8')
    expect(eml).toContain('To: demo@studio.example')
    const text = (await simpleParser(eml)).text ?? ''
    const password = /Password utente AMMINISTRATORE: (\S+)/.exec(text)?.[1] as string
    // First sign-in on SQLite through the gateway: the system password works and must be changed first.
    const signIn = await fetch(`${gateway}/api/auth/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ADM@demo', password }),
    })
    const session = (await bodyOf(signIn, 200, dataDir)) as { accessToken: string; mustChangePassword: boolean }
    expect(session.mustChangePassword).toBe(true)
    const changed = await fetch(`${gateway}/api/auth/sessions/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.accessToken}` },
      body: JSON.stringify({ currentPassword: password, newPassword: 'Demo.2026abc' }),
    })
    const { accessToken } = (await bodyOf(changed, 200, dataDir)) as { accessToken: string }
    const users = await fetch(`${gateway}/api/auth/users`, { headers: { authorization: `Bearer ${accessToken}` } })
    expect(((await bodyOf(users, 200, dataDir)) as { total: number }).total).toBe(3)

    // The SDI simulator on FPH_PORT_BASE+10, wired to the platform with no admin call: an invoice fe-active sends
    // (SdiClient with the launcher's SDI_RICEVI_FILE_URL) to the embedded code reaches fe-passive, and fe-active gets the RC.
    const sdi = `http://127.0.0.1:${portBase + 10}`
    expect(output).toContain(`sdi-simulator    ${sdi}`)
    expect(output).toContain('codice destinatario FPHUB00')
    const channels = (await (await fetch(`${sdi}/admin/channels`)).json()) as Array<{
      id: string
      trasmissioneUrl?: string
      ricezioneUrl?: string
    }>
    expect(channels).toEqual([
      expect.objectContaining({ id: 'platform', trasmissioneUrl: `http://127.0.0.1:${portBase + 2}/sdi/TrasmissioneFatture` }),
      expect.objectContaining({ id: 'platform-ricezione', ricezioneUrl: `http://127.0.0.1:${portBase + 3}/sdi/RicezioneFatture` }),
    ])
    const recipients = (await (await fetch(`${sdi}/admin/recipients`)).json()) as Array<{ code: string; channelId?: string }>
    expect(recipients).toEqual([expect.objectContaining({ code: 'FPHUB00', channelId: 'platform-ricezione' })])
    const invoice = readFileSync('/work/shared/reference/fatturapa/samples/IT01234567890_FPR01.xml', 'utf8').replace(
      /<CodiceDestinatario>[^<]*</,
      '<CodiceDestinatario>FPHUB00<',
    )
    const client = new SdiClient({
      riceviFileUrl: `${sdi}/SdIRiceviFile/platform`,
      riceviNotificaUrl: `${sdi}/SdIRiceviNotifica`,
      timeoutMs: 10_000,
    })
    const { identificativoSdI } = await client.transmitFile({ fileName: 'IT01234567890_E0001.xml', file: Buffer.from(invoice) })
    await fetch(`${sdi}/admin/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ms":0}' })
    const deliveries = (await (await fetch(`${sdi}/admin/deliveries`)).json()) as Array<{
      operation?: string
      identificativoSdI: string
      status: string
    }>
    expect(
      deliveries
        .filter((delivery) => delivery.identificativoSdI === identificativoSdI)
        .map((delivery) => [delivery.operation, delivery.status])
        .sort(),
    ).toEqual([
      ['RicezioneFatture.RiceviFatture', 'delivered'],
      ['TrasmissioneFatture.RicevutaConsegna', 'delivered'],
    ])
    expect(existsSync(join(dataDir, 'sdi-simulator', 'signing', 'cert.pem'))).toBe(true)

    // Ctrl+C in a terminal signals the launcher's whole process group; the local redis-server has a group of its
    // own, so the workers still reach it while they stop: no process logs an error on the way out.
    process.kill(-(proc.pid as number), 'SIGINT')
    await exited
    expect(output).toContain('stopped')
    expect(await errorLines(dataDir)).toEqual([])
    const files = await readdir(dataDir)
    for (const name of serviceNames) expect(files).toContain(`${name}.sqlite`)
    expect(existsSync(join(dataDir, 'redis'))).toBe(true)
    expect(existsSync(join(dataDir, 'logs', 'gateway.log'))).toBe(true)
    expect(readFileSync(join(dataDir, 'logs', 'sdi-simulator.log'), 'utf8')).toContain('SDI simulator listening')
  }, 180000)

  it('explains how to install Redis when redis-server is missing and REDIS_URL is unset', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'fph-embedded-')), 'data')
    const proc = spawn(process.execPath, [join(root, 'tools/launcher/dist/main.js')], {
      env: embeddedEnv({ FPH_DATA_DIR: dataDir, PATH: '/nonexistent' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    proc.stdout?.on('data', (chunk) => {
      output += String(chunk)
    })
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve))
    expect(code).toBe(1)
    expect(output).toMatch(/redis-server was not found on PATH\. Install it \(Debian\/Ubuntu: apt-get install redis-server/)
  })
})
