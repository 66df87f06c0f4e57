import { authPlugin } from '@fatturapa-hub/shared'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { auditRoutes } from '../audit/routes.js'
import { certificatesRoutes } from '../certificates/routes.js'
import { clientsRoutes } from '../clients/routes.js'
import type { Config } from '../config.js'
import { contractsRoutes } from '../contracts/routes.js'
import { openAuthRuntime } from '../runtime.js'
import { sessionsRoutes } from '../sessions/routes.js'
import { provisioningRoutes } from '../studios/routes.js'
import { usersRoutes } from '../users/routes.js'
import { jwksRoutes } from './jwks.js'

const routes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const runtime = await openAuthRuntime(app.orm.em, config, app.mailer)
  app.decorate('authRuntime', runtime)
  await app.register(authPlugin, { verifier: runtime.verifier })
  await app.register(jwksRoutes)
  await app.register(provisioningRoutes)
  await app.register(sessionsRoutes)
  await app.register(usersRoutes)
  await app.register(clientsRoutes)
  await app.register(contractsRoutes)
  await app.register(certificatesRoutes)
  await app.register(auditRoutes)
}

/**
 * Every route of the auth service, behind the same token verification the other services use. Not encapsulated,
 * so `authRuntime` is visible on the root instance (tests and hooks read it).
 */
export const authRoutes = fp(routes, { name: 'auth-routes' })
