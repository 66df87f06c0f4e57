// Real: PostgreSQL (a database of its own), the auth service's migrations and its audit job handler.
import { createLogger } from '@fatturapa-hub/shared'
import { createTestDatabase, startTestService, type TestDatabase, type TestService, testRedisPrefix } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Job } from 'bullmq'
import { recordAuditEvent } from '../../src/audit/audit-record.job.js'
import { verifyAuditChain } from '../../src/audit/verify-chain.js'
import type { Config } from '../../src/config.js'
import { service } from '../../src/service.js'

const log = createLogger({ name: 'auth-test', level: 'silent' })

describe('audit hash chain', () => {
  let database: TestDatabase
  let auth: TestService<Config>

  const record = (eventId: string, extra: Record<string, unknown> = {}) =>
    auth.orm.em.fork().transactional((em) =>
      recordAuditEvent(
        {
          v: 1,
          eventId,
          occurredAt: '2026-11-23T10:15:00+01:00',
          service: 'fe-active',
          action: 'invoice.submit',
          outcome: 'success',
          studioId: 'studio-1',
          actor: { kind: 'user', userId: 'u-1', username: 'ADM@studio-1' },
          ...extra,
        },
        { em, log, job: {} as Job },
      ),
    )
  const sql = (query: string) => auth.orm.em.getConnection().execute(query)

  beforeAll(async () => {
    database = await createTestDatabase()
    auth = await startTestService(service, { databaseUrl: database.url, redisPrefix: testRedisPrefix() })
    await record('evt-1')
    await record('evt-2', { resource: { type: 'invoice', id: 'inv-9' }, details: { z: 1, a: { nested: [1, 2] } }, ip: '10.0.0.1' })
    await record('evt-3', { outcome: 'failure', requestId: 'req-3' })
  })
  afterAll(async () => {
    await auth.close()
    await database.drop()
  })

  it('verifies an untouched log, whatever offset the event times were written with', async () => {
    expect(await verifyAuditChain(auth.orm.em.fork())).toMatchObject({ valid: true, events: 3 })
  })

  it('detects a modified row at that row', async () => {
    await sql("update audit_event set action = 'invoice.delete' where event_id = 'evt-2'")
    expect(await verifyAuditChain(auth.orm.em.fork())).toMatchObject({ valid: false, problem: 'content-altered', events: 1 })
    await sql("update audit_event set action = 'invoice.submit' where event_id = 'evt-2'")
    expect((await verifyAuditChain(auth.orm.em.fork())).valid).toBe(true)
  })

  it('detects a deleted row at the row after it', async () => {
    const [second] = await sql("select seq from audit_event where event_id = 'evt-2'")
    const [third] = await sql("select seq from audit_event where event_id = 'evt-3'")
    await sql("delete from audit_event where event_id = 'evt-2'")
    expect(await verifyAuditChain(auth.orm.em.fork(), { pageSize: 1 })).toEqual({
      valid: false,
      events: 1,
      brokenAt: String(third?.seq),
      problem: 'link-broken',
    })
    expect(second?.seq).toBeDefined()
  })
})
