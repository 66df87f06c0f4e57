import type { FeatureModule } from '../module.js'

export const webhooksModule: FeatureModule = {
  name: 'webhooks',
  entities: [],
  migrations: [],
}
