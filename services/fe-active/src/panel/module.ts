import type { FeatureModule } from '../module.js'
import { Migration20261218100000Panel } from './Migration20261218100000Panel.js'
import { panelRoutes } from './routes.js'

/**
 * The Pannello Fattura Elettronica Attiva: the operators' search over the invoices (its columns live on the invoice
 * table: preservation_state, importo_totale_cents) and the HTML / PDF renderings.
 */
export const panelModule: FeatureModule = {
  name: 'panel',
  entities: [],
  migrations: [{ name: 'Migration20261218100000Panel', class: Migration20261218100000Panel }],
  routes: panelRoutes,
}
