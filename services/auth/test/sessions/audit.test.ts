// Real: PostgreSQL, Redis (the audit queue is read back with BullMQ) and an SMTP server. Nothing is mocked.
import { type AuditRecordV1, Queues } from '@fatturapa-hub/shared'
import { testRedisUrl } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type Job, Queue } from 'bullmq'
import { type AuthTest, startAuthTest } from '../support/auth-test.js'

describe('audit of sign-in attempts and refreshes', () => {
  let auth: AuthTest
  let queue: Queue
  beforeAll(async () => {
    auth = await startAuthTest({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' })
    await auth.provision('au001')
    queue = new Queue(Queues.Audit, { connection: { url: testRedisUrl }, prefix: auth.service.config.REDIS_PREFIX })
  })
  afterAll(async () => {
    await queue?.close()
    await auth?.close()
  })

  async function eventOf(requestId: string): Promise<AuditRecordV1> {
    const deadline = Date.now() + 5000
    for (;;) {
      const jobs = (await queue.getJobs(['waiting', 'delayed', 'prioritized', 'paused'])) as Array<Job<AuditRecordV1>>
      const found = jobs.find((job) => job.data.requestId === requestId)
      if (found) return found.data
      if (Date.now() > deadline) throw new Error(`no audit event for ${requestId}`)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }

  it('records a sign-in with an unknown user name, with the name typed but never the password', async () => {
    const response = await auth.service.app.inject({
      method: 'POST',
      url: '/sessions',
      headers: { 'x-request-id': 'audit-unknown-user-1' },
      payload: { username: 'nessuno@au001', password: 'Segreta.123ab' },
    })
    expect(response.statusCode).toBe(401)
    const event = await eventOf('audit-unknown-user-1')
    expect(event).toMatchObject({ action: 'auth.signIn', outcome: 'failure', actor: { kind: 'anonymous', username: 'nessuno@au001' } })
    expect(JSON.stringify(event)).not.toContain('Segreta.123ab')
  })

  it('names the user found on a wrong password', async () => {
    const user = await auth.findUser('OPERATORE@au001')
    await auth.service.app.inject({
      method: 'POST',
      url: '/sessions',
      headers: { 'x-request-id': 'audit-wrong-password-1' },
      payload: { username: 'operatore@au001', password: 'Sbagliata.12x' },
    })
    expect(await eventOf('audit-wrong-password-1')).toMatchObject({
      outcome: 'failure',
      studioId: user.studioId,
      actor: { kind: 'user', userId: user.id, username: 'OPERATORE@au001' },
    })
  })

  it('records why a refresh was refused', async () => {
    await auth.service.app.inject({
      method: 'POST',
      url: '/sessions/refresh',
      headers: { 'x-request-id': 'audit-refresh-unknown-1' },
      payload: { refreshToken: 'A'.repeat(43) },
    })
    expect(await eventOf('audit-refresh-unknown-1')).toMatchObject({
      action: 'auth.refreshSession',
      outcome: 'failure',
      details: { reason: 'unknown' },
    })
  })
})
