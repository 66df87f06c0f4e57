import { randomUUID } from 'node:crypto'
import { AppError, ErrorCodes } from '@fatturapa-hub/shared'
import { isValidCodiceFiscale, isValidPartitaIva } from '@fatturapa-hub/shared/identifiers'
import type { EntityManager } from '@mikro-orm/core'
import { Client } from './client.entity.js'

export interface ClientFields {
  codiceSoggetto: string
  denominazione: string
  codiceFiscale?: string | null
  partitaIva?: string | null
  pec?: string | null
  codiceDestinatario?: string | null
}

/**
 * Check digits of the identifiers, every failure reported at once. A company's codice fiscale is usually its
 * partita IVA (11 digits); a sole trader's is the 16-character personal code: both are accepted.
 */
export function assertClientIdentifiers(fields: Pick<ClientFields, 'codiceFiscale' | 'partitaIva'>): void {
  const errors: Array<{ path: string; message: string; code: string }> = []
  if (fields.partitaIva != null && !isValidPartitaIva(fields.partitaIva)) {
    errors.push({ path: '/partitaIva', message: 'the check digit of the partita IVA is wrong', code: 'PARTITA_IVA_INVALID' })
  }
  const codiceFiscale = fields.codiceFiscale
  if (codiceFiscale != null && !(/^\d{11}$/.test(codiceFiscale) ? isValidPartitaIva(codiceFiscale) : isValidCodiceFiscale(codiceFiscale))) {
    errors.push({ path: '/codiceFiscale', message: 'the check character of the codice fiscale is wrong', code: 'CODICE_FISCALE_INVALID' })
  }
  if (errors.length > 0) throw new AppError(ErrorCodes.ValidationFailed, 422, 'The client identifiers are not valid', { errors })
}

export async function createClient(em: EntityManager, studioId: string, fields: ClientFields, now = new Date()): Promise<Client> {
  const normalized = normalizeClientFields(fields)
  assertClientIdentifiers(normalized)
  if ((await em.count(Client, { studioId, codiceSoggetto: normalized.codiceSoggetto })) > 0) {
    throw new AppError('CODICE_SOGGETTO_TAKEN', 409, `The studio already has a client with codice soggetto ${normalized.codiceSoggetto}`)
  }
  const client = em.create(Client, {
    id: randomUUID(),
    studioId,
    codiceSoggetto: normalized.codiceSoggetto,
    denominazione: normalized.denominazione,
    codiceFiscale: normalized.codiceFiscale ?? null,
    partitaIva: normalized.partitaIva ?? null,
    pec: normalized.pec ?? null,
    codiceDestinatario: normalized.codiceDestinatario ?? null,
    feAttivaEnabledAt: null,
    fePassivaEnabledAt: null,
    createdAt: now,
    updatedAt: now,
  })
  await em.flush()
  return client
}

/** Identifiers are compared and stored upper-case and trimmed, as SDI and the Agenzia write them. */
export function normalizeClientFields<T extends Partial<ClientFields>>(fields: T): T {
  const upper = (value: string | null | undefined) => (value == null ? value : value.trim().toUpperCase())
  return {
    ...fields,
    ...(fields.codiceSoggetto === undefined ? {} : { codiceSoggetto: fields.codiceSoggetto.trim() }),
    ...(fields.denominazione === undefined ? {} : { denominazione: fields.denominazione.trim() }),
    ...(fields.codiceFiscale === undefined ? {} : { codiceFiscale: upper(fields.codiceFiscale) }),
    ...(fields.partitaIva === undefined ? {} : { partitaIva: upper(fields.partitaIva) }),
    ...(fields.codiceDestinatario === undefined ? {} : { codiceDestinatario: upper(fields.codiceDestinatario) }),
    ...(fields.pec === undefined ? {} : { pec: fields.pec == null ? fields.pec : fields.pec.trim().toLowerCase() }),
  }
}
