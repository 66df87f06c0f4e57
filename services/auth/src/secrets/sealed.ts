import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto'

const version = 'v1'

/**
 * AES-256-GCM under a key derived from AUTH_SECRET with scrypt and a per-value salt: a database dump alone does
 * not yield the signing or CA keys, and a changed ciphertext fails authentication instead of decrypting to junk.
 */
export function seal(plaintext: string, secret: string): string {
  const salt = randomBytes(16)
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', deriveKey(secret, salt), iv)
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return [version, salt, iv, cipher.getAuthTag(), body]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.')
}

export function unseal(sealed: string, secret: string): string {
  const [tag, salt, iv, authTag, body] = sealed.split('.')
  if (tag !== version || !salt || !iv || !authTag || body === undefined) throw new Error('not a sealed value')
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(secret, Buffer.from(salt, 'base64url')), Buffer.from(iv, 'base64url'))
  decipher.setAuthTag(Buffer.from(authTag, 'base64url'))
  try {
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
  } catch {
    throw new Error('the sealed value cannot be opened: AUTH_SECRET differs from the one it was sealed with, or the value was altered')
  }
}

function deriveKey(secret: string, salt: Buffer): Buffer {
  return scryptSync(secret, salt, 32, { N: 2 ** 14, r: 8, p: 1 })
}
