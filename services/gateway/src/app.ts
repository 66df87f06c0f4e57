import httpProxy from '@fastify/http-proxy'
import rateLimit from '@fastify/rate-limit'
import type {} from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { type App, AppError, createApp, ErrorCodes, problem, requestIdHeader, sendProblem, withTimeout } from '@fatturapa-hub/shared'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { type Config, upstreams } from './config.js'
import { mergedDocument } from './openapi/documents.js'

export interface BuildGatewayOptions {
  config: Config
  logger: Logger
  /** Shared by the rate limiter and readiness; owned by the caller. */
  redis: Redis
}

declare module 'fastify' {
  interface FastifyRequest {
    openApiDocument?: Record<string, unknown>
  }
}

const upstreamCheckTimeoutMs = 1500

export async function buildGateway({ config, logger, redis }: BuildGatewayOptions): Promise<App> {
  const services = upstreams(config)
  const app = await createApp({
    name: 'gateway',
    description:
      'fatturapa-hub: one API for the whole Italian e-invoicing cycle. Every service is reachable under /api/<service>/; errors are RFC 9457 problem details with a stable `code`.',
    logger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    tags: [{ name: 'gateway', description: 'Entry point, health and API documentation' }],
    exposeOpenApi: false,
    healthTags: ['gateway'],
  })

  // Bodies are forwarded byte for byte. Buffering them here lets Fastify enforce the body limit
  // (413 problem) before anything reaches a service, whatever the content type.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))

  app.readinessChecks.set('redis', async () => {
    await redis.ping()
  })
  for (const service of services) {
    app.readinessChecks.set(`service:${service.name}`, async () => {
      const response = await withTimeout(fetch(`${service.url}/readyz`), upstreamCheckTimeoutMs, service.name)
      if (!response.ok) throw new Error(`${service.name} is not ready (HTTP ${response.status})`)
    })
  }

  await app.register(rateLimit, {
    global: true,
    max: config.RATE_LIMIT_MAX,
    timeWindow: config.RATE_LIMIT_WINDOW_MS,
    redis,
    nameSpace: `${config.REDIS_PREFIX}-ratelimit-`,
    // A Redis outage must not take the API down with it; the limiter logs and lets requests through.
    skipOnError: true,
    allowList: (request) => request.url === '/healthz' || request.url === '/readyz',
    errorResponseBuilder: (_request, context) =>
      new AppError(
        ErrorCodes.RateLimited,
        context.statusCode,
        `Rate limit of ${context.max} requests exceeded; retry in ${context.after}.`,
      ),
  })

  for (const service of services) {
    await app.register(httpProxy, {
      upstream: service.url,
      prefix: `/api/${service.name}`,
      rewritePrefix: '',
      proxyPayloads: false,
      undici: { connections: 128, pipelining: 1, headersTimeout: config.UPSTREAM_TIMEOUT_MS, bodyTimeout: config.UPSTREAM_TIMEOUT_MS },
      replyOptions: {
        // Transport failures (refused, reset, timed out) become 502/504 problems naming the service.
        onError: (reply, { error }) => {
          const status = (error as { statusCode?: number }).statusCode === 504 ? 504 : 502
          reply.log.warn({ err: error, upstream: service.name }, 'upstream request failed')
          void sendProblem(
            reply,
            problem(status, ErrorCodes.UpstreamUnavailable, `The ${service.name} service did not answer; retry later.`, {
              instance: reply.request.url,
              requestId: reply.request.id,
            }),
          )
        },
        rewriteRequestHeaders: (request, headers) => ({
          ...headers,
          [requestIdHeader]: request.id,
          'x-forwarded-for': request.ip,
          'x-forwarded-proto': request.protocol,
        }),
      },
    })
  }

  const loadDocument = () => mergedDocument(app, services, upstreamCheckTimeoutMs)
  app.get('/openapi.json', { schema: { hide: true } }, loadDocument)

  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiHooks: {
      onRequest: (request, _reply, done) => {
        if (!/\/docs\/(json|yaml)$/.test(request.url)) return done()
        loadDocument().then((document) => {
          request.openApiDocument = document
          done()
        }, done)
      },
    },
    transformSpecification: (document, request) => request.openApiDocument ?? document,
    transformSpecificationClone: false,
  })
  return app
}
