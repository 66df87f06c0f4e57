import { KeyRing, type SerializedKeyRing } from './key-ring.js'

/** Where the key ring persists, so every auth instance and restart signs with the same keys. */
export interface KeyRingStore {
  load(): Promise<SerializedKeyRing | undefined>
  save(ring: SerializedKeyRing): Promise<void>
}

export class InMemoryKeyRingStore implements KeyRingStore {
  #ring: SerializedKeyRing | undefined

  async load(): Promise<SerializedKeyRing | undefined> {
    return this.#ring && (JSON.parse(JSON.stringify(this.#ring)) as SerializedKeyRing)
  }

  async save(ring: SerializedKeyRing): Promise<void> {
    // A JSON copy, as a database column would hold, so later changes to the ring do not leak in.
    this.#ring = JSON.parse(JSON.stringify(ring)) as SerializedKeyRing
  }
}

/** The stored ring, or a new one with a single key, saved, on first start. */
export async function loadOrCreateKeyRing(store: KeyRingStore, now = new Date()): Promise<KeyRing> {
  const stored = await store.load()
  if (stored) return KeyRing.fromJSON(stored)
  const ring = await KeyRing.create(now)
  await store.save(ring.toJSON())
  return ring
}
