import type { FeatureModule } from '../module.js'

export const panelModule: FeatureModule = {
  name: 'panel',
  entities: [],
  migrations: [],
}
