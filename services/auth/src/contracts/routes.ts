import type { FastifyPluginAsync } from 'fastify'

export const contractsRoutes: FastifyPluginAsync = async () => {}
