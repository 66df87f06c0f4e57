import type { AccessTokenClaims } from '@fatturapa-hub/shared'
import { User } from '../../src/users/user.entity.js'
import type { AuthTest } from '../support/auth-test.js'

export const dayMs = 86_400_000

/** A password the policy accepts (two digits, five letters, a symbol). */
export const chosenPassword = 'Fattura.2026x'
export const otherPassword = 'Ricevuta-2027y'

export interface Answer {
  status: number
  body: Record<string, unknown> & { code?: string; detail?: string }
}

export async function post(auth: AuthTest, url: string, payload: object, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await auth.service.app.inject({ method: 'POST', url, payload, headers })
  return { status: response.statusCode, body: response.body === '' ? {} : response.json() }
}

export function signIn(auth: AuthTest, username: string, password: string): Promise<Answer> {
  return post(auth, '/sessions', { username, password })
}

/** Changes stored user fields directly, as time passing or the administrator would. */
export async function updateUser(auth: AuthTest, username: string, patch: Partial<User>): Promise<void> {
  const em = auth.service.orm.em.fork()
  const user = await em.findOneOrFail(User, { usernameKey: username.toLowerCase() })
  Object.assign(user, patch)
  await em.flush()
}

export function claimsOf(auth: AuthTest, accessToken: unknown): Promise<AccessTokenClaims> {
  return auth.service.app.authRuntime.verifier.verify(String(accessToken))
}

export function daysAgo(days: number): Date {
  return new Date(Date.now() - days * dayMs)
}
