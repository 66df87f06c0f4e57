import type { EntityManager } from '@mikro-orm/core'
import type { User } from '../users/user.entity.js'
import { Contract } from './contract.entity.js'
import { ContractAcceptance } from './contract-acceptance.entity.js'

/** The newest version of each contract code of the studio. */
export async function currentContracts(em: EntityManager, studioId: string): Promise<Contract[]> {
  const all = await em.find(Contract, { studioId }, { orderBy: { code: 'asc', version: 'desc' } })
  const newest = new Map<string, Contract>()
  for (const contract of all) if (!newest.has(contract.code)) newest.set(contract.code, contract)
  return [...newest.values()]
}

/**
 * Current contracts the user has not accepted. Integration users are exempt: they cannot sign in to the portal,
 * and their studio's administrator accepted the contracts for the studio.
 */
export async function pendingContracts(em: EntityManager, user: User): Promise<Contract[]> {
  if (user.kind === 'integration') return []
  const current = await currentContracts(em, user.studioId)
  if (current.length === 0) return []
  const accepted = await em.find(ContractAcceptance, { userId: user.id, contractId: { $in: current.map((contract) => contract.id) } })
  const acceptedIds = new Set(accepted.map((acceptance) => acceptance.contractId))
  return current.filter((contract) => !acceptedIds.has(contract.id))
}
