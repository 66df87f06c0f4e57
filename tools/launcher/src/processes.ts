import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

export interface ManagedProcess {
  label: string
  child: ChildProcess
  logFile: string
  exited: Promise<number | null>
}

/** Starts a Node entry point with its output appended to a log file of its own. */
export function startNodeProcess(label: string, script: string, env: Record<string, string>, logFile: string): ManagedProcess {
  const fd = openSync(logFile, 'a')
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] })
  closeSync(fd)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { label, child, logFile, exited }
}

export async function waitForReady(url: string, managed: ManagedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (managed.child.exitCode !== null) throw new Error(`${managed.label} exited with code ${managed.child.exitCode}`)
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) })
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await sleep(200)
  }
  throw new Error(`${managed.label} was not ready at ${url} within ${timeoutMs / 1000} s`)
}

/** SIGTERM, then SIGKILL if the process has not drained within the deadline. */
export async function stopProcess(
  managed: { child: ChildProcess; exited: Promise<number | null> },
  timeoutMs: number,
): Promise<number | null> {
  if (managed.child.exitCode !== null || managed.child.signalCode !== null) return managed.child.exitCode
  managed.child.kill('SIGTERM')
  const timer = setTimeout(() => managed.child.kill('SIGKILL'), timeoutMs)
  try {
    return await managed.exited
  } finally {
    clearTimeout(timer)
  }
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}
