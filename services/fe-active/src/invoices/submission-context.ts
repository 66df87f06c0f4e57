import type { EntityManager } from '@mikro-orm/core'
import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex'
import { ClientReplica } from '../clients/client-replica.entity.js'
import { defaultStudioSettings, type StudioSettingsValues } from '../settings/studio-settings.entity.js'

/** What deciding on a submission reads from the database besides the file and the token. */
export interface SubmissionContext {
  settings: Pick<StudioSettingsValues, 'feAttivaEnabled' | 'requireContractAcceptance'>
  /** The studio's client with the cedente's partita IVA (Italian cedenti only), null when there is none. */
  client: ClientReplica | null
  /** The client asked for its FPR12 invoices to be signed too. */
  signFpr12: boolean
}

const contextPrefix = 'submission_'

/**
 * The studio's parameters, the cedente's client and its signing preference in one query: the submission path
 * reads them for every invoice, and three ORM lookups cost more than the rest of the request's database work.
 */
export async function loadSubmissionContext(
  em: EntityManager,
  studioId: string,
  cedente: { idPaese: string; idCodice: string } | undefined,
): Promise<SubmissionContext> {
  const knex = (em as SqlEntityManager).getConnection().getKnex()
  const partitaIva = cedente?.idPaese === 'IT' ? cedente.idCodice : null
  const rows: Array<Record<string, unknown>> = await knex
    .select(
      'c.*',
      `s.studio_id as ${contextPrefix}settings_studio_id`,
      `s.fe_attiva_enabled as ${contextPrefix}fe_attiva_enabled`,
      `s.require_contract_acceptance as ${contextPrefix}require_contract_acceptance`,
      `p.sign_fpr12 as ${contextPrefix}sign_fpr12`,
    )
    .from(knex.raw('(select 1 as one) as base'))
    .leftJoin('studio_settings as s', (join) => join.on('s.studio_id', '=', knex.raw('?', [studioId])))
    .leftJoin('client_replica as c', (join) =>
      join.on('c.studio_id', '=', knex.raw('?', [studioId])).andOn('c.partita_iva', '=', knex.raw('?', [partitaIva])),
    )
    .leftJoin('client_signing_preferences as p', (join) =>
      join.on('p.client_id', '=', 'c.client_id').andOn('p.studio_id', '=', 'c.studio_id'),
    )
    .limit(1)
  const row = rows[0] ?? {}
  const clientColumns = Object.fromEntries(Object.entries(row).filter(([column]) => !column.startsWith(contextPrefix)))
  const hasSettings = row[`${contextPrefix}settings_studio_id`] != null
  return {
    settings: hasSettings
      ? {
          feAttivaEnabled: databaseBoolean(row[`${contextPrefix}fe_attiva_enabled`]),
          requireContractAcceptance: databaseBoolean(row[`${contextPrefix}require_contract_acceptance`]),
        }
      : {
          feAttivaEnabled: defaultStudioSettings.feAttivaEnabled,
          requireContractAcceptance: defaultStudioSettings.requireContractAcceptance,
        },
    client: row.client_id == null ? null : em.map(ClientReplica, clientColumns),
    signFpr12: databaseBoolean(row[`${contextPrefix}sign_fpr12`]),
  }
}

/** PostgreSQL answers booleans, SQLite 0 and 1. */
export function databaseBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === '1'
}
