import type { FastifyPluginAsync } from 'fastify'

export const clientsRoutes: FastifyPluginAsync = async () => {}
