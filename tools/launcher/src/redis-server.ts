import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { delimiter, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'

export function findOnPath(command: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(directory, command)
    if (directory && existsSync(candidate)) return candidate
  }
  return undefined
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

export interface LocalRedis {
  url: string
  process: ChildProcess
}

/** Where the launcher notes the port of the redis-server it started in a data folder. */
function portFile(dataDir: string): string {
  return join(dataDir, 'launcher-redis.port')
}

async function connectOnce(url: string): Promise<Redis | undefined> {
  // Bounded: the noted port may now belong to something that accepts connections and never answers.
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectTimeout: 2000,
    commandTimeout: 2000,
  })
  client.on('error', () => undefined)
  try {
    await client.connect()
    return client
  } catch {
    client.disconnect()
    return undefined
  }
}

/**
 * A launcher that was killed (SIGKILL, a closed terminal) cannot stop the redis-server it started, which runs in a
 * process group of its own: the next start finds it by the port it noted and shuts it down (with its append-only
 * file flushed) before starting a new one on the same folder. Only a server whose working folder is this data
 * folder is shut down, so a port since reused by another Redis is left alone.
 */
export async function stopLeftoverRedis(dataDir: string): Promise<boolean> {
  let port: number
  try {
    port = Number.parseInt(await readFile(portFile(dataDir), 'utf8'), 10)
  } catch {
    return false
  }
  const client = Number.isInteger(port) ? await connectOnce(`redis://127.0.0.1:${port}`) : undefined
  if (!client) return false
  try {
    const [, directory] = (await client.config('GET', 'dir').catch(() => [])) as [string?, string?]
    // Redis reports its working folder with symbolic links resolved (macOS: /var → /private/var).
    if (directory === undefined || (await realpath(directory).catch(() => directory)) !== (await realpath(dataDir))) return false
    await client.call('SHUTDOWN').catch(() => undefined)
    for (const deadline = Date.now() + 10000; Date.now() < deadline; await sleep(100)) {
      const probe = await connectOnce(`redis://127.0.0.1:${port}`)
      if (!probe) return true
      probe.disconnect()
    }
    // Two servers on one append-only file would corrupt it.
    throw new Error(`the redis-server left on port ${port} by an earlier start still runs on ${dataDir}; stop it and start again`)
  } finally {
    client.disconnect()
  }
}

/**
 * Starts a private redis-server with append-only persistence in the data folder. It runs in a process group of
 * its own so that Ctrl+C in the terminal, which signals the launcher's whole group, does not stop it before the
 * services: their workers still need it to finish the jobs in hand; the launcher stops it after them.
 */
export async function startLocalRedis(executable: string, dataDir: string, logFile: string): Promise<LocalRedis> {
  await mkdir(dataDir, { recursive: true })
  await stopLeftoverRedis(dataDir)
  const port = await freePort()
  const child = spawn(
    executable,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dataDir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--logfile',
      logFile,
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore', detached: true },
  )
  await writeFile(portFile(dataDir), String(port))
  const url = `redis://127.0.0.1:${port}`
  const deadline = Date.now() + 10000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}; see ${logFile}`)
    const client = await connectOnce(url)
    try {
      if (client && (await client.ping()) === 'PONG') return { url, process: child }
    } catch {
      // loading its append-only file
    } finally {
      client?.disconnect()
    }
    await sleep(100)
  }
  child.kill('SIGKILL')
  throw new Error(`redis-server did not answer on ${url} within 10 s; see ${logFile}`)
}
