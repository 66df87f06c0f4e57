import { Queues, type ServiceDefinition, startWorker } from '@fatturapa-hub/shared'
import { AuditEventEntity } from './audit/audit-event.entity.js'
import { recordAuditEvent } from './audit/audit-record.job.js'
import { ClientCertificateEntity } from './certificates/client-certificate.entity.js'
import { ClientEntity } from './clients/client.entity.js'
import { type Config, ConfigSchema } from './config.js'
import { ContractEntity } from './contracts/contract.entity.js'
import { ContractAcceptanceEntity } from './contracts/contract-acceptance.entity.js'
import { Migration20261123000000Init } from './migrations/Migration20261123000000Init.js'
import { Migration20261123000100AuditEvent } from './migrations/Migration20261123000100AuditEvent.js'
import { Migration20261201000000Accounts } from './migrations/Migration20261201000000Accounts.js'
import { Migration20261201000100AuditStudioSeqIndex } from './migrations/Migration20261201000100AuditStudioSeqIndex.js'
import { Migration20261215000000Outbox } from './migrations/Migration20261215000000Outbox.js'
import { startStudioNotificationWorker } from './notifications/studio-notification.job.js'
import { OutboxEventEntity } from './outbox/outbox-event.entity.js'
import { startOutboxRelay } from './outbox/relay.js'
import { authRoutes } from './routes/index.js'
import { PlatformSecretEntity } from './secrets/platform-secret.entity.js'
import { StudioEntity } from './studios/studio.entity.js'
import { RefreshTokenEntity } from './tokens/refresh-token.entity.js'
import { UserEntity } from './users/user.entity.js'

export const service: ServiceDefinition<Config> = {
  name: 'auth',
  description: 'Studios, users and roles, password policy, contracts, client certificates and the audit log.',
  version: '0.1.0',
  tags: [
    { name: 'sessions', description: 'Sign-in, tokens, password change and the public keys of access tokens' },
    { name: 'studios', description: 'Activation of studios' },
    { name: 'users', description: 'Administrators, operators and APIREST integration users; user classes and reactivation' },
    { name: 'clients', description: 'Clients of the studio (soggetti) and their e-invoicing activation' },
    { name: 'contracts', description: 'Contract documents and their point-and-click acceptance' },
    { name: 'certificates', description: 'The platform CA and client certificates of APIREST users' },
    { name: 'audit', description: 'The append-only, hash-chained log of every operation' },
  ],
  configSchema: ConfigSchema,
  // auth signs the tokens and verifies them with its own key ring (routes/index.ts).
  tokenVerification: 'own',
  entities: [
    AuditEventEntity,
    StudioEntity,
    ClientEntity,
    UserEntity,
    ContractEntity,
    ContractAcceptanceEntity,
    ClientCertificateEntity,
    RefreshTokenEntity,
    PlatformSecretEntity,
    OutboxEventEntity,
  ],
  migrations: [
    { name: 'Migration20261123000000Init', class: Migration20261123000000Init },
    { name: 'Migration20261123000100AuditEvent', class: Migration20261123000100AuditEvent },
    { name: 'Migration20261201000000Accounts', class: Migration20261201000000Accounts },
    { name: 'Migration20261201000100AuditStudioSeqIndex', class: Migration20261201000100AuditStudioSeqIndex },
    { name: 'Migration20261215000000Outbox', class: Migration20261215000000Outbox },
  ],
  routes: authRoutes,
  workers: ({ config, orm, logger, producer, mailer }) => [
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
    // Publishes the outbox (client.changed on platform.clients, and client backfills) at start and every second.
    startOutboxRelay({ orm, producer, logger }).asRunningWorker(),
    // E-mails to the users of a class of a studio (fe-active's notification class on rejected invoices…).
    startStudioNotificationWorker({ config, orm, logger, producer, mailer }),
  ],
}
