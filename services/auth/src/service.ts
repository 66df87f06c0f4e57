import { Queues, type ServiceDefinition, startWorker } from '@fatturapa-hub/shared'
import { AuditEventEntity } from './audit/audit-event.entity.js'
import { recordAuditEvent } from './audit/audit-record.job.js'
import { type Config, ConfigSchema } from './config.js'
import { Migration20261123000000Init } from './migrations/Migration20261123000000Init.js'
import { Migration20261123000100AuditEvent } from './migrations/Migration20261123000100AuditEvent.js'

export const service: ServiceDefinition<Config> = {
  name: 'auth',
  description: 'Studios, users and roles, password policy, contracts, client certificates and the audit log.',
  version: '0.1.0',
  tags: [],
  configSchema: ConfigSchema,
  entities: [AuditEventEntity],
  migrations: [
    { name: 'Migration20261123000000Init', class: Migration20261123000000Init },
    { name: 'Migration20261123000100AuditEvent', class: Migration20261123000100AuditEvent },
  ],
  routes: async () => {},
  workers: ({ config, orm, logger }) => [
    // Concurrency 1: the audit log is one hash chain, appended in order.
    startWorker({
      queue: Queues.Audit,
      handlers: { 'audit.record': recordAuditEvent },
      redisUrl: config.REDIS_URL,
      prefix: config.REDIS_PREFIX,
      orm,
      logger,
      concurrency: 1,
    }),
  ],
}
