import { createHash } from 'node:crypto'

/** A seeded PRNG (mulberry32 over a SHA-256 of the seed): the same seed gives the same sequence on every platform. */
export class SeededRandom {
  #state: number

  constructor(seed: string | number) {
    this.#state = createHash('sha256').update(String(seed)).digest().readUInt32BE(0)
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0
    let t = this.#state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  hex(length: number): string {
    let out = ''
    while (out.length < length) out += this.int(0, 15).toString(16)
    return out
  }
}
