import { AppError, ErrorCodes } from '@fatturapa-hub/shared'
import { type EntityManager, LockMode, OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core'
import { ClientCertificate } from '../certificates/client-certificate.entity.js'
import { recordClientChanged } from '../outbox/client-events.js'
import { Studio } from '../studios/studio.entity.js'
import { User } from '../users/user.entity.js'
import { Client } from './client.entity.js'
import { assertClientIdentifiers, type ClientFields, createClient, normalizeClientFields } from './create-client.js'

export type FeService = 'attiva' | 'passiva'

export async function findStudioClient(em: EntityManager, studioId: string, id: string): Promise<Client> {
  const client = await em.findOne(Client, { id, studioId })
  if (client === null) throw new AppError(ErrorCodes.NotFound, 404, 'The client does not exist.')
  return client
}

/**
 * A new client of the studio. The studio row is locked for the transaction: the VAT number has no unique index
 * (older rows may repeat it), so this lock is what keeps two concurrent requests from both passing the check.
 */
export async function registerClient(em: EntityManager, studioId: string, fields: ClientFields, now = new Date()): Promise<Client> {
  try {
    return await em.transactional(async (tx) => {
      await lockStudio(tx, studioId)
      const normalized = normalizeClientFields(fields)
      assertClientIdentifiers(normalized)
      await assertPartitaIvaFree(tx, studioId, normalized.partitaIva ?? null, null)
      const client = await createClient(tx, studioId, normalized, now)
      await recordClientChanged(tx, client, now)
      return client
    })
  } catch (error) {
    throw mapConstraintError(error, fields.codiceSoggetto)
  }
}

export interface ClientPatch extends Partial<ClientFields> {
  version?: number
}

export async function updateClient(em: EntityManager, studioId: string, id: string, patch: ClientPatch, now = new Date()): Promise<Client> {
  const { version, ...rawFields } = patch
  try {
    return await em.transactional(async (tx) => {
      await lockStudio(tx, studioId)
      const client = await findStudioClient(tx, studioId, id)
      if (version !== undefined && version !== client.version) throw versionConflict(client.version)
      const fields = normalizeClientFields(rawFields)
      const next = {
        codiceSoggetto: fields.codiceSoggetto ?? client.codiceSoggetto,
        denominazione: fields.denominazione ?? client.denominazione,
        codiceFiscale: fields.codiceFiscale === undefined ? client.codiceFiscale : fields.codiceFiscale,
        partitaIva: fields.partitaIva === undefined ? client.partitaIva : fields.partitaIva,
        pec: fields.pec === undefined ? client.pec : fields.pec,
        codiceDestinatario: fields.codiceDestinatario === undefined ? client.codiceDestinatario : fields.codiceDestinatario,
      }
      assertClientIdentifiers(next)
      if (next.codiceSoggetto !== client.codiceSoggetto) {
        const taken = await tx.count(Client, { studioId, codiceSoggetto: next.codiceSoggetto, id: { $ne: client.id } })
        if (taken > 0) throw codiceSoggettoTaken(next.codiceSoggetto)
      }
      if (next.partitaIva !== client.partitaIva) {
        if (client.partitaIva !== null) await assertPartitaIvaUnlocked(tx, client)
        await assertPartitaIvaFree(tx, studioId, next.partitaIva, client.id)
      }
      if (client.feAttivaEnabledAt !== null) assertIdentified(next)
      const changed = (Object.keys(next) as Array<keyof typeof next>).filter((key) => next[key] !== client[key])
      if (changed.length > 0) {
        Object.assign(client, next, { updatedAt: now })
        await recordClientChanged(tx, client, now)
      }
      return client
    })
  } catch (error) {
    throw mapConstraintError(error, rawFields.codiceSoggetto)
  }
}

/** "Abilita FE Attiva / Passiva": the first enabling date is kept while enabled; disabling clears it. */
export async function setFeActivation(
  em: EntityManager,
  studioId: string,
  id: string,
  service: FeService,
  enabled: boolean,
  now = new Date(),
): Promise<Client> {
  try {
    return await em.transactional(async (tx) => {
      const client = await findStudioClient(tx, studioId, id)
      const property = service === 'attiva' ? 'feAttivaEnabledAt' : 'fePassivaEnabledAt'
      if (enabled && service === 'attiva') assertIdentified(client)
      const current = client[property]
      const next = enabled ? (current ?? now) : null
      if (next !== current) {
        client[property] = next
        client.updatedAt = now
        await recordClientChanged(tx, client, now)
      }
      return client
    })
  } catch (error) {
    throw mapConstraintError(error, undefined)
  }
}

async function lockStudio(tx: EntityManager, studioId: string): Promise<void> {
  await tx.findOne(Studio, { id: studioId }, { lockMode: LockMode.PESSIMISTIC_WRITE })
}

async function assertPartitaIvaFree(em: EntityManager, studioId: string, partitaIva: string | null, exceptId: string | null) {
  if (partitaIva === null) return
  const taken = await em.count(Client, { studioId, partitaIva, ...(exceptId === null ? {} : { id: { $ne: exceptId } }) })
  if (taken > 0) throw new AppError('PARTITA_IVA_TAKEN', 409, `The studio already has a client with partita IVA ${partitaIva}`)
}

/** The APIREST user and the client certificates carry the VAT number: changing it would orphan them. */
async function assertPartitaIvaUnlocked(em: EntityManager, client: Client) {
  const integrationUsers = await em.count(User, { studioId: client.studioId, clientId: client.id, kind: 'integration' })
  const certificates = await em.count(ClientCertificate, { studioId: client.studioId, clientId: client.id, revokedAt: null })
  if (integrationUsers > 0 || certificates > 0) {
    throw new AppError(
      'CLIENT_PARTITA_IVA_LOCKED',
      409,
      'The partita IVA of this client identifies an APIREST user or a client certificate; revoke those before changing it',
    )
  }
}

function assertIdentified(client: Pick<Client, 'partitaIva' | 'codiceFiscale'>) {
  if (client.partitaIva == null && client.codiceFiscale == null) {
    throw new AppError('CLIENT_IDENTIFIER_REQUIRED', 422, 'FE Attiva needs the partita IVA or the codice fiscale of the client', {
      errors: [{ path: '/partitaIva', message: 'a partita IVA or a codice fiscale is required', code: 'CLIENT_IDENTIFIER_REQUIRED' }],
    })
  }
}

function versionConflict(currentVersion: number) {
  return new AppError('VERSION_CONFLICT', 409, 'The client was changed by someone else; reload it and apply the change again', {
    currentVersion,
  })
}

function codiceSoggettoTaken(codiceSoggetto: string) {
  return new AppError('CODICE_SOGGETTO_TAKEN', 409, `The studio already has a client with codice soggetto ${codiceSoggetto}`)
}

function mapConstraintError(error: unknown, codiceSoggetto: string | undefined): unknown {
  if (error instanceof OptimisticLockError) {
    return new AppError('VERSION_CONFLICT', 409, 'The client was changed by someone else; reload it and apply the change again')
  }
  if (error instanceof UniqueConstraintViolationException) return codiceSoggettoTaken(codiceSoggetto?.trim() ?? '')
  return error
}
