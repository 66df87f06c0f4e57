import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createTestDatabase,
  startTestService,
  startTestSmtpServer,
  type TestDatabase,
  type TestService,
  type TestSmtpServer,
  testRedisPrefix,
} from '@fatturapa-hub/shared/testing'
import type { Config } from '../../src/config.js'
import { hashPassword } from '../../src/passwords/index.js'
import { service } from '../../src/service.js'
import { issueSession } from '../../src/sessions/issue-session.js'
import { type ProvisionedStudio, provisionStudio } from '../../src/studios/provision.js'
import { User } from '../../src/users/user.entity.js'

/** A valid partita IVA per studio, so tests can provision several studios in one database. */
export const testVatNumbers = ['01234567897', '12345678903', '00000010215', '07643520567', '09876543217'] as const

export interface AuthTest {
  service: TestService<Config>
  database: TestDatabase
  /** Real SMTP server the auth service sends to. */
  smtp: TestSmtpServer
  /** A studio with its company, ADM, operator and APIREST users, as the provisioning endpoint creates it. */
  provision(code: string, options?: { partitaIva?: string; email?: string }): Promise<ProvisionedStudio>
  /** Sets a known password the user chose (no forced change) and returns it. */
  setPassword(username: string, password: string): Promise<string>
  /** An access token for the user as they are now in the database (bypasses sign-in). */
  tokenFor(username: string): Promise<string>
  findUser(username: string): Promise<User>
  close(): Promise<void>
}

let vatIndex = 0

/**
 * The auth service over a fresh PostgreSQL database (or, with `sqlite`, the embedded mode's SQLite file), real
 * Redis and a real SMTP server.
 */
export async function startAuthTest(env: Record<string, string> = {}, options: { sqlite?: boolean } = {}): Promise<AuthTest> {
  const database = options.sqlite ? await createSqliteFile() : await createTestDatabase()
  const smtp = await startTestSmtpServer()
  const testService = await startTestService(service, {
    databaseUrl: database.url,
    redisPrefix: testRedisPrefix(),
    env: { SMTP_URL: smtp.url, PROVISIONING_KEY: testProvisioningKey, ...env },
  })
  const em = () => testService.orm.em.fork()
  const findUser = async (username: string) => em().findOneOrFail(User, { usernameKey: username.toLowerCase() })
  return {
    service: testService,
    database,
    smtp,
    provision: (code, options = {}) =>
      provisionStudio(em(), testService.config, testService.app.authRuntime.mailer, {
        code,
        name: `Studio ${code}`,
        email: options.email ?? `studio@${code}.example`,
        company: {
          denominazione: `Azienda ${code} S.r.l.`,
          partitaIva: options.partitaIva ?? (testVatNumbers[vatIndex++ % testVatNumbers.length] as string),
        },
      }),
    async setPassword(username, password) {
      const fork = em()
      const user = await fork.findOneOrFail(User, { usernameKey: username.toLowerCase() })
      Object.assign(user, { passwordHash: await hashPassword(password), passwordIsSystem: false, passwordChangedAt: new Date() })
      await fork.flush()
      return password
    },
    async tokenFor(username) {
      const fork = em()
      const user = await fork.findOneOrFail(User, { usernameKey: username.toLowerCase() })
      return (await issueSession(fork, testService.app.authRuntime, user)).accessToken
    },
    findUser,
    async close() {
      await testService.close()
      await smtp.close()
      await database.drop()
    },
  }
}

async function createSqliteFile(): Promise<TestDatabase> {
  const directory = await mkdtemp(join(tmpdir(), 'fph-auth-sqlite-'))
  return { name: 'sqlite', url: `sqlite:${join(directory, 'auth.sqlite')}`, drop: () => rm(directory, { recursive: true, force: true }) }
}

export const testProvisioningKey = 'test-provisioning-key-0123456789abcdef'

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` }
}
