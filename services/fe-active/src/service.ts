import { SdiInboundMessageEntity, sdiInboundMode, trasmissioneFattureEndpoint } from '@fatturapa-hub/sdi-channel'
import { Queues, type ServiceDefinition, startWorker } from '@fatturapa-hub/shared'
import { applyClientChanged } from './clients/apply-client-changed.js'
import { ClientReplicaEntity } from './clients/client-replica.entity.js'
import { type Config, ConfigSchema } from './config.js'
import { importsModule } from './imports/module.js'
import { InvoiceEntity, InvoiceEventEntity, InvoiceIdentityEntity } from './invoices/invoice.entity.js'
import { invoicesRoutes } from './invoices/routes.js'
import { Migration20261123000000Init } from './migrations/Migration20261123000000Init.js'
import { Migration20261201120000SdiInbox } from './migrations/Migration20261201120000SdiInbox.js'
import { Migration20261215000000ClientReplica } from './migrations/Migration20261215000000ClientReplica.js'
import { Migration20261216000000Invoices } from './migrations/Migration20261216000000Invoices.js'
import { Migration20261217000000Transmission } from './migrations/Migration20261217000000Transmission.js'
import type { FeatureModule } from './module.js'
import { panelModule } from './panel/module.js'
import { StudioSettingsEntity } from './settings/studio-settings.entity.js'
import { signingModule } from './signing/module.js'
import { createSignInvoiceJob, startSigningSweeper } from './signing/sign-invoice.js'
import { transmissionWorkers } from './transmission/module.js'
import { progressivoRoutes } from './transmission/progressivo-routes.js'
import { transmissionRoutes } from './transmission/routes.js'
import { SdiMessageApplicationEntity, SdiTransmissionEntity, TransmitterProgressivoEntity } from './transmission/transmission.entity.js'
import { webhooksModule } from './webhooks/module.js'

const features: readonly FeatureModule[] = [signingModule, panelModule, webhooksModule, importsModule]

export const service: ServiceDefinition<Config> = {
  name: 'fe-active',
  description: 'Outgoing invoices: validation, signature, transmission to SDI and every SDI notification.',
  version: '0.1.0',
  tags: [
    { name: 'invoices', description: 'Outgoing invoices submitted by the ERP: checks, storage, state and history' },
    { name: 'panel', description: 'Pannello Fattura Elettronica Attiva: the operators’ search and the invoice renderings' },
    { name: 'signing', description: 'Signing certificates (PKCS#12) of the clients and of the intermediary, and signed files' },
    { name: 'settings', description: 'Parametri Generali Fattura Elettronica Attiva of the studio' },
    { name: 'webhooks', description: 'Webhook subscriptions of the ERPs, their deliveries, and the changes feed' },
    { name: 'sdi', description: 'SDICoop TrasmissioneFatture endpoint, called by SDI with its notifications (mutual TLS)' },
  ],
  configSchema: ConfigSchema,
  entities: [
    SdiInboundMessageEntity,
    ClientReplicaEntity,
    InvoiceEntity,
    InvoiceIdentityEntity,
    InvoiceEventEntity,
    SdiTransmissionEntity,
    TransmitterProgressivoEntity,
    SdiMessageApplicationEntity,
    StudioSettingsEntity,
    ...features.flatMap((feature) => feature.entities),
  ],
  migrations: [
    { name: 'Migration20261123000000Init', class: Migration20261123000000Init },
    { name: 'Migration20261201120000SdiInbox', class: Migration20261201120000SdiInbox },
    { name: 'Migration20261215000000ClientReplica', class: Migration20261215000000ClientReplica },
    { name: 'Migration20261216000000Invoices', class: Migration20261216000000Invoices },
    { name: 'Migration20261217000000Transmission', class: Migration20261217000000Transmission },
    ...features.flatMap((feature) => feature.migrations),
  ].sort((a, b) => a.name.localeCompare(b.name)),
  routes: async (app, { config }) => {
    await app.register(invoicesRoutes)
    await app.register(transmissionRoutes)
    await app.register(progressivoRoutes)
    for (const feature of features) if (feature.routes) await app.register(feature.routes, { config })
    // Production: only over the mutual-TLS listener; SDI_INBOUND_PLAIN_HTTP: on this port; otherwise absent.
    const inbound = sdiInboundMode(config)
    if (inbound.kind !== 'off') {
      await app.register(trasmissioneFattureEndpoint, {
        transport: inbound.kind === 'tls' ? 'tls' : 'any',
        operationId: 'fe-active.sdiTrasmissioneFatture',
        // Fast path only: the transmission sweeper queues any stored message that has not been applied.
        onStored: (stored, request) =>
          app.jobs.enqueue('sdi.message.apply', { v: 1, messageId: stored.message.id, requestId: String(request.id) }).then(
            () => undefined,
            (error: unknown) => request.log.warn({ err: error }, 'SDI message not queued now; the sweeper will queue it'),
          ),
      })
    }
  },
  workers: (context) => [
    // The replica of auth's clients (client_replica), so fe-active never asks auth synchronously.
    startWorker({
      queue: Queues.Clients,
      handlers: { 'client.changed': applyClientChanged },
      redisUrl: context.config.REDIS_URL,
      prefix: context.config.REDIS_PREFIX,
      orm: context.orm,
      logger: context.logger,
    }),
    ...transmissionWorkers(context, createSignInvoiceJob({ producer: context.producer, secret: context.config.SIGNING_SECRET })),
    startSigningSweeper(context),
    ...features.flatMap((feature) => feature.workers?.(context) ?? []),
  ],
}
