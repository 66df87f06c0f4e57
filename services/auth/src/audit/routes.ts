import type { FastifyPluginAsync } from 'fastify'

export const auditRoutes: FastifyPluginAsync = async () => {}
