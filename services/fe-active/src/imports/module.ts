import type { FeatureModule } from '../module.js'
import { Migration20261219000000Imports } from './Migration20261219000000Imports.js'
import { importsRoutes } from './routes.js'

/**
 * Import of invoices transmitted to SDI elsewhere (another intermediary, the AdE portal), with their SDI
 * notifications, for preservation: stored as transmitted (origin 'import', never sent again), their later SDI
 * messages applied by the TrasmissioneFatture applier through their IdentificativoSdI.
 */
export const importsModule: FeatureModule = {
  name: 'imports',
  entities: [],
  migrations: [{ name: 'Migration20261219000000Imports', class: Migration20261219000000Imports }],
  routes: importsRoutes,
}
