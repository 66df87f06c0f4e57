import { EntitySchema } from '@mikro-orm/core'

/** The owner of the studio's intermediary certificate, used for clients without one of their own. */
export const intermediaryOwner = 'intermediary'

/**
 * A signing certificate with its private key (from a PKCS#12), sealed with SIGNING_SECRET. The metadata columns
 * are in clear for display; key and certificates only in `sealed`.
 */
export class SigningCredential {
  id!: string
  studioId!: string
  /** The client's id, or `intermediary` for the studio's own certificate. */
  owner!: string
  subject!: string
  commonName!: string | null
  subjectSerialNumber!: string | null
  fiscalCode!: string | null
  serialNumber!: string
  issuer!: string
  notBefore!: Date
  notAfter!: Date
  fingerprintSha256!: string
  keyUsage!: string[]
  sealed!: string
  createdAt!: Date
  updatedAt!: Date
}

export const SigningCredentialEntity = new EntitySchema<SigningCredential>({
  class: SigningCredential,
  tableName: 'signing_credential',
  uniques: [{ name: 'signing_credential_studio_owner_unique', properties: ['studioId', 'owner'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    studioId: { type: 'uuid' },
    owner: { type: 'string', columnType: 'varchar(40)' },
    subject: { type: 'string', columnType: 'varchar(1000)' },
    commonName: { type: 'string', columnType: 'varchar(300)', nullable: true },
    subjectSerialNumber: { type: 'string', columnType: 'varchar(100)', nullable: true },
    fiscalCode: { type: 'string', columnType: 'varchar(16)', nullable: true },
    serialNumber: { type: 'string', columnType: 'varchar(100)' },
    issuer: { type: 'string', columnType: 'varchar(1000)' },
    notBefore: { type: 'datetime' },
    notAfter: { type: 'datetime' },
    fingerprintSha256: { type: 'string', columnType: 'varchar(100)' },
    keyUsage: { type: 'json' },
    sealed: { type: 'text', lazy: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
  },
})

/** A client's signing choices: `signFpr12`, the client wants its B2B (FPR12) invoices signed too. */
export class ClientSigningPreferences {
  clientId!: string
  studioId!: string
  signFpr12!: boolean
  updatedAt!: Date
}

export const ClientSigningPreferencesEntity = new EntitySchema<ClientSigningPreferences>({
  class: ClientSigningPreferences,
  tableName: 'client_signing_preferences',
  properties: {
    clientId: { type: 'uuid', primary: true },
    studioId: { type: 'uuid' },
    signFpr12: { type: 'boolean' },
    updatedAt: { type: 'datetime' },
  },
})
