import { createTokenVerifier, type Mailer, type TokenVerifier } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/core'
import { createCa, exportCa, loadCa, type PlatformCa, type StoredCa } from './certificates/index.js'
import type { Config } from './config.js'
import { loadOrCreateSecret } from './secrets/store.js'
import { DatabaseRefreshTokenStore } from './tokens/db-refresh-token-store.js'
import { KeyRing, type RefreshTokenStore } from './tokens/index.js'

/** What the auth routes share: keys, CA, stores and the mailer, opened once per process. */
export interface AuthRuntime {
  config: Config
  keyRing: KeyRing
  ca: PlatformCa
  refreshTokens: RefreshTokenStore
  /** Verifies access tokens with the service's own key ring, without an HTTP round trip to itself. */
  verifier: TokenVerifier
  mailer: Mailer
}

declare module 'fastify' {
  interface FastifyInstance {
    authRuntime: AuthRuntime
  }
}

export async function openAuthRuntime(em: EntityManager, config: Config, mailer: Mailer | undefined): Promise<AuthRuntime> {
  if (mailer === undefined) throw new Error('the auth service needs its mailer (MAIL_DIR or SMTP_URL)')
  const ringJson = await loadOrCreateSecret(em, 'signing-keys', config.AUTH_SECRET, async () =>
    JSON.stringify((await KeyRing.create()).toJSON()),
  )
  const keyRing = await KeyRing.fromJSON(JSON.parse(ringJson))
  const caJson = await loadOrCreateSecret(em, 'client-ca', config.AUTH_SECRET, async () =>
    // The CA key is sealed as a whole below; the passphrase here only satisfies the PKCS#8 export format.
    JSON.stringify(exportCa(await createCa({ organization: 'fatturapa-hub' }), config.AUTH_SECRET)),
  )
  const ca = loadCa({ ...(JSON.parse(caJson) as StoredCa), passphrase: config.AUTH_SECRET })
  return {
    config,
    keyRing,
    ca,
    refreshTokens: new DatabaseRefreshTokenStore(em),
    verifier: createTokenVerifier({ jwks: () => keyRing.publicJwks() }),
    mailer,
  }
}
