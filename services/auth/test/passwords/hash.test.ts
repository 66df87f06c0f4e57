import { describe, expect, it } from '@jest/globals'
import argon2 from 'argon2'
import { hashPassword, needsRehash, passwordHashParameters, verifyPassword } from '../../src/passwords/index.js'

const password = 'Fattura24$.pa'

describe('hashPassword / verifyPassword', () => {
  it('round-trips', async () => {
    const hash = await hashPassword(password)
    expect(await verifyPassword(hash, password)).toBe(true)
  })

  it('uses argon2id with at least the OWASP parameters', async () => {
    const hash = await hashPassword(password)
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
    expect(passwordHashParameters.memoryCost).toBeGreaterThanOrEqual(19_456)
    expect(passwordHashParameters.timeCost).toBeGreaterThanOrEqual(2)
  })

  it('salts: the same password hashes differently each time', async () => {
    const [first, second] = await Promise.all([hashPassword(password), hashPassword(password)])
    expect(first).not.toBe(second)
  })

  it.each([['Fattura24$.p'], ['fattura24$.pa'], ['Fattura24$.pa '], [''], ['Fattura24$.pa\u0000']])(
    'rejects the wrong password %j',
    async (wrong) => {
      const hash = await hashPassword(password)
      expect(await verifyPassword(hash, wrong)).toBe(false)
    },
  )

  it.each([['Fattura24$.pa'], ['abcde12$'], ['Niccolò12$àè'], ['😀😀abcde12$'], ['APIREST12$abc']])(
    'never stores the password %j in the hash',
    async (plain) => {
      const hash = await hashPassword(plain)
      expect(hash).not.toContain(plain)
      expect(hash).not.toContain(Buffer.from(plain).toString('base64').replace(/=+$/, ''))
    },
  )

  it('treats composed and decomposed accents as the same password', async () => {
    const hash = await hashPassword('Perch\u00e912$')
    expect(await verifyPassword(hash, 'Perche\u030112$')).toBe(true)
  })
})

describe('verifyPassword with a malformed or foreign hash', () => {
  it.each<[string, () => Promise<string>]>([
    ['empty', async () => ''],
    ['free text', async () => 'not-a-hash'],
    ['the password itself', async () => password],
    ['only the prefix', async () => '$argon2id$'],
    ['no salt and digest', async () => '$argon2id$v=19$m=19456,t=2,p=1$'],
    ['truncated', async () => (await hashPassword(password)).slice(0, -20)],
    ['bad base64 salt', async () => (await hashPassword(password)).replace(/^(\$argon2id\$v=19\$[^$]+\$)[^$]+/, '$1!!!!')],
    ['invalid parameters', async () => (await hashPassword(password)).replace('m=19456', 'm=1')],
    ['unknown parameters', async () => (await hashPassword(password)).replace('t=2', 'x=2')],
    // Not the last character: in unpadded base64 its low bits are padding, so some changes decode to the same digest.
    ['tampered digest', async () => tamperDigest(await hashPassword(password))],
    ['bcrypt', async () => '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'],
    ['argon2i of the same password', async () => argon2.hash(password, { type: argon2.argon2i })],
    ['not a string', async () => null as unknown as string],
  ])('%s: false, no exception', async (_label, makeHash) => {
    const hash = await makeHash()
    await expect(verifyPassword(hash, password)).resolves.toBe(false)
  })
})

describe('needsRehash', () => {
  it('is false for a hash made with the current parameters', async () => {
    expect(needsRehash(await hashPassword(password))).toBe(false)
  })

  it.each<[string, () => Promise<string>]>([
    ['argon2 defaults (other parameters)', () => argon2.hash(password)],
    ['stronger memory', () => argon2.hash(password, { ...passwordHashParameters, memoryCost: 47_104 })],
    ['fewer passes', () => argon2.hash(password, { ...passwordHashParameters, timeCost: 1 })],
    ['argon2i with the same parameters', () => argon2.hash(password, { ...passwordHashParameters, type: argon2.argon2i })],
    ['malformed', async () => '$argon2id$garbage'],
    ['empty', async () => ''],
  ])('is true for %s', async (_label, makeHash) => {
    expect(needsRehash(await makeHash())).toBe(true)
  })
})

/** Changes one character well inside the digest to one that differs in its high bits, so the decoded digest changes. */
function tamperDigest(hash: string): string {
  const at = hash.length - 10
  return `${hash.slice(0, at)}${hash[at] === 'A' ? 'g' : 'A'}${hash.slice(at + 1)}`
}
