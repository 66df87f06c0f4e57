import { describe, expect, it } from '@jest/globals'
import { InMemoryRefreshTokenStore } from '../../src/tokens/refresh-token-store.js'
import { hashRefreshToken, issueRefreshToken, revokeRefreshToken, rotateRefreshToken } from '../../src/tokens/refresh-tokens.js'

const subject = { userId: 'user-1', studioId: 'studio-1' }
const day = 24 * 60 * 60 * 1000

describe('refresh tokens', () => {
  it('are 256-bit base64url values stored only as hashes', async () => {
    const store = new InMemoryRefreshTokenStore()
    const now = new Date('2026-03-01T00:00:00Z')
    const issued = await issueRefreshToken(store, subject, { now })
    expect(issued.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(Buffer.from(issued.token, 'base64url')).toHaveLength(32)
    expect(issued.expiresAt).toEqual(new Date(now.getTime() + 30 * day))
    expect(await store.findByHash(issued.token)).toBeUndefined()
    expect(await store.findByHash(hashRefreshToken(issued.token))).toMatchObject({
      ...subject,
      familyId: issued.familyId,
      consumedAt: null,
    })
  })

  it('rotate on use within the same family', async () => {
    const store = new InMemoryRefreshTokenStore()
    const first = await issueRefreshToken(store, subject)
    const second = await rotateRefreshToken(store, first.token)
    expect(second).toMatchObject({ ...subject, familyId: first.familyId })
    expect(second.token).not.toBe(first.token)
    expect(await store.findByHash(hashRefreshToken(first.token))).toMatchObject({
      consumedAt: expect.any(Date),
      replacedBy: hashRefreshToken(second.token),
    })
    await expect(rotateRefreshToken(store, second.token)).resolves.toMatchObject({ familyId: first.familyId })
  })

  it('revoke the whole family when a consumed token is used again', async () => {
    const store = new InMemoryRefreshTokenStore()
    const stolen = await issueRefreshToken(store, subject)
    const other = await issueRefreshToken(store, subject)
    const legit = await rotateRefreshToken(store, stolen.token)
    await expect(rotateRefreshToken(store, stolen.token)).rejects.toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED', reason: 'reused' })
    await expect(rotateRefreshToken(store, legit.token)).rejects.toMatchObject({ statusCode: 401, reason: 'revoked' })
    // Another session of the same user is untouched.
    await expect(rotateRefreshToken(store, other.token)).resolves.toBeDefined()
  })

  it('let only one of two concurrent rotations win, and revoke the family', async () => {
    const store = new InMemoryRefreshTokenStore()
    const issued = await issueRefreshToken(store, subject)
    const results = await Promise.allSettled([rotateRefreshToken(store, issued.token), rotateRefreshToken(store, issued.token)])
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected'])
    const winner = results.find((result) => result.status === 'fulfilled')
    if (winner?.status !== 'fulfilled') throw new Error('no winner')
    await expect(rotateRefreshToken(store, winner.value.token)).rejects.toMatchObject({ reason: 'revoked' })
  })

  it('expire', async () => {
    const store = new InMemoryRefreshTokenStore()
    const now = new Date('2026-03-01T00:00:00Z')
    const issued = await issueRefreshToken(store, subject, { now, ttlSeconds: 60 })
    await expect(rotateRefreshToken(store, issued.token, { now: new Date(now.getTime() + 61_000) })).rejects.toMatchObject({
      reason: 'expired',
    })
    expect(await store.deleteExpired(new Date(now.getTime() + 61_000))).toBe(1)
    await expect(rotateRefreshToken(store, issued.token)).rejects.toMatchObject({ reason: 'unknown' })
  })

  it('refuse malformed and unknown tokens with the same answer', async () => {
    const store = new InMemoryRefreshTokenStore()
    const malformed = rotateRefreshToken(store, 'nope')
    await expect(malformed).rejects.toMatchObject({ reason: 'malformed', message: 'The refresh token is not valid; sign in again.' })
    await expect(rotateRefreshToken(store, 'A'.repeat(43))).rejects.toMatchObject({
      reason: 'unknown',
      message: 'The refresh token is not valid; sign in again.',
    })
  })

  it('end a session at sign-out and every session of a user on demand', async () => {
    const store = new InMemoryRefreshTokenStore()
    const one = await issueRefreshToken(store, subject)
    const two = await issueRefreshToken(store, subject)
    const three = await issueRefreshToken(store, { userId: 'user-2', studioId: 'studio-1' })
    await revokeRefreshToken(store, one.token)
    await revokeRefreshToken(store, 'unknown')
    await expect(rotateRefreshToken(store, one.token)).rejects.toMatchObject({ reason: 'revoked' })
    expect(await store.revokeUser('user-1', new Date())).toBe(1)
    await expect(rotateRefreshToken(store, two.token)).rejects.toMatchObject({ reason: 'revoked' })
    await expect(rotateRefreshToken(store, three.token)).resolves.toBeDefined()
  })
})
