import { EntitySchema } from '@mikro-orm/core'

/** A client certificate issued by the platform CA; revocation sets the two revocation fields once. */
export class ClientCertificate {
  /** Canonical hex (see `normalizeSerialNumber`). */
  serialNumber!: string
  studioId!: string
  clientId!: string
  partitaIva!: string
  certificatePem!: string
  fingerprintSha256!: string
  notBefore!: Date
  notAfter!: Date
  issuedAt!: Date
  issuedBy!: string | null
  revokedAt!: Date | null
  revocationReason!: string | null
}

export const ClientCertificateEntity = new EntitySchema<ClientCertificate>({
  class: ClientCertificate,
  tableName: 'client_certificate',
  properties: {
    serialNumber: { type: 'string', columnType: 'varchar(64)', primary: true },
    studioId: { type: 'uuid', index: true },
    clientId: { type: 'uuid', index: true },
    partitaIva: { type: 'string', columnType: 'varchar(11)', index: true },
    certificatePem: { type: 'text' },
    fingerprintSha256: { type: 'string', columnType: 'varchar(100)' },
    notBefore: { type: 'datetime' },
    notAfter: { type: 'datetime' },
    issuedAt: { type: 'datetime' },
    issuedBy: { type: 'uuid', nullable: true },
    revokedAt: { type: 'datetime', nullable: true },
    revocationReason: { type: 'string', columnType: 'varchar(40)', nullable: true },
  },
})
