import type { UserKind } from '@fatturapa-hub/shared'
import { EntitySchema, OptionalProps } from '@mikro-orm/core'

/** Why a user cannot sign in: the administrator reactivates users disabled for any of these. */
export type DisabledReason = 'failed-logins' | 'inactivity' | 'administrator'

export class User {
  declare [OptionalProps]?: 'version'
  id!: string
  studioId!: string
  /** As shown and typed, e.g. `ADM@wt00000`. */
  username!: string
  /** Lower-cased user name: sign-in ignores case, and two users cannot differ only by case. */
  usernameKey!: string
  description!: string
  email!: string | null
  kind!: UserKind
  /** Integration users act for one client: its VAT number goes into their tokens and must match their certificate. */
  clientId!: string | null
  /** Operators are created inactive ("Non attivo") and activated by the administrator. */
  active!: boolean
  /** Codes of the linked user classes ("classi utente collegate"). */
  classes!: string[]
  /** "Notifica ricezione fatture B2B": e-mail for each incoming invoice, read by fe-passive. */
  notifyB2bReceived!: boolean
  passwordHash!: string
  passwordChangedAt!: Date
  /** "Password d'ufficio": assigned by the system, to be changed at the next sign-in (never for integration users). */
  passwordIsSystem!: boolean
  /** 0: the password never expires. */
  passwordValidityDays!: number
  passwordWarningDays!: number
  /** 0: never disabled for inactivity. */
  maxDaysWithoutLogin!: number
  /** "Data scadenza utente": the last day (Europe/Rome) the user may sign in. */
  expiresOn!: string | null
  disabledAt!: Date | null
  disabledReason!: DisabledReason | null
  disabledIp!: string | null
  /** Consecutive wrong passwords since the last successful sign-in. */
  failedAttempts!: number
  lastLoginAt!: Date | null
  lastLoginIp!: string | null
  /** Last reactivation by the administrator: inactivity is counted from the latest of this, the last sign-in and creation. */
  reactivatedAt!: Date | null
  createdAt!: Date
  updatedAt!: Date
  version!: number
}

export const UserEntity = new EntitySchema<User>({
  class: User,
  tableName: 'app_user',
  properties: {
    id: { type: 'uuid', primary: true },
    studioId: { type: 'uuid', index: true },
    username: { type: 'string', columnType: 'varchar(100)' },
    usernameKey: { type: 'string', columnType: 'varchar(100)', unique: true },
    description: { type: 'string', columnType: 'varchar(200)' },
    email: { type: 'string', columnType: 'varchar(320)', nullable: true },
    kind: { type: 'string', columnType: 'varchar(20)' },
    clientId: { type: 'uuid', nullable: true },
    active: { type: 'boolean' },
    classes: { type: 'json' },
    notifyB2bReceived: { type: 'boolean' },
    passwordHash: { type: 'string', columnType: 'varchar(255)' },
    passwordChangedAt: { type: 'datetime' },
    passwordIsSystem: { type: 'boolean' },
    passwordValidityDays: { type: 'integer' },
    passwordWarningDays: { type: 'integer' },
    maxDaysWithoutLogin: { type: 'integer' },
    expiresOn: { type: 'string', columnType: 'varchar(10)', nullable: true },
    disabledAt: { type: 'datetime', nullable: true },
    disabledReason: { type: 'string', columnType: 'varchar(20)', nullable: true },
    disabledIp: { type: 'string', columnType: 'varchar(64)', nullable: true },
    failedAttempts: { type: 'integer' },
    lastLoginAt: { type: 'datetime', nullable: true },
    lastLoginIp: { type: 'string', columnType: 'varchar(64)', nullable: true },
    reactivatedAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
    version: { type: 'integer', version: true },
  },
})
