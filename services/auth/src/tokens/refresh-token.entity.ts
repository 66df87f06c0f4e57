import { EntitySchema } from '@mikro-orm/core'

/** A stored refresh token (its hash only); see `RefreshTokenRecord`. */
export class RefreshToken {
  hash!: string
  familyId!: string
  userId!: string
  studioId!: string
  issuedAt!: Date
  expiresAt!: Date
  consumedAt!: Date | null
  replacedBy!: string | null
  revokedAt!: Date | null
}

export const RefreshTokenEntity = new EntitySchema<RefreshToken>({
  class: RefreshToken,
  tableName: 'refresh_token',
  properties: {
    hash: { type: 'string', columnType: 'char(64)', primary: true },
    familyId: { type: 'uuid', index: true },
    userId: { type: 'uuid', index: true },
    studioId: { type: 'uuid' },
    issuedAt: { type: 'datetime' },
    expiresAt: { type: 'datetime', index: true },
    consumedAt: { type: 'datetime', nullable: true },
    replacedBy: { type: 'string', columnType: 'char(64)', nullable: true },
    revokedAt: { type: 'datetime', nullable: true },
  },
})
