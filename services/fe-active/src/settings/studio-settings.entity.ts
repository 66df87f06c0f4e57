import type { EntityManager } from '@mikro-orm/core'
import { EntitySchema } from '@mikro-orm/core'

/**
 * STATO CANCELLAZIONE of the seed's "Parametri Generali Fattura Elettronica Attiva". `default`: an invoice cannot
 * be deleted once sent to SDI (DA FIRMARE, DA INVIARE and a non-ambiguous ERRORE IN INVIO can); `never`: no
 * invoice is ever deleted.
 */
export type DeletionPolicy = 'default' | 'never'

/** The SDI channel new invoices are transmitted on. SDICoop is the one this platform operates. */
export type SdiTransmissionChannel = 'sdicoop'

/** The studio's parameters of the active-invoicing service; a studio without a row has the defaults. */
export class StudioSettings {
  studioId!: string
  /** ABILITA SERVIZIO FATTURAZIONE ELETTRONICA ATTIVA. */
  feAttivaEnabled!: boolean
  deletionPolicy!: DeletionPolicy
  /** OBBLIGA ACCETTAZIONE CONTRATTI CLIENTE. */
  requireContractAcceptance!: boolean
  /** CLASSE DI UTENTI PER NOTIFICHE: the code of the auth user class e-mailed on SCARTATA, NON CONSEGNATA, NON RECAPITABILE, RIFIUTATA. */
  notificationUserClass!: string | null
  defaultChannel!: SdiTransmissionChannel
  updatedAt!: Date
  version!: number
}

export const StudioSettingsEntity = new EntitySchema<StudioSettings>({
  class: StudioSettings,
  tableName: 'studio_settings',
  properties: {
    studioId: { type: 'uuid', primary: true },
    feAttivaEnabled: { type: 'boolean' },
    deletionPolicy: { type: 'string', columnType: 'varchar(20)' },
    requireContractAcceptance: { type: 'boolean' },
    notificationUserClass: { type: 'string', columnType: 'varchar(50)', nullable: true },
    defaultChannel: { type: 'string', columnType: 'varchar(20)' },
    updatedAt: { type: 'datetime' },
    version: { type: 'integer', version: true, default: 1 },
  },
})

export type StudioSettingsValues = Omit<StudioSettings, 'studioId' | 'updatedAt' | 'version'>

export const defaultStudioSettings: Readonly<StudioSettingsValues> = {
  feAttivaEnabled: true,
  deletionPolicy: 'default',
  requireContractAcceptance: false,
  notificationUserClass: null,
  defaultChannel: 'sdicoop',
}

/** The studio's parameters, or the defaults when the studio never saved any. */
export async function loadStudioSettings(em: EntityManager, studioId: string): Promise<StudioSettingsValues> {
  const row = await em.findOne(StudioSettings, { studioId })
  if (row === null) return { ...defaultStudioSettings }
  const { studioId: _id, updatedAt: _at, version: _v, ...values } = row
  return values
}
