import { ProgressivoRangeError } from './errors.js'

/** 36^5 - 1: the last counter that still fits in five base-36 characters (ZZZZZ). */
export const maxProgressivoCounter = 36 ** 5 - 1

/**
 * Turns a persistent per-transmitter counter into the 5-character progressivo of the file name. Names must
 * never be reused (00002, even after an NS), so the counter only grows and is never recycled.
 */
export function progressivoFromCounter(counter: number): string {
  if (!Number.isSafeInteger(counter) || counter < 1 || counter > maxProgressivoCounter) {
    throw new ProgressivoRangeError(counter, `progressivo counter must be an integer from 1 to ${maxProgressivoCounter}, got ${counter}`)
  }
  return counter.toString(36).toUpperCase().padStart(5, '0')
}

/** The inverse of {@link progressivoFromCounter}, e.g. to seed a counter from names already sent. */
export function counterFromProgressivo(progressivo: string): number {
  if (!/^[A-Za-z0-9]{1,5}$/.test(progressivo)) {
    throw new ProgressivoRangeError(Number.NaN, `progressivo must be 1 to 5 letters or digits, got ${JSON.stringify(progressivo)}`)
  }
  return Number.parseInt(progressivo, 36)
}

/** Hands out counters per transmitter (IdPaese + IdCodice). Services implement it with an atomic DB sequence. */
export interface ProgressivoStore {
  next(transmitter: string): Promise<number>
}

/** For tests and the CLI: counters live as long as the process. */
export class InMemoryProgressivoStore implements ProgressivoStore {
  private readonly counters = new Map<string, number>()

  /** `start` maps a transmitter to its last used counter. */
  constructor(start: Record<string, number> = {}) {
    for (const [transmitter, counter] of Object.entries(start)) this.counters.set(transmitter, counter)
  }

  async next(transmitter: string): Promise<number> {
    const counter = (this.counters.get(transmitter) ?? 0) + 1
    if (counter > maxProgressivoCounter) {
      throw new ProgressivoRangeError(counter, `progressivo space of ${transmitter} is exhausted`)
    }
    this.counters.set(transmitter, counter)
    return counter
  }
}
