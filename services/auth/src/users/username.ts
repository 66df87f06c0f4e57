import { AppError, ErrorCodes } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/core'
import { User } from './user.entity.js'

/** Local part of a user name: letters, digits and `. _ -`; the studio code follows the `@`. */
export const localUsernamePattern = '^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$'
const localUsername = new RegExp(localUsernamePattern)

export function usernameKey(username: string): string {
  return username.trim().toLowerCase()
}

/** `<local>@<studio code>`, as the seed spells `ADM@wt00000`. */
export function studioUsername(local: string, studioCode: string): string {
  if (!localUsername.test(local)) {
    throw new AppError(ErrorCodes.ValidationFailed, 422, 'The user name may contain letters, digits, dot, underscore and hyphen only', {
      errors: [{ path: '/username', message: 'invalid user name', code: 'USERNAME_INVALID' }],
    })
  }
  return `${local}@${studioCode}`
}

export async function assertUsernameAvailable(em: EntityManager, username: string): Promise<void> {
  if ((await em.count(User, { usernameKey: usernameKey(username) })) > 0) {
    throw new AppError('USERNAME_TAKEN', 409, `The user name ${username} is already in use`)
  }
}
