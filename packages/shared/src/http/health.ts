import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { withTimeout } from '../timeout.js'

export const HealthSchema = Type.Object({ status: Type.Literal('ok'), service: Type.String() })

export const ReadinessSchema = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  service: Type.String(),
  checks: Type.Record(Type.String(), Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) })),
})

const checkTimeoutMs = 2000

export const healthRoutes: FastifyPluginAsyncTypebox<{ service: string; tags?: string[] }> = async (app, { service, tags }) => {
  // Undocumented (hidden) unless tags are given: the gateway documents its own probes, services do not.
  const docs = (summary: string) => (tags ? { tags, summary } : {})
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })

  app.get(
    '/healthz',
    { config: { public: true }, schema: { ...docs('Liveness: the process is up'), response: { 200: HealthSchema } } },
    async () => ({
      status: 'ok' as const,
      service,
    }),
  )

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: { ...docs('Readiness: every dependency answers'), response: { 200: ReadinessSchema, 503: ReadinessSchema } },
    },
    async (_request, reply) => {
      const checks: Record<string, { ok: boolean; error?: string }> = {}
      await Promise.all(
        [...app.readinessChecks].map(async ([name, check]) => {
          try {
            await withTimeout(check(), checkTimeoutMs, name)
            checks[name] = { ok: true }
          } catch (error) {
            checks[name] = { ok: false, error: (error as Error).message }
          }
        }),
      )
      if (closing) checks.shutdown = { ok: false, error: 'shutting down' }
      const ready = Object.values(checks).every((check) => check.ok)
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', service, checks })
    },
  )
}
