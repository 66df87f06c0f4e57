import type { FeatureModule } from '../module.js'
import { settingsRoutes } from '../settings/routes.js'
import { Migration20261218200000Signing } from './Migration20261218200000Signing.js'
import { signingRoutes } from './routes.js'
import { ClientSigningPreferencesEntity, SigningCredentialEntity } from './signing.entity.js'

/**
 * Server-side signing (the clients' and the intermediary's PKCS#12, sealed), externally signed uploads, invoice
 * deletion, and the studio's Parametri Generali Fattura Elettronica Attiva. The `invoice.sign` handler and the
 * signing sweeper run in the transmission worker (see sign-invoice.ts), which owns the fe-active.transmission queue.
 */
export const signingModule: FeatureModule = {
  name: 'signing',
  entities: [SigningCredentialEntity, ClientSigningPreferencesEntity],
  migrations: [{ name: 'Migration20261218200000Signing', class: Migration20261218200000Signing }],
  routes: async (app, options) => {
    await app.register(signingRoutes, options)
    await app.register(settingsRoutes)
  },
}
