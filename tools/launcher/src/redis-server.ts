import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
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

/** Starts a private redis-server with append-only persistence in the data folder. */
export async function startLocalRedis(executable: string, dataDir: string, logFile: string): Promise<LocalRedis> {
  await mkdir(dataDir, { recursive: true })
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
    { stdio: 'ignore' },
  )
  const url = `redis://127.0.0.1:${port}`
  const deadline = Date.now() + 10000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}; see ${logFile}`)
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null })
    client.on('error', () => undefined)
    try {
      await client.connect()
      await client.ping()
      return { url, process: child }
    } catch {
      await sleep(100)
    } finally {
      client.disconnect()
    }
  }
  child.kill('SIGKILL')
  throw new Error(`redis-server did not answer on ${url} within 10 s; see ${logFile}`)
}
