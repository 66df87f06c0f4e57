import type { FeatureModule } from '../module.js'

export const signingModule: FeatureModule = {
  name: 'signing',
  entities: [],
  migrations: [],
}
