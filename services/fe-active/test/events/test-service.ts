// fe-active reduced to the invoice tables and the webhooks feature, so these tests do not depend on the other
// features' routes being built in parallel (signing, panel, transmission). Every migration of the service (each
// Migration*.ts under src/) runs, so the tables are the real ones.
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MigrationEntry, ServiceDefinition } from '@fatturapa-hub/shared'
import { ClientReplicaEntity } from '../../src/clients/client-replica.entity.js'
import { type Config, ConfigSchema } from '../../src/config.js'
import { InvoiceEntity, InvoiceEventEntity, InvoiceIdentityEntity } from '../../src/invoices/invoice.entity.js'
import { StudioSettingsEntity } from '../../src/settings/studio-settings.entity.js'
import { webhooksModule } from '../../src/webhooks/module.js'

const src = join(dirname(fileURLToPath(import.meta.url)), '../../src')
const migrationFiles = (readdirSync(src, { recursive: true }) as string[]).filter((file) => /(^|\/)Migration\d+\w*\.ts$/.test(file))
const migrations: MigrationEntry[] = await Promise.all(
  migrationFiles.map(async (file) => {
    const name = file.replace(/^.*\//, '').replace(/\.ts$/, '')
    const module = (await import(join(src, file))) as Record<string, MigrationEntry['class']>
    const migration = module[name]
    if (migration === undefined) throw new Error(`${file} does not export ${name}`)
    return { name, class: migration }
  }),
)

export const webhooksTestService: ServiceDefinition<Config> = {
  name: 'fe-active',
  description: 'fe-active (webhooks feature under test)',
  version: '0.1.0',
  tags: [{ name: 'webhooks', description: 'Webhook subscriptions of the ERPs, their deliveries, and the changes feed' }],
  configSchema: ConfigSchema,
  entities: [
    ClientReplicaEntity,
    InvoiceEntity,
    InvoiceIdentityEntity,
    InvoiceEventEntity,
    StudioSettingsEntity,
    ...webhooksModule.entities,
  ],
  migrations: migrations.sort((a, b) => a.name.localeCompare(b.name)),
  routes: async (app, { config }) => {
    if (webhooksModule.routes) await app.register(webhooksModule.routes, { config })
  },
}
