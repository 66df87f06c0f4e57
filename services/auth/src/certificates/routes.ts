import type { FastifyPluginAsync } from 'fastify'

export const certificatesRoutes: FastifyPluginAsync = async () => {}
