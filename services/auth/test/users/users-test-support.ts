import type { AuthTest } from '../support/auth-test.js'
import { bearer } from '../support/auth-test.js'

export const adminPassword = 'Abcde12$x'

type Method = 'GET' | 'POST' | 'PATCH'

/** A request as `token`'s user; returns status and parsed body. */
export async function call(auth: AuthTest, token: string, method: Method, url: string, payload?: object) {
  const response = await auth.service.app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) })
  return { status: response.statusCode, body: response.json() }
}

/** A token of the studio's administrator, after giving it a chosen password so the token is not "must change password". */
export async function adminToken(auth: AuthTest, studioCode: string): Promise<string> {
  await auth.setPassword(`ADM@${studioCode}`, adminPassword)
  return auth.tokenFor(`ADM@${studioCode}`)
}

export function passwordIn(text: string): string {
  const match = /^Password: (\S+)$/m.exec(text)
  if (match?.[1] === undefined) throw new Error(`no password in the e-mail:\n${text}`)
  return match[1]
}

export async function refreshTokenRows(auth: AuthTest, userId: string) {
  return (await auth.service.orm.em
    .fork()
    .getConnection()
    .execute('select revoked_at from refresh_token where user_id = ?', [userId])) as Array<{ revoked_at: string | null }>
}

/** As the sign-in lockout leaves a user after three wrong passwords. */
export async function disableForFailedLogins(auth: AuthTest, userId: string, ip: string): Promise<void> {
  await auth.service.orm.em
    .fork()
    .getConnection()
    .execute(
      "update app_user set disabled_at = now() - interval '1 hour', disabled_reason = 'failed-logins', disabled_ip = ?, failed_attempts = 3 where id = ?",
      [ip, userId],
    )
}
