import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { MigrationEntry, RunningWorker, ServiceDefinition, WorkerContext } from '@fatturapa-hub/shared'
import type { Config } from './config.js'

/**
 * One feature of fe-active (webhooks, the operators' panel, signing…): its tables, routes and worker loops. The
 * service definition composes them, so a feature is added in one place and owns its own folder.
 */
export interface FeatureModule {
  name: string
  entities: ServiceDefinition<Config>['entities']
  migrations: MigrationEntry[]
  routes?: FastifyPluginAsyncTypebox<{ config: Config }>
  workers?: (context: WorkerContext<Config>) => RunningWorker[]
}
