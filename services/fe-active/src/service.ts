import { SdiInboundMessageEntity, sdiInboundMode, trasmissioneFattureEndpoint } from '@fatturapa-hub/sdi-channel'
import { Queues, type ServiceDefinition, startWorker } from '@fatturapa-hub/shared'
import { applyClientChanged } from './clients/apply-client-changed.js'
import { ClientReplicaEntity } from './clients/client-replica.entity.js'
import { type Config, ConfigSchema } from './config.js'
import { InvoiceEntity, InvoiceEventEntity, InvoiceIdentityEntity } from './invoices/invoice.entity.js'
import { invoicesRoutes } from './invoices/routes.js'
import { Migration20261123000000Init } from './migrations/Migration20261123000000Init.js'
import { Migration20261201120000SdiInbox } from './migrations/Migration20261201120000SdiInbox.js'
import { Migration20261215000000ClientReplica } from './migrations/Migration20261215000000ClientReplica.js'
import { Migration20261216000000Invoices } from './migrations/Migration20261216000000Invoices.js'

export const service: ServiceDefinition<Config> = {
  name: 'fe-active',
  description: 'Outgoing invoices: validation, signature, transmission to SDI and every SDI notification.',
  version: '0.1.0',
  tags: [
    { name: 'invoices', description: 'Outgoing invoices submitted by the ERP: checks, storage, state and history' },
    { name: 'sdi', description: 'SDICoop TrasmissioneFatture endpoint, called by SDI with its notifications (mutual TLS)' },
  ],
  configSchema: ConfigSchema,
  entities: [SdiInboundMessageEntity, ClientReplicaEntity, InvoiceEntity, InvoiceIdentityEntity, InvoiceEventEntity],
  migrations: [
    { name: 'Migration20261123000000Init', class: Migration20261123000000Init },
    { name: 'Migration20261201120000SdiInbox', class: Migration20261201120000SdiInbox },
    { name: 'Migration20261215000000ClientReplica', class: Migration20261215000000ClientReplica },
    { name: 'Migration20261216000000Invoices', class: Migration20261216000000Invoices },
  ],
  routes: async (app, { config }) => {
    await app.register(invoicesRoutes)
    // Production: only over the mutual-TLS listener; SDI_INBOUND_PLAIN_HTTP: on this port; otherwise absent.
    const inbound = sdiInboundMode(config)
    if (inbound.kind !== 'off') {
      await app.register(trasmissioneFattureEndpoint, {
        transport: inbound.kind === 'tls' ? 'tls' : 'any',
        operationId: 'fe-active.sdiTrasmissioneFatture',
      })
    }
  },
  // The replica of auth's clients (client_replica), so fe-active never asks auth synchronously.
  workers: ({ config, orm, logger }) => [
    startWorker({
      queue: Queues.Clients,
      handlers: { 'client.changed': applyClientChanged },
      redisUrl: config.REDIS_URL,
      prefix: config.REDIS_PREFIX,
      orm,
      logger,
    }),
  ],
}
