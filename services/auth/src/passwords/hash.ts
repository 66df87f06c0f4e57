import argon2 from 'argon2'
import { normalizePassword } from './normalize.js'

/**
 * Argon2id with the OWASP Password Storage Cheat Sheet baseline: 19 MiB of memory, 2 passes, 1 lane.
 * Memory hardness is what slows GPU guessing; one lane keeps a login to one core, which matters on small
 * hosts where logins share the CPU with everything else. The 16-byte random salt is argon2's default.
 * Raising any value later is safe: `needsRehash` reports old hashes and they are upgraded at next login.
 */
export const passwordHashParameters = Object.freeze({
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  hashLength: 32,
})

// Only hashes we produce are accepted; anything else (argon2i/d, bcrypt, garbage) is treated as malformed.
const argon2idPrefix = '$argon2id$'

/** The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) to store; it embeds salt and parameters. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(normalizePassword(password), passwordHashParameters)
}

/**
 * Whether `password` matches `hash`. The comparison is argon2's own constant-time one. Never throws: a
 * missing, malformed or foreign hash cannot authenticate anybody, so it is simply `false`.
 */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  if (typeof hash !== 'string' || typeof password !== 'string' || !hash.startsWith(argon2idPrefix)) return false
  try {
    return await argon2.verify(hash, normalizePassword(password))
  } catch {
    return false
  }
}

/**
 * Whether a stored hash was made with other parameters (or another algorithm) than the current ones and
 * should be replaced by `hashPassword` of the password just verified. A malformed hash always needs it.
 */
export function needsRehash(hash: string): boolean {
  if (typeof hash !== 'string' || !hash.startsWith(argon2idPrefix)) return true
  try {
    return argon2.needsRehash(hash, passwordHashParameters)
  } catch {
    return true
  }
}
