import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigError, loadConfig, ServiceCatalog, serviceNames } from '@fatturapa-hub/shared'
import { type LauncherConfig, LauncherConfigSchema } from './config.js'
import { type ManagedProcess, startNodeProcess, stopProcess, tail, waitForReady } from './processes.js'
import { findOnPath, startLocalRedis } from './redis-server.js'
import { embeddedCodiceDestinatario, platformChannelId, sdiSimulatorWiring } from './sdi-simulator.js'
import { loadOrCreateSecretFile } from './secrets.js'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const readyTimeoutMs = 90000
const stopTimeoutMs = 30000

/** Services whose worker role consumes queues; the others have no worker process yet. */
const servicesWithWorkers = new Set(['auth', 'fe-active'])

function say(message: string) {
  process.stdout.write(`${message}\n`)
}

async function main() {
  let config: LauncherConfig
  try {
    config = loadConfig(LauncherConfigSchema)
  } catch (error) {
    if (error instanceof ConfigError) {
      say(error.message)
      process.exit(1)
    }
    throw error
  }
  const dataDir = resolve(config.FPH_DATA_DIR)
  const logDir = join(dataDir, 'logs')
  await mkdir(logDir, { recursive: true })

  const running: ManagedProcess[] = []
  let redisProcess: ManagedProcess | undefined
  let stopping = false

  const stopAll = async (code: number) => {
    if (stopping) return
    stopping = true
    say('stopping…')
    const gateway = running.find((managed) => managed.label === 'gateway')
    if (gateway) await stopProcess(gateway, stopTimeoutMs)
    await Promise.all(running.filter((managed) => managed !== gateway).map((managed) => stopProcess(managed, stopTimeoutMs)))
    if (redisProcess) await stopProcess(redisProcess, stopTimeoutMs)
    say('stopped')
    process.exit(code)
  }
  process.on('SIGINT', () => void stopAll(0))
  process.on('SIGTERM', () => void stopAll(0))
  // A closed terminal: stop like Ctrl+C (the local redis-server, in its own group, gets no signal from it).
  process.on('SIGHUP', () => void stopAll(0))
  // The local redis-server is in a process group of its own: whatever ends the launcher ends it too.
  process.on('exit', () => {
    if (redisProcess && redisProcess.child.exitCode === null && redisProcess.child.signalCode === null) redisProcess.child.kill('SIGTERM')
  })

  const watch = (managed: ManagedProcess) => {
    running.push(managed)
    void managed.exited.then((code) => {
      if (stopping) return
      say(`${managed.label} exited unexpectedly (code ${code}). Last lines of ${managed.logFile}:\n${tail(managed.logFile)}`)
      void stopAll(1)
    })
  }

  let redisUrl = config.REDIS_URL
  if (!redisUrl) {
    const executable = findOnPath('redis-server')
    if (!executable) {
      say(
        'redis-server was not found on PATH. Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to an existing Redis.',
      )
      process.exit(1)
    }
    const redisLog = join(logDir, 'redis.log')
    const redis = await startLocalRedis(executable, join(dataDir, 'redis'), redisLog).catch((error: unknown) => {
      say(`redis-server could not start: ${(error as Error).message}`)
      process.exit(1)
    })
    redisUrl = redis.url
    redisProcess = { label: 'redis', child: redis.process, logFile: redisLog, exited: new Promise((r) => redis.process.once('exit', r)) }
    void redisProcess.exited.then((code) => {
      if (stopping) return
      say(`redis-server exited unexpectedly (code ${code}); see ${redisLog}`)
      void stopAll(1)
    })
  }

  const common: Record<string, string> = {
    REDIS_URL: redisUrl,
    LOG_LEVEL: config.LOG_LEVEL,
    MAIL_DIR: join(dataDir, 'mail'),
    HOST: '127.0.0.1',
    // Every service verifies access tokens with the keys of this platform's auth service, wherever its port is.
    AUTH_JWKS_URL: `http://127.0.0.1:${config.FPH_PORT_BASE + ServiceCatalog.auth.defaultPort - 3000}/.well-known/jwks.json`,
  }
  const secretsDir = join(dataDir, 'secrets')
  const provisioningKeyFile = join(secretsDir, 'provisioning-key')
  const authEnv: Record<string, string> = {
    AUTH_SECRET: process.env.AUTH_SECRET ?? (await loadOrCreateSecretFile(join(secretsDir, 'auth-secret'))),
    PROVISIONING_KEY: process.env.PROVISIONING_KEY ?? (await loadOrCreateSecretFile(provisioningKeyFile)),
    PORTAL_URL: `http://127.0.0.1:${config.FPH_PORT_BASE}`,
  }
  const feActiveEnv: Record<string, string> = {
    SIGNING_SECRET: process.env.SIGNING_SECRET ?? (await loadOrCreateSecretFile(join(secretsDir, 'signing-secret'))),
    // On a laptop the ERP that receives the webhooks usually runs on the same machine.
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? 'true',
  }
  const usePostgres = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '')
  const portOf = (name: keyof typeof ServiceCatalog) => config.FPH_PORT_BASE + ServiceCatalog[name].defaultPort - 3000
  const serviceUrls: Record<string, string> = {}
  for (const name of serviceNames) serviceUrls[name] = `http://127.0.0.1:${portOf(name)}`
  const sdi = sdiSimulatorWiring({
    portBase: config.FPH_PORT_BASE,
    dataDir,
    feActiveUrl: serviceUrls['fe-active'] as string,
    fePassiveUrl: serviceUrls['fe-passive'] as string,
    logLevel: config.LOG_LEVEL,
  })
  const sdiServices = new Set(['fe-active', 'fe-passive'])

  try {
    // The SDI simulator, wired to fe-active and fe-passive from its environment: the whole cycle on a laptop.
    const simulator = startNodeProcess(
      'sdi-simulator',
      join(root, 'tools', 'sdi-simulator', 'dist', 'main.js'),
      sdi.simulatorEnv,
      join(logDir, 'sdi-simulator.log'),
    )
    watch(simulator)
    const servers = serviceNames.map((name) => {
      const env = {
        ...common,
        ...(name === 'auth' ? authEnv : {}),
        ...(name === 'fe-active' ? feActiveEnv : {}),
        ...(sdiServices.has(name) ? sdi.serviceEnv : {}),
        PORT: String(portOf(name)),
        DATABASE_URL: usePostgres ? (process.env.DATABASE_URL as string) : `sqlite:${join(dataDir, `${name}.sqlite`)}`,
      }
      const server = startNodeProcess(name, join(root, 'services', name, 'dist', 'server.js'), env, join(logDir, `${name}.log`))
      watch(server)
      if (servicesWithWorkers.has(name)) {
        watch(
          startNodeProcess(`${name}-worker`, join(root, 'services', name, 'dist', 'worker.js'), env, join(logDir, `${name}-worker.log`)),
        )
      }
      return server
    })
    await Promise.all([
      ...servers.map((server) => waitForReady(`${serviceUrls[server.label]}/readyz`, server, readyTimeoutMs)),
      waitForReady(`${sdi.url}/admin/channels`, simulator, readyTimeoutMs),
    ])

    const gatewayPort = config.FPH_PORT_BASE
    const gatewayEnv: Record<string, string> = { ...common, PORT: String(gatewayPort) }
    for (const name of serviceNames) gatewayEnv[`${name.toUpperCase().replaceAll('-', '_')}_SERVICE_URL`] = serviceUrls[name] as string
    const gateway = startNodeProcess(
      'gateway',
      join(root, 'services', 'gateway', 'dist', 'server.js'),
      gatewayEnv,
      join(logDir, 'gateway.log'),
    )
    watch(gateway)
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`
    await waitForReady(`${gatewayUrl}/readyz`, gateway, readyTimeoutMs)

    say(
      [
        '',
        'fatturapa-hub is running (embedded mode)',
        `  API gateway      ${gatewayUrl}/api/<service>/…`,
        `  API docs         ${gatewayUrl}/docs`,
        `  OpenAPI          ${gatewayUrl}/openapi.json`,
        `  readiness        ${gatewayUrl}/readyz`,
        ...serviceNames.map((name) => `  ${name.padEnd(16)} ${(serviceUrls[name] as string).padEnd(24)} ${ServiceCatalog[name].title}`),
        `  sdi-simulator    ${sdi.url.padEnd(24)} SDI simulator (SDICoop): SdIRiceviFile/${platformChannelId}, SdIRiceviNotifica`,
        `  sdi admin        ${sdi.url}/admin (channels, recipients, faults, clock/advance, files, notifications)`,
        `  codice destinatario ${embeddedCodiceDestinatario} (B2B invoices to it reach fe-passive; other codes: scenarios via the sdi admin API)`,
        `  redis            ${redisUrl}${redisProcess ? ' (local redis-server)' : ''}`,
        `  data             ${dataDir} (databases: ${usePostgres ? 'PostgreSQL from DATABASE_URL' : 'SQLite files'})`,
        `  mail             ${common.MAIL_DIR}`,
        `  provisioning key ${process.env.PROVISIONING_KEY ? 'from PROVISIONING_KEY' : provisioningKeyFile} (header X-Provisioning-Key of POST /api/auth/provisioning/studios)`,
        `  logs             ${logDir}`,
        'Press Ctrl+C to stop.',
      ].join('\n'),
    )
  } catch (error) {
    say(`start failed: ${(error as Error).message}`)
    for (const managed of running) if (managed.child.exitCode !== null) say(`--- ${managed.label}:\n${tail(managed.logFile)}`)
    await stopAll(1)
  }
}

await main()
