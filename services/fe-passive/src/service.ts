import type { ServiceDefinition } from '@fatturapa-hub/shared'
import { type Config, ConfigSchema } from './config.js'
import { Migration20261123000000Init } from './migrations/Migration20261123000000Init.js'

export const service: ServiceDefinition<Config> = {
  name: 'fe-passive',
  description: 'Incoming supplier invoices from SDI and PEC: review, approval and forwarding to the ERP.',
  version: '0.1.0',
  tags: [],
  configSchema: ConfigSchema,
  entities: [],
  migrations: [{ name: 'Migration20261123000000Init', class: Migration20261123000000Init }],
  routes: async () => {},
}
