import { Redis, type RedisOptions } from 'ioredis'

export type RedisRole = 'producer' | 'worker' | 'client'

/**
 * Producers answer HTTP requests, so they must fail fast when Redis is down (no offline queue, one retry);
 * workers block on Redis and must retry forever (BullMQ requires maxRetriesPerRequest: null).
 */
export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const byRole: Record<RedisRole, RedisOptions> = {
    producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true },
    worker: { maxRetriesPerRequest: null, enableReadyCheck: false },
    client: { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true },
  }
  return new Redis(url, { connectionName: `fph-${role}`, ...byRole[role], ...extra })
}

export async function connectRedis(redis: Redis): Promise<Redis> {
  if (redis.status === 'wait') await redis.connect()
  return redis
}
