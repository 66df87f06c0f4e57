// Real: the fe-active service on PostgreSQL (a database of its own) and on an SQLite file; the transmitter's
// call goes to a closed port (SDI unreachable), which is enough to see the file name it took.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Permissions } from '@fatturapa-hub/shared'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { SdiTransmission } from '../../src/transmission/transmission.entity.js'
import { type FeActiveTest, startFeActiveTest } from '../support/fe-active-test.js'
import { sampleInvoice, uniqueNumero } from '../support/samples.js'
import { unreachableSdiTransmitter } from '../support/unreachable-sdi.js'

const sqliteDir = mkdtempSync(join(tmpdir(), 'fe-active-progressivo-'))

describe.each([
  ['PostgreSQL', undefined],
  ['SQLite', `sqlite:${join(sqliteDir, 'fe-active.sqlite')}`],
])('progressivo counters of transmitters on %s', (_name, databaseUrl) => {
  const studio = randomUUID()
  const otherStudio = randomUUID()
  // The transmitter of the sample files: IdTrasmittente IT01234567890, the partita IVA of the studio's client.
  const transmitter = 'IT01234567890'
  let test: FeActiveTest
  let admin: string

  beforeAll(async () => {
    test = await startFeActiveTest({ name: 'fe-active-progressivo', ...(databaseUrl ? { databaseUrl } : {}) })
    admin = await test.tokenFor(studio, [Permissions.FeActiveSettings, Permissions.FeActiveSend, Permissions.FeActiveRead])
    await test.seedClient(studio, '01234567890')
  })
  afterAll(async () => {
    await test?.close()
    if (databaseUrl) rmSync(sqliteDir, { recursive: true, force: true })
  })

  const call = (token: string, method: 'GET' | 'PUT', url: string, payload?: object) =>
    test.running.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) })
  const counterUrl = (code = transmitter) => `/settings/transmitters/${code}/progressivo`

  async function transmittedFileName(): Promise<string> {
    const sender = await unreachableSdiTransmitter(test)
    const submitted = await test.running.app.inject({
      method: 'POST',
      url: '/invoices',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/xml' },
      payload: sampleInvoice('IT01234567890_FPR02.xml', uniqueNumero('PG')),
    })
    expect(submitted.statusCode).toBe(201)
    expect(await sender.transmit(submitted.json().id, 1)).toMatchObject({ kind: 'refused', error: 'unreachable' })
    const [row] = await test.running.orm.em.fork().find(SdiTransmission, { invoiceId: submitted.json().id })
    return row?.fileName as string
  }

  it('continues the file names after the last progressivo a transmitter used elsewhere, and never goes back', async () => {
    expect((await call(admin, 'GET', counterUrl())).json()).toEqual({ transmitter, lastUsedProgressivo: null, nextProgressivo: '00001' })

    const raised = await call(admin, 'PUT', counterUrl(), { lastUsedProgressivo: '0003k' })
    expect(raised.statusCode).toBe(200)
    expect(raised.json()).toEqual({ transmitter, lastUsedProgressivo: '0003K', nextProgressivo: '0003L' })
    expect(await transmittedFileName()).toBe('IT01234567890_0003L.xml')

    // Lower than what was used: nothing changes (SDI refuses a name it has seen with 00002).
    const lower = await call(admin, 'PUT', counterUrl(), { lastUsedProgressivo: '00005' })
    expect(lower.json()).toEqual({ transmitter, lastUsedProgressivo: '0003L', nextProgressivo: '0003M' })
    expect(await transmittedFileName()).toBe('IT01234567890_0003M.xml')
    expect((await call(admin, 'GET', counterUrl())).json()).toMatchObject({ lastUsedProgressivo: '0003M', nextProgressivo: '0003N' })
  })

  it('answers only for the studio’s own transmitters, with stable codes for bad input', async () => {
    const stranger = await test.tokenFor(otherStudio, [Permissions.FeActiveSettings])
    for (const method of ['GET', 'PUT'] as const) {
      const refused = await call(stranger, method, counterUrl(), method === 'PUT' ? { lastUsedProgressivo: 'ZZZZY' } : undefined)
      expect(refused.statusCode).toBe(404)
      expect(refused.json()).toMatchObject({ code: 'TRANSMITTER_NOT_FOUND' })
    }
    expect((await call(admin, 'GET', counterUrl('IT99999999999'))).json()).toMatchObject({ status: 404, code: 'TRANSMITTER_NOT_FOUND' })
    expect((await call(admin, 'GET', counterUrl('it0123'))).statusCode).toBe(400)
    expect((await call(admin, 'PUT', counterUrl(), { lastUsedProgressivo: '0003-' })).statusCode).toBe(400)
    for (const lastUsedProgressivo of ['I0000', 'ZZZZZ']) {
      expect((await call(admin, 'PUT', counterUrl(), { lastUsedProgressivo })).json()).toMatchObject({
        status: 422,
        code: 'PROGRESSIVO_TOO_HIGH',
      })
    }
    // Transmitters as the file names spell them: upper case (a lower-case one would raise a counter no file uses).
    expect((await call(admin, 'GET', counterUrl('ITrssmra80a01h501u'))).statusCode).toBe(400)
    const sender = await test.tokenFor(studio, [Permissions.FeActiveSend])
    expect((await call(sender, 'PUT', counterUrl(), { lastUsedProgressivo: '00100' })).statusCode).toBe(403)
    // Another studio with a client of the same partita IVA: the platform transmits as it for this studio already.
    await test.seedClient(otherStudio, '01234567890')
    expect((await call(stranger, 'PUT', counterUrl(), { lastUsedProgressivo: 'HZZZZ' })).json()).toMatchObject({
      status: 409,
      code: 'TRANSMITTER_SHARED',
    })
    // None of the refusals moved the counter.
    expect((await call(admin, 'GET', counterUrl())).json()).toMatchObject({ nextProgressivo: '0003N' })
  })
})
