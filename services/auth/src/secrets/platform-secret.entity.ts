import { EntitySchema } from '@mikro-orm/core'

/** Key material of the auth service itself (signing key ring, client CA), encrypted with AUTH_SECRET. */
export class PlatformSecret {
  /** `signing-keys` or `client-ca`. */
  name!: string
  value!: string
  updatedAt!: Date
}

export const PlatformSecretEntity = new EntitySchema<PlatformSecret>({
  class: PlatformSecret,
  tableName: 'platform_secret',
  properties: {
    name: { type: 'string', columnType: 'varchar(50)', primary: true },
    value: { type: 'text' },
    updatedAt: { type: 'datetime' },
  },
})
