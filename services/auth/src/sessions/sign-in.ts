import { randomUUID } from 'node:crypto'
import type { EntityManager } from '@mikro-orm/core'
import { hashPassword, needsRehash, verifyPassword } from '../passwords/index.js'
import type { AuthRuntime } from '../runtime.js'
import { User } from '../users/user.entity.js'
import { usernameKey } from '../users/username.js'
import { accountRefusal, inactivityExceeded } from './account-status.js'
import { assertClientCertificate, integrationCertificateHolder } from './client-certificate.js'
import { integrationUserRequired, invalidCredentials, portalLoginNotAllowed, userDisabled } from './errors.js'
import { disableUser, lockedUserOptions, registerFailedAttempt } from './failed-attempts.js'
import { issueSessionBody, type SessionBody } from './session-response.js'

/** `portal`: administrators and operators (POST /sessions); `integration`: APIREST users (POST /sessions/token). */
export type SignInChannel = 'portal' | 'integration'

export interface SignInInput {
  channel: SignInChannel
  username: string
  password: string
  ip: string
  /** The `x-client-certificate` header, read only in client-certificate mode. */
  clientCertificate?: string | undefined
  /** Called once the user name matched a user, before any refusal: the audit log names who tried. */
  onUserFound?: (user: User) => void
}

let dummyHash: Promise<string> | undefined

/** A hash no password matches, verified for unknown users so that they cost the same time as known ones. */
function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(`no-such-user-${randomUUID()}`)
  return dummyHash
}

/**
 * Sign-in in the order of the product: unknown user, disabled user (not counted), wrong password (counted, the
 * third disables), then the channel, the client certificate, the account state and inactivity. Only a fully
 * successful sign-in resets the counter and records the access.
 */
export async function signIn(em: EntityManager, runtime: AuthRuntime, input: SignInInput, now = new Date()): Promise<SessionBody> {
  const found = await em.fork().findOne(User, { usernameKey: usernameKey(input.username) })
  if (found === null) {
    await verifyPassword(await dummyPasswordHash(), input.password)
    throw invalidCredentials()
  }
  input.onUserFound?.(found)
  if (found.disabledAt !== null) throw userDisabled()
  if (!(await verifyPassword(found.passwordHash, input.password))) await registerFailedAttempt(em, runtime, found.id, input.ip, now)

  if (input.channel === 'portal' && found.kind === 'integration') throw portalLoginNotAllowed()
  if (input.channel === 'integration' && found.kind !== 'integration') throw integrationUserRequired()
  if (input.channel === 'integration' && runtime.config.CLIENT_CERTIFICATE_REQUIRED) {
    await assertClientCertificate(em, runtime, await integrationCertificateHolder(em, found), input.clientCertificate, now)
  }
  const newHash = needsRehash(found.passwordHash) ? await hashPassword(input.password) : undefined

  const outcome = await em.fork().transactional(async (tx) => {
    const user = await tx.findOneOrFail(User, { id: found.id }, lockedUserOptions(tx))
    // A concurrent request may have disabled the user or changed the password since the check above.
    if (user.passwordHash !== found.passwordHash) return { kind: 'refused' as const, error: invalidCredentials() }
    const refusal = accountRefusal(user, now)
    if (refusal !== null) return { kind: 'refused' as const, error: refusal }
    if (inactivityExceeded(user, now)) {
      disableUser(user, 'inactivity', input.ip, now)
      return { kind: 'disabled' as const }
    }
    user.failedAttempts = 0
    user.lastLoginAt = now
    user.lastLoginIp = input.ip
    user.updatedAt = now
    if (newHash !== undefined) user.passwordHash = newHash
    return { kind: 'signed-in' as const, user }
  })
  if (outcome.kind === 'refused') throw outcome.error
  if (outcome.kind === 'disabled') {
    await runtime.refreshTokens.revokeUser(found.id, now)
    throw userDisabled('inactivity')
  }
  return issueSessionBody(em, runtime, outcome.user, now)
}
