export interface RefreshTokenRecord {
  /** SHA-256 of the token, hex; the token itself is never stored. */
  hash: string
  /** Shared by a token and all the tokens rotated from it: one login session. */
  familyId: string
  userId: string
  studioId: string
  issuedAt: Date
  expiresAt: Date
  /** Set when the token was exchanged for its successor; using it again is reuse. */
  consumedAt: Date | null
  /** Hash of the successor. */
  replacedBy: string | null
  revokedAt: Date | null
}

export interface RefreshTokenStore {
  insert(record: RefreshTokenRecord): Promise<void>
  findByHash(hash: string): Promise<RefreshTokenRecord | undefined>
  /**
   * Marks the token consumed only if it is not yet: false when a concurrent request won. A database
   * implementation does this in one conditional update (`where consumed_at is null`).
   */
  markConsumed(hash: string, at: Date, replacedBy: string): Promise<boolean>
  /** Revokes every not yet revoked token of the family; returns how many. */
  revokeFamily(familyId: string, at: Date): Promise<number>
  /** Revokes every session of a user (password change, disabling, logout everywhere). */
  revokeUser(userId: string, at: Date): Promise<number>
  /** Housekeeping: forgets tokens that expired before the given time. */
  deleteExpired(before: Date): Promise<number>
}

export class InMemoryRefreshTokenStore implements RefreshTokenStore {
  readonly #records = new Map<string, RefreshTokenRecord>()

  async insert(record: RefreshTokenRecord): Promise<void> {
    if (this.#records.has(record.hash)) throw new Error('duplicate refresh token')
    this.#records.set(record.hash, copy(record))
  }

  async findByHash(hash: string): Promise<RefreshTokenRecord | undefined> {
    const record = this.#records.get(hash)
    return record && copy(record)
  }

  async markConsumed(hash: string, at: Date, replacedBy: string): Promise<boolean> {
    const record = this.#records.get(hash)
    if (!record || record.consumedAt !== null) return false
    record.consumedAt = at
    record.replacedBy = replacedBy
    return true
  }

  async revokeFamily(familyId: string, at: Date): Promise<number> {
    return this.#revokeWhere((record) => record.familyId === familyId, at)
  }

  async revokeUser(userId: string, at: Date): Promise<number> {
    return this.#revokeWhere((record) => record.userId === userId, at)
  }

  async deleteExpired(before: Date): Promise<number> {
    let deleted = 0
    for (const [hash, record] of this.#records) {
      if (record.expiresAt < before) {
        this.#records.delete(hash)
        deleted++
      }
    }
    return deleted
  }

  #revokeWhere(matches: (record: RefreshTokenRecord) => boolean, at: Date): number {
    let revoked = 0
    for (const record of this.#records.values()) {
      if (matches(record) && record.revokedAt === null) {
        record.revokedAt = at
        revoked++
      }
    }
    return revoked
  }
}

/** Callers get and give copies, as with a database, so they cannot change stored state by mutating a record. */
function copy(record: RefreshTokenRecord): RefreshTokenRecord {
  const date = (value: Date | null) => (value === null ? null : new Date(value))
  return {
    ...record,
    issuedAt: new Date(record.issuedAt),
    expiresAt: new Date(record.expiresAt),
    consumedAt: date(record.consumedAt),
    revokedAt: date(record.revokedAt),
  }
}
