import { ricezioneFattureEndpoint, SdiInboundMessageEntity, sdiInboundMode } from '@fatturapa-hub/sdi-channel'
import type { ServiceDefinition } from '@fatturapa-hub/shared'
import { type Config, ConfigSchema } from './config.js'
import { Migration20261123000000Init } from './migrations/Migration20261123000000Init.js'
import { Migration20261201120000SdiInbox } from './migrations/Migration20261201120000SdiInbox.js'

export const service: ServiceDefinition<Config> = {
  name: 'fe-passive',
  description: 'Incoming supplier invoices from SDI and PEC: review, approval and forwarding to the ERP.',
  version: '0.1.0',
  tags: [{ name: 'sdi', description: 'SDICoop RicezioneFatture endpoint, called by SDI with invoices and DT notifications (mutual TLS)' }],
  configSchema: ConfigSchema,
  entities: [SdiInboundMessageEntity],
  migrations: [
    { name: 'Migration20261123000000Init', class: Migration20261123000000Init },
    { name: 'Migration20261201120000SdiInbox', class: Migration20261201120000SdiInbox },
  ],
  routes: async (app, { config }) => {
    // Production: only over the mutual-TLS listener; SDI_INBOUND_PLAIN_HTTP: on this port; otherwise absent.
    const inbound = sdiInboundMode(config)
    if (inbound.kind !== 'off') {
      await app.register(ricezioneFattureEndpoint, {
        transport: inbound.kind === 'tls' ? 'tls' : 'any',
        operationId: 'fe-passive.sdiRicezioneFatture',
      })
    }
  },
}
