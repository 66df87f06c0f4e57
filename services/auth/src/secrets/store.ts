import type { EntityManager } from '@mikro-orm/core'
import { UniqueConstraintViolationException } from '@mikro-orm/core'
import { PlatformSecret } from './platform-secret.entity.js'
import { seal, unseal } from './sealed.js'

export type SecretName = 'signing-keys' | 'client-ca'

export async function readSecret(em: EntityManager, name: SecretName, secret: string): Promise<string | undefined> {
  const row = await em.fork().findOne(PlatformSecret, { name })
  return row === null ? undefined : unseal(row.value, secret)
}

export async function writeSecret(em: EntityManager, name: SecretName, value: string, secret: string): Promise<void> {
  const fork = em.fork()
  const row = await fork.findOne(PlatformSecret, { name })
  if (row === null) fork.create(PlatformSecret, { name, value: seal(value, secret), updatedAt: new Date() })
  else Object.assign(row, { value: seal(value, secret), updatedAt: new Date() })
  await fork.flush()
}

/**
 * The stored value, or the created one stored on first start. Two instances starting together both create one;
 * the primary key lets one insert win and the other adopts the winner's value, so all sign with the same keys.
 */
export async function loadOrCreateSecret(
  em: EntityManager,
  name: SecretName,
  secret: string,
  create: () => Promise<string>,
): Promise<string> {
  const stored = await readSecret(em, name, secret)
  if (stored !== undefined) return stored
  const value = await create()
  const fork = em.fork()
  fork.create(PlatformSecret, { name, value: seal(value, secret), updatedAt: new Date() })
  try {
    await fork.flush()
    return value
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException)) throw error
    const winner = await readSecret(em, name, secret)
    if (winner === undefined) throw error
    return winner
  }
}
