import { EntitySchema } from '@mikro-orm/core'

/**
 * fe-active's copy of a client (soggetto) of a studio, kept from auth's `client.changed` events: the latest
 * version received wins. Read it instead of calling auth; `version` is auth's row version.
 */
export class ClientReplica {
  /** The client's id in auth. */
  clientId!: string
  studioId!: string
  codiceSoggetto!: string
  denominazione!: string
  partitaIva!: string | null
  codiceFiscale!: string | null
  codiceDestinatario!: string | null
  pec!: string | null
  /** "Abilita FE Attiva": when outgoing invoicing was enabled, null while disabled. */
  feAttivaEnabledAt!: Date | null
  fePassivaEnabledAt!: Date | null
  version!: number
  /** When the client was last changed in auth. */
  updatedAt!: Date
  /** When auth recorded the event this row comes from. */
  changedAt!: Date
  /** When this service stored it. */
  replicatedAt!: Date
}

export const ClientReplicaEntity = new EntitySchema<ClientReplica>({
  class: ClientReplica,
  tableName: 'client_replica',
  properties: {
    clientId: { type: 'uuid', primary: true },
    studioId: { type: 'uuid', index: 'client_replica_studio_id_index' },
    codiceSoggetto: { type: 'string', columnType: 'varchar(20)' },
    denominazione: { type: 'string', columnType: 'varchar(200)' },
    partitaIva: { type: 'string', columnType: 'varchar(11)', nullable: true, index: 'client_replica_partita_iva_index' },
    codiceFiscale: { type: 'string', columnType: 'varchar(16)', nullable: true },
    codiceDestinatario: { type: 'string', columnType: 'varchar(7)', nullable: true },
    pec: { type: 'string', columnType: 'varchar(320)', nullable: true },
    feAttivaEnabledAt: { type: 'datetime', nullable: true },
    fePassivaEnabledAt: { type: 'datetime', nullable: true },
    version: { type: 'integer' },
    updatedAt: { type: 'datetime' },
    changedAt: { type: 'datetime' },
    replicatedAt: { type: 'datetime' },
  },
})
