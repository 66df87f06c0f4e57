import { randomUUID } from 'node:crypto'
import { AppError, romeToday } from '@fatturapa-hub/shared'
import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core'
import type { User } from '../users/user.entity.js'
import type { Contract } from './contract.entity.js'
import { ContractAcceptance } from './contract-acceptance.entity.js'
import { currentContracts } from './pending.js'

export interface AcceptedContract {
  contract: Contract
  acceptance: ContractAcceptance
  /** False when the user had already accepted this version: the earlier row is kept as it was. */
  recordedNow: boolean
}

/**
 * "Point and click" acceptance (seed, section 1.3) of current contract versions of the user's studio, in one
 * transaction. Ids of superseded versions, unknown ids and other studios' ids are refused alike, so the answer
 * reveals nothing about other studios.
 */
export async function acceptContracts(
  em: EntityManager,
  user: User,
  contractIds: readonly string[],
  ip: string | null,
  now = new Date(),
): Promise<AcceptedContract[]> {
  const ids = [...new Set(contractIds.map((id) => id.toLowerCase()))]
  for (let attempt = 1; ; attempt++) {
    try {
      return await em.transactional((tx) => recordAcceptances(tx, user, ids, ip, now))
    } catch (error) {
      // A concurrent request of the same user (a double click) inserted the same rows first: read them back.
      if (error instanceof UniqueConstraintViolationException && attempt < 3) continue
      throw error
    }
  }
}

async function recordAcceptances(tx: EntityManager, user: User, ids: string[], ip: string | null, now: Date): Promise<AcceptedContract[]> {
  const current = new Map((await currentContracts(tx, user.studioId)).map((contract) => [contract.id, contract]))
  const notCurrent = ids.filter((id) => !current.has(id))
  if (notCurrent.length > 0) {
    throw new AppError('CONTRACT_NOT_CURRENT', 422, 'Only the current version of a contract of your studio can be accepted', {
      contractIds: notCurrent,
      errors: notCurrent.map((id) => ({
        path: `/contractIds/${ids.indexOf(id)}`,
        message: `${id} is not the current version of a contract of your studio`,
        code: 'CONTRACT_NOT_CURRENT',
      })),
    })
  }
  const existing = new Map(
    (await tx.find(ContractAcceptance, { userId: user.id, contractId: { $in: ids } })).map((row) => [row.contractId, row]),
  )
  const result = ids.map((id): AcceptedContract => {
    const contract = current.get(id) as Contract
    const earlier = existing.get(id)
    if (earlier !== undefined) return { contract, acceptance: earlier, recordedNow: false }
    const acceptance = tx.create(ContractAcceptance, {
      id: randomUUID(),
      studioId: user.studioId,
      userId: user.id,
      contractId: contract.id,
      contractCode: contract.code,
      contractVersion: contract.version,
      sha256: contract.sha256,
      acceptedAt: now,
      ip: ip === null ? null : ip.slice(0, 64),
    })
    return { contract, acceptance, recordedNow: true }
  })
  await tx.flush()
  return result
}

/** Whether the user may still be given a session: active, not disabled and not past "Data scadenza utente". */
export function userMayHaveSession(user: Pick<User, 'active' | 'disabledAt' | 'expiresOn'>, now = new Date()): boolean {
  if (!user.active || user.disabledAt !== null) return false
  return user.expiresOn === null || user.expiresOn >= romeToday(now)
}
