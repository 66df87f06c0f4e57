import type { EntityManager } from '@mikro-orm/core'
import { RefreshToken } from './refresh-token.entity.js'
import type { RefreshTokenRecord, RefreshTokenStore } from './refresh-token-store.js'

/** The refresh-token store of the service. Each call runs on its own fork, committed before it returns. */
export class DatabaseRefreshTokenStore implements RefreshTokenStore {
  constructor(private readonly em: EntityManager) {}

  async insert(record: RefreshTokenRecord): Promise<void> {
    const fork = this.em.fork()
    fork.create(RefreshToken, { ...record })
    await fork.flush()
  }

  async findByHash(hash: string): Promise<RefreshTokenRecord | undefined> {
    const row = await this.em.fork().findOne(RefreshToken, { hash })
    return row === null ? undefined : { ...row }
  }

  async markConsumed(hash: string, at: Date, replacedBy: string): Promise<boolean> {
    // One conditional update: of two concurrent exchanges of the same token exactly one changes the row.
    const changed = await this.em.fork().nativeUpdate(RefreshToken, { hash, consumedAt: null }, { consumedAt: at, replacedBy })
    return changed === 1
  }

  async revokeFamily(familyId: string, at: Date): Promise<number> {
    return this.em.fork().nativeUpdate(RefreshToken, { familyId, revokedAt: null }, { revokedAt: at })
  }

  async revokeUser(userId: string, at: Date): Promise<number> {
    return this.em.fork().nativeUpdate(RefreshToken, { userId, revokedAt: null }, { revokedAt: at })
  }

  async deleteExpired(before: Date): Promise<number> {
    return this.em.fork().nativeDelete(RefreshToken, { expiresAt: { $lt: before } })
  }
}
