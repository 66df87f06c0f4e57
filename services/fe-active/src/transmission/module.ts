import { SdiClient } from '@fatturapa-hub/sdi-channel'
import { type JobHandler, Queues, type RunningWorker, startPeriodicTask, startWorker, type WorkerContext } from '@fatturapa-hub/shared'
import type { Config } from '../config.js'
import { applySdiMessage } from './apply-sdi-message.js'
import { RecentlyQueued, sweepTransmissions } from './sweeper.js'
import { InvoiceTransmitter } from './transmit.js'

export function transmitterFor(context: Pick<WorkerContext<Config>, 'config' | 'orm' | 'logger'>): InvoiceTransmitter {
  let client: Promise<SdiClient> | undefined
  const { config } = context
  return new InvoiceTransmitter(
    context.orm,
    () => {
      client ??= SdiClient.fromConfig(config)
      return client
    },
    {
      retryBaseMs: config.TRANSMISSION_RETRY_BASE_MS,
      maxAttempts: config.TRANSMISSION_MAX_ATTEMPTS,
      reconcileWaitMs: config.TRANSMISSION_RECONCILE_WAIT_MS,
    },
    context.logger.child({ component: 'transmission' }),
  )
}

/**
 * The worker loops of the transmission: the queue of signing and transmission jobs (no surrounding transaction:
 * a transmission commits before and after its call to SDI), the queue of stored SDI messages (one transaction per
 * message), and the sweeper that recovers what a crash or an outage left behind.
 */
export function transmissionWorkers(context: WorkerContext<Config>, signInvoice: JobHandler<'invoice.sign'>): RunningWorker[] {
  const { config, orm, logger, producer } = context
  const transmitter = transmitterFor(context)
  const recentlyQueued = new RecentlyQueued(60_000)
  const common = { redisUrl: config.REDIS_URL, prefix: config.REDIS_PREFIX, orm, logger }
  return [
    startWorker({
      ...common,
      queue: Queues.FeActiveTransmission,
      transactional: false,
      concurrency: config.TRANSMISSION_CONCURRENCY,
      handlers: {
        // The signing handler commits its own transaction before queueing the transmission.
        'invoice.sign': signInvoice,
        'invoice.transmit': async (data, { log }) => {
          const outcome = await transmitter.transmit(data.invoiceId, data.attempt)
          log.info({ invoiceId: data.invoiceId, attempt: data.attempt, outcome }, 'transmission')
        },
      },
    }),
    startWorker({
      ...common,
      queue: Queues.FeActiveSdiMessages,
      // The message's sdi_message_application row (primary key: the message) is the job's own record of being done,
      // written in the handler's transaction: a processed_job row would repeat it at two more queries a message.
      transactional: false,
      concurrency: 8,
      handlers: {
        'sdi.message.apply': async (data, job) => {
          const decision = await job.em.transactional((em) => applySdiMessage(data.messageId, { ...job, em }))
          job.log.info({ messageId: data.messageId, decision }, 'SDI message applied')
        },
      },
    }),
    startPeriodicTask({
      name: 'transmission-sweeper',
      intervalMs: config.TRANSMISSION_SWEEP_INTERVAL_MS,
      logger,
      run: () =>
        sweepTransmissions({
          orm,
          producer,
          transmitter,
          logger,
          unansweredAfterMs: 2 * config.SDI_TIMEOUT_MS + 5000,
          messageGraceMs: 10_000,
          transmissionGraceMs: 10_000,
          recentlyQueued,
        }),
    }),
  ]
}
