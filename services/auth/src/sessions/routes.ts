import type { FastifyPluginAsync } from 'fastify'

export const sessionsRoutes: FastifyPluginAsync = async () => {}
