import type { JSONWebKeySet } from 'jose'
import Type, { type Static } from 'typebox'
import { Value } from 'typebox/value'
import { defaultAccessTokenTtlSeconds, verifierClockToleranceSeconds } from './constants.js'
import { generateSigningKey, type SigningKey, signingKeyFromJwk } from './signing-key.js'

export const SerializedKeyRingSchema = Type.Object({
  version: Type.Literal(1),
  /** Newest first; the first key signs. */
  keys: Type.Array(
    Type.Object({
      kid: Type.String(),
      createdAt: Type.String({ format: 'date-time' }),
      privateJwk: Type.Object({ kty: Type.String(), crv: Type.String(), x: Type.String(), y: Type.String(), d: Type.String() }),
    }),
    { minItems: 1 },
  ),
})
/** The ring with its private keys, for storage; contains secrets. */
export type SerializedKeyRing = Static<typeof SerializedKeyRingSchema>

/**
 * How long a replaced key stays verifiable: every token it signed must have expired, even on a verifier whose
 * clock lags.
 */
export const defaultKeyRetentionMs = (defaultAccessTokenTtlSeconds + verifierClockToleranceSeconds) * 1000

/**
 * The auth service's signing keys: the newest signs new tokens, the previous ones stay published in the JWKS
 * until the tokens they signed have expired, so rotating never logs anyone out.
 */
export class KeyRing {
  #keys: SigningKey[]
  #publicJwks: JSONWebKeySet | undefined

  private constructor(keys: SigningKey[]) {
    this.#keys = keys
  }

  static async create(now = new Date()): Promise<KeyRing> {
    return new KeyRing([await generateSigningKey(now)])
  }

  static async fromJSON(data: unknown): Promise<KeyRing> {
    if (!Value.Check(SerializedKeyRingSchema, data)) throw new Error('not a serialised key ring')
    const keys = await Promise.all(
      data.keys.map((entry) => signingKeyFromJwk({ ...entry.privateJwk, kid: entry.kid }, new Date(entry.createdAt))),
    )
    return new KeyRing(keys)
  }

  /** The key new tokens are signed with. */
  get current(): SigningKey {
    const key = this.#keys[0]
    if (!key) throw new Error('the key ring is empty')
    return key
  }

  /** Newest first. */
  get keys(): readonly SigningKey[] {
    return this.#keys
  }

  find(kid: string): SigningKey | undefined {
    return this.#keys.find((key) => key.kid === kid)
  }

  /** Makes a fresh key the signing one; the previous keys keep verifying until removed. */
  async rotate(now = new Date()): Promise<SigningKey> {
    const key = await generateSigningKey(now)
    this.#keys = [key, ...this.#keys]
    this.#publicJwks = undefined
    return key
  }

  /** Stops publishing a previous key: tokens it signed fail verification once verifiers refresh their key set. */
  remove(kid: string): boolean {
    if (this.current.kid === kid) throw new Error('the current signing key cannot be removed; rotate first')
    const remaining = this.#keys.filter((key) => key.kid !== kid)
    if (remaining.length === this.#keys.length) return false
    this.#keys = remaining
    this.#publicJwks = undefined
    return true
  }

  /** Removes the previous keys replaced more than `retentionMs` ago, returning their kids. */
  prune(now = new Date(), retentionMs = defaultKeyRetentionMs): string[] {
    const removed: string[] = []
    // A key was replaced when the next newer one was created.
    for (let index = 1; index < this.#keys.length; index++) {
      const replacedAt = this.#keys[index - 1]?.createdAt
      const key = this.#keys[index]
      if (key && replacedAt && now.getTime() - replacedAt.getTime() > retentionMs) removed.push(key.kid)
    }
    if (removed.length > 0) {
      this.#keys = this.#keys.filter((key) => !removed.includes(key.kid))
      this.#publicJwks = undefined
    }
    return removed
  }

  /** The JWKS document; the same object until the ring changes, so local verifiers can cache imported keys. */
  publicJwks(): JSONWebKeySet {
    this.#publicJwks ??= { keys: this.#keys.map((key) => ({ ...key.publicJwk })) }
    return this.#publicJwks
  }

  toJSON(): SerializedKeyRing {
    return {
      version: 1,
      keys: this.#keys.map((key) => {
        const { kty, crv, x, y, d } = key.privateJwk
        if (!kty || !crv || !x || !y || !d) throw new Error(`signing key ${key.kid} lost its private part`)
        return { kid: key.kid, createdAt: key.createdAt.toISOString(), privateJwk: { kty, crv, x, y, d } }
      }),
    }
  }
}
