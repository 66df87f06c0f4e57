import { EntitySchema, OptionalProps } from '@mikro-orm/core'

/** A client of the studio ("soggetto"): the company whose invoices the platform sends and receives. */
export class Client {
  declare [OptionalProps]?: 'version'
  id!: string
  studioId!: string
  /** The studio's own number for the client, unique within the studio. */
  codiceSoggetto!: string
  denominazione!: string
  codiceFiscale!: string | null
  partitaIva!: string | null
  pec!: string | null
  codiceDestinatario!: string | null
  /** "Abilita FE Attiva": set when outgoing invoicing was enabled, null while disabled. */
  feAttivaEnabledAt!: Date | null
  /** "Abilita FE Passiva": set when incoming invoices started being received, null while disabled. */
  fePassivaEnabledAt!: Date | null
  createdAt!: Date
  updatedAt!: Date
  version!: number
}

export const ClientEntity = new EntitySchema<Client>({
  class: Client,
  tableName: 'client',
  uniques: [{ properties: ['studioId', 'codiceSoggetto'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    studioId: { type: 'uuid', index: true },
    codiceSoggetto: { type: 'string', columnType: 'varchar(20)' },
    denominazione: { type: 'string', columnType: 'varchar(200)' },
    codiceFiscale: { type: 'string', columnType: 'varchar(16)', nullable: true },
    partitaIva: { type: 'string', columnType: 'varchar(11)', nullable: true, index: true },
    pec: { type: 'string', columnType: 'varchar(320)', nullable: true },
    codiceDestinatario: { type: 'string', columnType: 'varchar(7)', nullable: true },
    feAttivaEnabledAt: { type: 'datetime', nullable: true },
    fePassivaEnabledAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
    version: { type: 'integer', version: true },
  },
})
