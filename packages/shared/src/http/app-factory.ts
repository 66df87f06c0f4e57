import swagger from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify'
import type { Logger } from 'pino'
import { installErrorHandling } from './error-handler.js'
import { healthRoutes } from './health.js'
import { requestIdFrom, requestIdHeader } from './request-id.js'

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

export type ReadinessCheck = () => Promise<void>

declare module 'fastify' {
  interface FastifyInstance {
    /** Dependencies `/readyz` probes; infrastructure plugins add theirs when they register. */
    readinessChecks: Map<string, ReadinessCheck>
  }
}

export interface CreateAppOptions {
  /** Service name, e.g. `fe-active`; becomes the OpenAPI title and the log `service` field. */
  name: string
  description: string
  version?: string
  logger: Logger
  /** Largest accepted request body. Invoice files may be 5 MB; base64 in JSON adds a third. */
  bodyLimit?: number
  /** Tags documented in OpenAPI, in display order. */
  tags?: Array<{ name: string; description: string }>
  /** Serve this app's own document at /openapi.json (the gateway serves a merged one instead). */
  exposeOpenApi?: boolean
  /** Tags under which /healthz and /readyz are documented; hidden when absent. */
  healthTags?: string[]
  /** Proxies whose X-Forwarded-For names the client (Fastify `trustProxy`); none when absent. */
  trustProxy?: string
}

export const defaultBodyLimit = 7 * 1024 * 1024

export async function createApp(options: CreateAppOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // One compact line per request comes from the onResponse hook below instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestIdFrom,
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
    bodyLimit: options.bodyLimit ?? defaultBodyLimit,
    // Keep-alive sockets must not hold a SIGTERM drain open; in-flight requests still finish.
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.decorate('readinessChecks', new Map<string, ReadinessCheck>())

  app.addHook('onRequest', async (request, reply) => {
    reply.header(requestIdHeader, request.id)
  })
  app.addHook('onResponse', async (request, reply) => {
    const level = request.url === '/healthz' || request.url === '/readyz' ? 'debug' : 'info'
    request.log[level](
      { method: request.method, url: request.url, statusCode: reply.statusCode, responseTimeMs: Math.round(reply.elapsedTime) },
      'request completed',
    )
  })

  // Responses finished during a drain close their keep-alive connection, so a client's idle socket
  // cannot hold the shutdown open until the deadline.
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close')
  })

  installErrorHandling(app)

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.name, description: options.description, version: options.version ?? '0.1.0' },
      tags: options.tags ?? [],
    },
    hideUntagged: true,
  })
  if (options.exposeOpenApi !== false)
    app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger())

  await app.register(healthRoutes, { service: options.name, ...(options.healthTags ? { tags: options.healthTags } : {}) })
  return app
}
