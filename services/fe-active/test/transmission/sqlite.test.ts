// Embedded mode (`pnpm start`) runs fe-active on SQLite: the same submission, progressivo counter, transmission
// outcome and sweeper on a SQLite file.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Permissions } from '@fatturapa-hub/shared'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Invoice } from '../../src/invoices/invoice.entity.js'
import { RecentlyQueued, sweepTransmissions } from '../../src/transmission/sweeper.js'
import { SdiTransmission } from '../../src/transmission/transmission.entity.js'
import { type FeActiveTest, startFeActiveTest } from '../support/fe-active-test.js'
import { sampleInvoice, uniqueNumero } from '../support/samples.js'
import { unreachableSdiTransmitter } from '../support/unreachable-sdi.js'

describe('fe-active transmission on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fe-active-transmission-'))
  const studio = randomUUID()
  let test: FeActiveTest
  let token: string

  beforeAll(async () => {
    test = await startFeActiveTest({ databaseUrl: `sqlite:${join(dir, 'fe-active.sqlite')}`, name: 'fe-active-transmission-sqlite' })
    token = await test.tokenFor(studio, [Permissions.FeActiveSend, Permissions.FeActiveRead])
    await test.seedClient(studio, '01234567890')
  })
  afterAll(async () => {
    await test?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('numbers the files of a transmitter, records a refused call and sweeps the due retry', async () => {
    const transmitter = await unreachableSdiTransmitter(test)
    const ids: string[] = []
    for (let index = 0; index < 2; index++) {
      const response = await test.running.app.inject({
        method: 'POST',
        url: '/invoices',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
        payload: sampleInvoice('IT01234567890_FPR02.xml', uniqueNumero('SQ')),
      })
      expect(response.statusCode).toBe(201)
      ids.push(response.json().id)
      expect(await transmitter.transmit(response.json().id, 1)).toMatchObject({ kind: 'refused', error: 'unreachable' })
    }
    const names = (await test.running.orm.em.fork().find(SdiTransmission, { invoiceId: { $in: ids } })).map((row) => row.fileName).sort()
    expect(names).toEqual(['IT01234567890_00001.xml', 'IT01234567890_00002.xml'])

    await new Promise((resolve) => setTimeout(resolve, 150))
    const recentlyQueued = new RecentlyQueued(60_000)
    const sweep = () =>
      sweepTransmissions({
        orm: test.running.orm,
        // The real queue (nothing consumes it here): the sweeper's jobs are what it reports.
        producer: test.running.producer,
        transmitter,
        logger: test.logger,
        unansweredAfterMs: 60_000,
        messageGraceMs: 0,
        recentlyQueued,
      })
    expect(await sweep()).toMatchObject({ transmissionsQueued: 2, unanswered: 0, messagesQueued: 0 })
    // Their jobs wait in the queue: the next passes do not queue them again.
    expect(await sweep()).toMatchObject({ transmissionsQueued: 0 })
    const invoice = await test.running.orm.em.fork().findOneOrFail(Invoice, { id: ids[0] as string })
    expect(invoice.state).toBe('ERRORE_IN_INVIO')
    expect(await transmitter.transmit(invoice.id, 2)).toMatchObject({ kind: 'refused' })
    const again = await test.running.orm.em.fork().find(SdiTransmission, { invoiceId: invoice.id }, { orderBy: { attempt: 'asc' } })
    expect(again.map((row) => row.fileName)).toEqual(['IT01234567890_00001.xml', 'IT01234567890_00003.xml'])
    // Its next attempt is a new job; the other invoice's attempt 2 is still the one queued before.
    await new Promise((resolve) => setTimeout(resolve, 250))
    expect(await sweep()).toMatchObject({ transmissionsQueued: 1 })
  })
})
