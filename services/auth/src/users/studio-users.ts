import { AppError, containsIgnoringCase, ErrorCodes } from '@fatturapa-hub/shared'
import { type EntityManager, type FilterQuery, OptimisticLockError } from '@mikro-orm/core'
import { Studio } from '../studios/studio.entity.js'
import { User } from './user.entity.js'

export interface UserListFilter {
  kind?: User['kind'] | undefined
  active?: boolean | undefined
  disabled?: boolean | undefined
  username?: string | undefined
  limit: number
  offset: number
}

/** The user, only if it belongs to the studio: another studio's id answers 404 like a missing one. */
export async function findStudioUser(em: EntityManager, studioId: string, id: string): Promise<User> {
  const user = await em.findOne(User, { id, studioId })
  if (user === null) throw new AppError(ErrorCodes.NotFound, 404, `No user ${id} in this studio.`)
  return user
}

export async function findStudio(em: EntityManager, studioId: string): Promise<Studio> {
  const studio = await em.findOne(Studio, { id: studioId })
  if (studio === null) throw new AppError(ErrorCodes.NotFound, 404, 'The studio of the signed-in user does not exist.')
  return studio
}

export async function listStudioUsers(em: EntityManager, studioId: string, filter: UserListFilter): Promise<[User[], number]> {
  const where: FilterQuery<User> = { studioId }
  if (filter.kind !== undefined) where.kind = filter.kind
  if (filter.active !== undefined) where.active = filter.active
  if (filter.disabled !== undefined) where.disabledAt = filter.disabled ? { $ne: null } : null
  if (filter.username !== undefined) (where as Record<string, unknown>)[containsIgnoringCase('username_key', filter.username)] = []
  return em.findAndCount(User, where, { orderBy: { usernameKey: 'asc' }, limit: filter.limit, offset: filter.offset })
}

/** Flushes, turning a concurrent change of the same row (the entity's version moved on) into 409. */
export async function flushOrConflict(em: EntityManager): Promise<void> {
  try {
    await em.flush()
  } catch (error) {
    if (error instanceof OptimisticLockError) throw versionConflict()
    throw error
  }
}

export function versionConflict(): AppError {
  return new AppError('VERSION_CONFLICT', 409, 'The user was changed by someone else in the meantime: read it again and retry.')
}
