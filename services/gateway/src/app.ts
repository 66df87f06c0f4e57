import { readFile } from 'node:fs/promises'
import { createServer as createHttpsServer, type Server as HttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import httpProxy from '@fastify/http-proxy'
import rateLimit from '@fastify/rate-limit'
import type {} from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import {
  type App,
  AppError,
  createApp,
  createTokenVerifier,
  ErrorCodes,
  problem,
  requestIdHeader,
  sendProblem,
  withTimeout,
} from '@fatturapa-hub/shared'
import type { FastifyRequest } from 'fastify'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { ClientCaSource } from './client-ca.js'
import { assertGatewayConfig, type Config, serviceUrlVariable, upstreams } from './config.js'
import { mutualTlsCheck, withForwardedCertificate } from './mtls.js'
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
  interface FastifyInstance {
    /**
     * The HTTPS server when GATEWAY_TLS_CERT_FILE / GATEWAY_TLS_KEY_FILE are set (Fastify's own `server` then stays
     * unused); `listenGateway` listens on the right one.
     */
    gatewayTlsServer: HttpsServer | undefined
    /**
     * Mutual-TLS mode: fetches the client CA and the revoked serials from the auth service now, instead of waiting
     * for the next CLIENT_CA_REFRESH_SECONDS tick. True when the copy was replaced; false (and logged) otherwise.
     * Always false when MTLS_MODE is off.
     */
    refreshClientCa(): Promise<boolean>
  }
}

const upstreamCheckTimeoutMs = 1500

export async function buildGateway({ config, logger, redis }: BuildGatewayOptions): Promise<App> {
  assertGatewayConfig(config)
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
  // (413 problem) before anything reaches a service, whatever the content type. They are handed to the proxy as a
  // stream: given a Buffer with a JSON content type, @fastify/reply-from would JSON.stringify the Buffer object.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, Readable.from([body])))

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

  const { forwarded: forwardedCertificates, check } = await installTls(app, config, logger)

  for (const service of services) {
    await app.register(httpProxy, {
      upstream: service.url,
      prefix: `/api/${service.name}`,
      rewritePrefix: '',
      proxyPayloads: false,
      // The mutual-TLS check belongs to the proxied routes themselves, not to a test on the URL: the router decodes
      // (`/%61pi/...` is `/api/...`), so only the matched route tells reliably which requests go upstream.
      ...(check === undefined ? {} : { preHandler: check }),
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
          ...withForwardedCertificate(headers, forwardedCertificates.get(request.raw)),
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

interface GatewayTls {
  /** Where the mutual-TLS check leaves each request's verified peer certificate for the proxy (empty when MTLS_MODE is off). */
  forwarded: WeakMap<object, string>
  /** The mutual-TLS check, for the preHandler of every proxied route; undefined when MTLS_MODE is off. */
  check: ((request: FastifyRequest) => Promise<void>) | undefined
}

/** HTTPS and mutual TLS, as configured. */
async function installTls(app: App, config: Config, logger: Logger): Promise<GatewayTls> {
  const forwarded = new WeakMap<object, string>()
  const certFile = config.GATEWAY_TLS_CERT_FILE
  const keyFile = config.GATEWAY_TLS_KEY_FILE
  let tlsServer: HttpsServer | undefined
  let identity: { cert: string; key: string } | undefined
  if (certFile !== undefined && keyFile !== undefined) {
    const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')])
    identity = { cert, key }
    const mutual = config.MTLS_MODE === 'integration'
    const options: HttpsServerOptions = {
      cert,
      key,
      // Asked, not required: portal users without a certificate still connect; the check below decides per request.
      ...(mutual ? { requestCert: true, rejectUnauthorized: false } : {}),
    }
    // Requests reach the same Fastify instance (hooks, routes, error handling) as over its own HTTP server.
    tlsServer = createHttpsServer(options, (request, response) => app.routing(request, response))
    tlsServer.keepAliveTimeout = 72_000
    tlsServer.on('tlsClientError', (error) => logger.debug({ err: error }, 'TLS handshake failed'))
    const server = tlsServer
    let closed: Promise<void> | undefined
    app.addHook('preClose', async () => {
      // Stop accepting; idle keep-alive sockets close now, busy ones after their response (createApp sends
      // `connection: close` while closing).
      closed = server.listening ? new Promise((resolve) => server.close(() => resolve())) : Promise.resolve()
      server.closeIdleConnections()
    })
    app.addHook('onClose', async () => {
      await closed
    })
  }
  app.decorate('gatewayTlsServer', tlsServer)

  if (config.MTLS_MODE !== 'integration' || tlsServer === undefined || identity === undefined) {
    app.decorate('refreshClientCa', async () => false)
    return { forwarded, check: undefined }
  }

  const server = tlsServer
  const serverIdentity = identity
  const authUrl = (config as Record<string, unknown>)[serviceUrlVariable('auth')] as string
  const clientCa = new ClientCaSource({
    authUrl,
    logger,
    // The CA goes into the TLS context too, so the handshake names it to clients choosing a certificate.
    onCaChange: (caPem) => server.setSecureContext({ ...serverIdentity, ca: caPem }),
  })
  app.decorate('refreshClientCa', () => clientCa.refresh())
  app.readinessChecks.set('client-ca', async () => {
    if (clientCa.current() === undefined) throw new Error('the client CA has not been fetched from the auth service yet')
  })
  const check = mutualTlsCheck({
    clientCa,
    verifier: createTokenVerifier({ jwksUrl: `${authUrl.replace(/\/+$/, '')}/.well-known/jwks.json` }),
    forwarded,
  })
  app.addHook('onClose', async () => clientCa.stop())
  await clientCa.refresh()
  clientCa.start(config.CLIENT_CA_REFRESH_SECONDS)
  return { forwarded, check }
}

/** Listens on the HTTPS server when TLS is configured, otherwise on Fastify's HTTP server; returns the address. */
export async function listenGateway(app: App, { host, port }: { host: string; port: number }): Promise<AddressInfo> {
  await app.ready()
  const server = app.gatewayTlsServer
  if (server === undefined) {
    await app.listen({ host, port })
    return app.server.address() as AddressInfo
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  app.log.info({ url: `https://${address.address}:${address.port}` }, 'gateway listening (HTTPS)')
  return address
}
