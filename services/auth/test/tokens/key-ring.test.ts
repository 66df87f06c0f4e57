import { describe, expect, it } from '@jest/globals'
import { jwtVerify, SignJWT } from 'jose'
import { KeyRing } from '../../src/tokens/key-ring.js'
import { InMemoryKeyRingStore, loadOrCreateKeyRing } from '../../src/tokens/key-ring-store.js'

describe('KeyRing', () => {
  it('publishes public ES256 keys only', async () => {
    const ring = await KeyRing.create()
    const jwks = ring.publicJwks()
    expect(jwks.keys).toHaveLength(1)
    expect(jwks.keys[0]).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      kid: ring.current.kid,
      alg: 'ES256',
      use: 'sig',
    })
    expect(JSON.stringify(jwks)).not.toContain('"d"')
    expect(ring.publicJwks()).toBe(jwks)
  })

  it('signs with the newest key and keeps the previous ones until pruned', async () => {
    const ring = await KeyRing.create(new Date('2026-01-01T00:00:00Z'))
    const first = ring.current
    const second = await ring.rotate(new Date('2026-01-02T00:00:00Z'))
    expect(ring.current).toBe(second)
    expect(ring.publicJwks().keys.map((key) => key.kid)).toEqual([second.kid, first.kid])
    expect(ring.prune(new Date('2026-01-02T00:10:00Z'))).toEqual([])
    expect(ring.prune(new Date('2026-01-02T00:16:00Z'))).toEqual([first.kid])
    expect(ring.publicJwks().keys.map((key) => key.kid)).toEqual([second.kid])
    expect(() => ring.remove(second.kid)).toThrow(/current/)
    expect(ring.remove('unknown')).toBe(false)
  })

  it('survives a round trip through its store', async () => {
    const store = new InMemoryKeyRingStore()
    const ring = await loadOrCreateKeyRing(store)
    await ring.rotate()
    await store.save(ring.toJSON())
    const loaded = await loadOrCreateKeyRing(store)
    expect(loaded.keys.map((key) => key.kid)).toEqual(ring.keys.map((key) => key.kid))
    expect(loaded.keys.map((key) => key.createdAt)).toEqual(ring.keys.map((key) => key.createdAt))
    // A key loaded from storage signs what the original's public key verifies.
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).sign(loaded.current.privateKey)
    await expect(jwtVerify(token, ring.current.publicJwk)).resolves.toBeDefined()
  })

  it('refuses a stored ring that is malformed or whose kid does not match its key', async () => {
    const serialised = (await KeyRing.create()).toJSON()
    await expect(KeyRing.fromJSON({ version: 1, keys: [] })).rejects.toThrow(/not a serialised key ring/)
    await expect(KeyRing.fromJSON({ ...serialised, version: 2 })).rejects.toThrow()
    const entry = serialised.keys[0]
    if (!entry) throw new Error('no key')
    await expect(KeyRing.fromJSON({ version: 1, keys: [{ ...entry, kid: 'forged' }] })).rejects.toThrow(/does not match/)
  })
})
