import type { ServiceDefinition } from '@fatturapa-hub/shared'
import { type Config, ConfigSchema } from './config.js'
import { Migration20261123000000Init } from './migrations/Migration20261123000000Init.js'

export const service: ServiceDefinition<Config> = {
  name: 'liquidazioni',
  description: 'Periodic VAT liquidation communication (LIPE, quadro VP): computation, checks and the official file.',
  version: '0.1.0',
  tags: [],
  configSchema: ConfigSchema,
  entities: [],
  migrations: [{ name: 'Migration20261123000000Init', class: Migration20261123000000Init }],
  routes: async () => {},
}
