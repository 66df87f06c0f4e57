import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Mailer } from '@fatturapa-hub/shared'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { type MessageSigner, type OutboundPort, SdiEngine } from '../engine/index.js'
import { adminRoutes } from './admin-routes.js'
import { HttpOutboundPort } from './outbound.js'
import { soapRoutes } from './soap-routes.js'

export interface SimulatorOptions {
  seed?: string | number
  /** Virtual start time (default 2025-06-02T08:00:00Z). */
  start?: Date | string | number
  /** MTOM/XOP multipart answers, as production SDI. Default false. */
  mtom?: boolean
  /** Virtual time follows wall-clock time (checked every `tickMs`); admin advances still jump ahead. Default false. */
  realtime?: boolean
  tickMs?: number
  /** Sends PEC messages (0000000 + PECDestinatario). */
  mailer?: Mailer
  /** Signs the SDI messages (XAdES); unsigned without it. */
  signer?: MessageSigner
  /** Replaces the HTTP/SMTP adapters (tests). */
  port?: OutboundPort
  /** Deadline of the calls to the platform. Default 30 s. */
  outboundTimeoutMs?: number
  simulation?: boolean
  logger?: FastifyBaseLogger | boolean
  bodyLimit?: number
}

export type SimulatorApp = FastifyInstance & { sdi: SdiEngine }

declare module 'fastify' {
  interface FastifyInstance {
    sdi: SdiEngine
  }
}

/** The SDI simulator as a Fastify app (not listening): SOAP services at the root, control API under /admin. */
export async function buildSimulator(options: SimulatorOptions = {}): Promise<SimulatorApp> {
  const logger = options.logger
  const app = Fastify({
    ...(typeof logger === 'object' ? { loggerInstance: logger } : { logger: logger ?? false }),
    // 5 MB invoice in base64 plus the envelope.
    bodyLimit: options.bodyLimit ?? 8 * 1024 * 1024,
    forceCloseConnections: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>()
  const port =
    options.port ??
    new HttpOutboundPort({
      ...(options.mailer ? { mailer: options.mailer } : {}),
      ...(options.outboundTimeoutMs ? { timeoutMs: options.outboundTimeoutMs } : {}),
    })
  const engine = new SdiEngine({
    port,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.start === undefined ? {} : { start: options.start }),
    ...(options.signer ? { signer: options.signer } : {}),
    ...(options.simulation === undefined ? {} : { simulation: options.simulation }),
    onError: (error, label) => app.log.error({ err: error, task: label }, 'scheduled task failed'),
  })
  app.decorate('sdi', engine)
  await app.register(soapRoutes, { engine, mtom: options.mtom ?? false })
  await app.register(adminRoutes, { engine, prefix: '/admin' })
  if (options.realtime) {
    let last = Date.now()
    const timer = setInterval(() => {
      const now = Date.now()
      const elapsed = now - last
      last = now
      void engine.clock.advance(elapsed)
    }, options.tickMs ?? 1000)
    timer.unref()
    app.addHook('onClose', async () => clearInterval(timer))
  }
  app.addHook('onClose', async () => {
    options.mailer?.close()
  })
  return app as unknown as SimulatorApp
}
