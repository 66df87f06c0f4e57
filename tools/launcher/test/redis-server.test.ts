// Real: redis-server processes started by the launcher's code in temporary data folders.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { Redis } from 'ioredis'
import { findOnPath, type LocalRedis, startLocalRedis } from '../src/redis-server.js'

const executable = findOnPath('redis-server') as string

describe('the launcher’s local redis-server', () => {
  const folders: string[] = []
  const started: LocalRedis[] = []
  const folder = () => {
    const path = mkdtempSync(join(tmpdir(), 'fph-launcher-redis-'))
    folders.push(path)
    return path
  }
  const start = async (dir: string) => {
    const redis = await startLocalRedis(executable, join(dir, 'redis'), join(dir, 'redis.log'))
    started.push(redis)
    return redis
  }
  const exited = (redis: LocalRedis) =>
    redis.process.exitCode !== null || redis.process.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => redis.process.once('exit', () => resolve()))

  afterAll(async () => {
    for (const redis of started) {
      if (redis.process.exitCode === null && redis.process.signalCode === null) redis.process.kill('SIGKILL')
    }
    for (const path of folders) rmSync(path, { recursive: true, force: true })
  })

  it('runs in a process group of its own, so that Ctrl+C in the terminal reaches the launcher and not Redis', async () => {
    const redis = await start(folder())
    // A detached child leads its own group: the group id is its pid.
    expect(redis.process.pid).toBeDefined()
    expect(() => process.kill(-(redis.process.pid as number), 0)).not.toThrow()
    redis.process.kill('SIGTERM')
    await exited(redis)
  })

  it('shuts down the redis-server a killed launcher left on the same folder, with its data, before starting anew', async () => {
    const dir = folder()
    const leftover = await start(dir)
    const writer = new Redis(leftover.url)
    await writer.set('fph-test-key', 'kept')
    await writer.quit()

    const next = await start(dir)
    await exited(leftover)
    expect(next.url).not.toBe(leftover.url)
    const reader = new Redis(next.url)
    expect(await reader.get('fph-test-key')).toBe('kept')
    await reader.quit()
    next.process.kill('SIGTERM')
    await exited(next)
  })

  it('leaves alone a Redis that now answers on the noted port but works on another folder', async () => {
    const other = await start(folder())
    const dir = folder()
    mkdirSync(join(dir, 'redis'))
    writeFileSync(join(dir, 'redis', 'launcher-redis.port'), new URL(other.url).port)
    const mine = await start(dir)
    const probe = new Redis(other.url)
    expect(await probe.ping()).toBe('PONG')
    await probe.quit()
    for (const redis of [mine, other]) {
      redis.process.kill('SIGTERM')
      await exited(redis)
    }
  })
})
