// fe-active as its server builds it (src/service.ts, or a definition a suite passes), over a fresh PostgreSQL
// database (or the database URL given, e.g. an SQLite file), real Redis, tokens verified through a JWKS server.
import { randomUUID } from 'node:crypto'
import { createLogger, type Logger, type Permission, type ServiceDefinition } from '@fatturapa-hub/shared'
import {
  createTestDatabase,
  createTestTokenIssuer,
  type JwksServer,
  startJwksServer,
  startTestService,
  type TestDatabase,
  type TestService,
  type TestTokenIssuer,
  testRedisPrefix,
} from '@fatturapa-hub/shared/testing'
import { ClientReplica } from '../../src/clients/client-replica.entity.js'
import type { Config } from '../../src/config.js'
import { service } from '../../src/service.js'

export interface FeActiveTestOptions {
  /** The service definition; src/service.ts when absent. */
  definition?: ServiceDefinition<Config>
  /** A database of the suite's own (e.g. `sqlite:<file>`); a fresh PostgreSQL database when absent. */
  databaseUrl?: string
  /** The logger's name. */
  name?: string
  /** The suite's own logger (then `name` is not used). */
  logger?: Logger
  env?: Record<string, string>
}

export interface SeedClientOptions {
  /** Whether fe-attiva is enabled for the client (default: true). */
  enabled?: boolean
}

export interface FeActiveTest {
  running: TestService<Config>
  issuer: TestTokenIssuer
  jwks: JwksServer
  logger: Logger
  tokenFor(studio: string, permissions: Permission[]): Promise<string>
  /** A client_replica row, as the replica of auth's clients would write it; returns its client id. */
  seedClient(studioId: string, partitaIva: string, options?: SeedClientOptions): Promise<string>
  close(): Promise<void>
}

export async function seedClient(
  running: TestService<Config>,
  studioId: string,
  partitaIva: string,
  { enabled = true }: SeedClientOptions = {},
): Promise<string> {
  const now = new Date()
  const clientId = randomUUID()
  await running.orm.em.fork().insert(ClientReplica, {
    clientId,
    studioId,
    codiceSoggetto: `C${partitaIva.slice(-4)}`,
    denominazione: `Client ${partitaIva}`,
    partitaIva,
    codiceFiscale: null,
    codiceDestinatario: null,
    pec: null,
    feAttivaEnabledAt: enabled ? now : null,
    fePassivaEnabledAt: null,
    version: 1,
    updatedAt: now,
    changedAt: now,
    replicatedAt: now,
  })
  return clientId
}

export async function startFeActiveTest(options: FeActiveTestOptions = {}): Promise<FeActiveTest> {
  const database: TestDatabase | undefined = options.databaseUrl === undefined ? await createTestDatabase() : undefined
  const issuer = await createTestTokenIssuer()
  const jwks = await startJwksServer(issuer.jwks)
  const logger = options.logger ?? createLogger({ name: options.name ?? 'fe-active-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' })
  const running = await startTestService(options.definition ?? service, {
    databaseUrl: options.databaseUrl ?? (database as TestDatabase).url,
    redisPrefix: testRedisPrefix(),
    logger,
    // The tests' webhook receivers listen on 127.0.0.1.
    env: { AUTH_JWKS_URL: jwks.url, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', ...options.env },
  })
  return {
    running,
    issuer,
    jwks,
    logger,
    tokenFor: (studio, permissions) => issuer.sign({ studio, permissions }),
    seedClient: (studioId, partitaIva, seedOptions) => seedClient(running, studioId, partitaIva, seedOptions),
    async close() {
      await running.close()
      await jwks.close()
      await database?.drop()
    },
  }
}
