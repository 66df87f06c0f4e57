import { startEventDispatcher } from '../events/dispatcher.js'
import type { FeatureModule } from '../module.js'
import { startWebhookWorkers } from './delivery.js'
import { Migration20261218000000Webhooks } from './Migration20261218000000Webhooks.js'
import { webhooksRoutes } from './routes.js'
import { WebhookDeliveryAttemptEntity, WebhookDeliveryEntity, WebhookSubscriptionEntity } from './webhook.entity.js'

/**
 * Webhooks of the ERPs and the changes feed, plus the dispatcher of invoice events (feed positions, webhook
 * deliveries, domain events for conservazione and liquidazioni, e-mails to the studio's notification class).
 */
export const webhooksModule: FeatureModule = {
  name: 'webhooks',
  entities: [WebhookSubscriptionEntity, WebhookDeliveryEntity, WebhookDeliveryAttemptEntity],
  migrations: [{ name: 'Migration20261218000000Webhooks', class: Migration20261218000000Webhooks }],
  routes: webhooksRoutes,
  workers: (context) => {
    const deps = {
      orm: context.orm,
      producer: context.producer,
      logger: context.logger,
      redisUrl: context.config.REDIS_URL,
      prefix: context.config.REDIS_PREFIX,
    }
    return [
      startEventDispatcher(deps),
      ...startWebhookWorkers(deps, { allowPrivateNetworks: context.config.WEBHOOK_ALLOW_PRIVATE_NETWORKS }),
    ]
  },
}
