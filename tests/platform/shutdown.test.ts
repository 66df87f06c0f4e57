// Real: a separate Node process built from the platform's app factory, worker and lifecycle; Redis; SQLite.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { createLogger, createRedis, JobProducer } from '@fatturapa-hub/shared'
import { testRedisPrefix, testRedisUrl } from '@fatturapa-hub/shared/testing'
import { afterAll, describe, expect, it } from '@jest/globals'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'

const fixture = fileURLToPath(new URL('../fixtures/slow-service.mjs', import.meta.url))

describe('graceful shutdown', () => {
  const prefix = testRedisPrefix()
  let child: ChildProcess | undefined
  const cleanups: Array<() => Promise<unknown>> = []

  afterAll(async () => {
    child?.kill('SIGKILL')
    for (const cleanup of cleanups) await cleanup()
    const redis = new Redis(testRedisUrl)
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  })

  it('completes an in-flight request and an in-flight job on SIGTERM, then exits 0', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'fph-shutdown-'))
    const proc = spawn(process.execPath, [fixture], {
      env: {
        ...process.env,
        DATABASE_URL: `sqlite:${join(directory, 'slow.sqlite')}`,
        REDIS_URL: testRedisUrl,
        REDIS_PREFIX: prefix,
        DELAY_MS: '1500',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    child = proc
    const lines: Array<Record<string, unknown>> = []
    const waiters: Array<() => void> = []
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        lines.push(JSON.parse(line))
      } catch {
        lines.push({ msg: line })
      }
      for (const wake of waiters.splice(0)) wake()
    })
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
    const waitForLine = async (msg: string) => {
      for (;;) {
        const found = lines.find((line) => line.msg === msg)
        if (found) return found
        if (proc.exitCode !== null) throw new Error(`fixture exited before "${msg}": ${JSON.stringify(lines)}`)
        await new Promise<void>((resolve) => {
          waiters.push(resolve)
          setTimeout(resolve, 200)
        })
      }
    }

    const { port } = (await waitForLine('fixture listening')) as { port: number }
    const producer = new JobProducer(createRedis(testRedisUrl, 'producer'), prefix, createLogger({ name: 'test', level: 'silent' }))
    cleanups.push(() => producer.close())
    await producer.connect()
    await producer.enqueue('audit.record', {
      v: 1,
      eventId: 'shutdown-1',
      occurredAt: new Date().toISOString(),
      service: 'test',
      action: 'shutdown.test',
      outcome: 'success',
      actor: { kind: 'system' },
    })
    const response = fetch(`http://127.0.0.1:${port}/slow`).then(async (r) => ({ status: r.status, body: await r.json() }))
    await Promise.all([waitForLine('slow request started'), waitForLine('slow job started')])

    proc.kill('SIGTERM')

    expect(await response).toEqual({ status: 200, body: { done: true } })
    const code = await exited
    const messages = lines.map((line) => line.msg)
    expect({ code, messages }).toMatchObject({ code: 0 })
    expect(messages).toEqual(expect.arrayContaining(['shutting down', 'slow job finished', 'job processed', 'stopped']))
    expect(messages.indexOf('slow job finished')).toBeGreaterThan(messages.indexOf('shutting down'))

    const queue = new Queue('platform.audit', { connection: new Redis(testRedisUrl, { maxRetriesPerRequest: null }), prefix })
    cleanups.push(async () => {
      await queue.close()
      ;(await queue.client).disconnect()
    })
    expect(await (await queue.getJob('audit-shutdown-1'))?.getState()).toBe('completed')
  })
})
