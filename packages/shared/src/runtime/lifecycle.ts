import type { Logger } from 'pino'

export type Stop = () => Promise<void>

/**
 * Runs a process role (HTTP server or workers) until SIGTERM/SIGINT, then stops it: in-flight requests and
 * jobs are drained by `stop`, under a hard deadline that must stay below the orchestrator's grace period.
 * Exit code 0 after a clean drain, 1 when start or stop fails or the deadline passes.
 */
export async function runUntilSignal(logger: Logger, timeoutMs: number, start: () => Promise<Stop>): Promise<void> {
  let stop: Stop
  try {
    stop = await start()
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start')
    await flush(logger)
    process.exit(1)
  }
  let stopping = false
  const shutdown = async (reason: string, code: number) => {
    if (stopping) return
    stopping = true
    logger.info({ reason }, 'shutting down')
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown deadline passed, exiting')
      void flush(logger).then(() => process.exit(1))
    }, timeoutMs)
    deadline.unref()
    try {
      await stop()
      logger.info('stopped')
      await flush(logger)
      process.exit(code)
    } catch (error) {
      logger.error({ err: error }, 'error while stopping')
      await flush(logger)
      process.exit(1)
    }
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0))
  process.on('SIGINT', () => void shutdown('SIGINT', 0))
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception')
    void shutdown('uncaughtException', 1)
  })
  process.on('unhandledRejection', (error) => {
    logger.fatal({ err: error }, 'unhandled rejection')
    void shutdown('unhandledRejection', 1)
  })
}

function flush(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()))
}
