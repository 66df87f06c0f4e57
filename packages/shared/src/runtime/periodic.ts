import type { Logger } from 'pino'
import type { RunningWorker } from '../queues/worker.js'

export interface PeriodicTaskOptions {
  /** Shown in logs and in the worker role's start-up line. */
  name: string
  /** Pause between the end of one run and the start of the next. */
  intervalMs: number
  /** One pass of the task; it should finish (a batch), not loop forever. */
  run: () => Promise<unknown>
  logger: Logger
  /** Longest pause after consecutive failures (the pause doubles from intervalMs). Default 30 s. */
  maxBackoffMs?: number
}

export interface PeriodicTask extends RunningWorker {
  /** Runs one pass now (waits for a pass already running first); for tests and for a nudge after a commit. */
  runOnce(): Promise<void>
}

/**
 * A loop of the worker role that never overlaps itself: sweepers that recover work a crash left behind, relays
 * that publish committed rows. A failing pass is logged and retried with a doubling pause, never thrown.
 */
export function startPeriodicTask(options: PeriodicTaskOptions): PeriodicTask {
  const log = options.logger.child({ task: options.name })
  const maxBackoffMs = options.maxBackoffMs ?? 30_000
  let failures = 0
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined

  const pass = (): Promise<void> => {
    if (running) return running.then(pass)
    running = options
      .run()
      .then(() => {
        failures = 0
      })
      .catch((error: unknown) => {
        failures++
        log.error({ err: error, failures }, 'periodic task failed')
      })
      .finally(() => {
        running = undefined
      })
    return running
  }
  const schedule = () => {
    if (stopped) return
    const pause = failures === 0 ? options.intervalMs : Math.min(options.intervalMs * 2 ** failures, maxBackoffMs)
    timer = setTimeout(() => {
      void pass().then(schedule)
    }, pause)
    timer.unref?.()
  }
  void pass().then(schedule)

  return {
    name: options.name,
    runOnce: pass,
    async close() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
