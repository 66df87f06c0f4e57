// The store contract runs against the in-memory store and against the database store (real PostgreSQL).
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ClientCertificate } from '../../src/certificates/client-certificate.entity.js'
import { DatabaseCertificateStore } from '../../src/certificates/db-store.js'
import type { IssuedCertificate } from '../../src/certificates/issue.js'
import { type CertificateStore, InMemoryCertificateStore } from '../../src/certificates/store.js'
import { type AuthTest, startAuthTest } from '../support/auth-test.js'
import { studioA, studioB, vatA, vatB } from './fixtures.js'

function issued(serialNumber: string, partitaIva: string, studioId = studioA): IssuedCertificate {
  return {
    certificatePem: `PEM ${serialNumber}`,
    serialNumber,
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2027-01-01T00:00:00Z'),
    fingerprintSha256: `FP:${serialNumber}`,
    partitaIva,
    studioId,
  }
}

/** Every test gets an empty store. */
function storeContract(name: string, emptyStore: () => Promise<CertificateStore>) {
  describe(name, () => {
    it('lists the certificates of one VAT number, newest first', async () => {
      const store = await emptyStore()
      await store.save(issued('0A', vatA), new Date('2026-01-01T00:00:00Z'))
      await store.save(issued('0B', vatA), new Date('2026-02-01T00:00:00Z'))
      await store.save(issued('0C', vatB), new Date('2026-03-01T00:00:00Z'))
      expect((await store.listByPartitaIva(vatA)).map((record) => record.serialNumber)).toEqual(['B', 'A'])
      expect((await store.listByPartitaIva(vatB)).map((record) => record.serialNumber)).toEqual(['C'])
      await expect(store.save(issued('a', vatA))).rejects.toMatchObject({ code: 'CERTIFICATE_SERIAL_CONFLICT', statusCode: 409 })
    })

    it('revokes by serial in any hex spelling, once, and reports the revocation for the CRL', async () => {
      const store = await emptyStore()
      await store.save(issued('ABCD', vatA))
      expect(await store.isRevoked('abcd')).toBe(false)
      const revokedAt = new Date('2026-05-05T05:05:05Z')
      const record = await store.revoke('00:ab:cd', { reason: 'keyCompromise', revokedAt })
      expect(record.revocation).toEqual({ revokedAt, reason: 'keyCompromise' })
      expect(await store.isRevoked('ABCD')).toBe(true)
      const again = await store.revoke('ABCD', { reason: 'superseded', revokedAt: new Date() })
      expect(again.revocation).toEqual({ revokedAt, reason: 'keyCompromise' })
      expect(await store.listRevoked()).toEqual([{ serialNumber: 'ABCD', revokedAt, reason: 'keyCompromise' }])
    })

    it('does not revoke an unknown serial nor a certificate of another client', async () => {
      const store = await emptyStore()
      await store.save(issued('01', vatA))
      await expect(store.revoke('02', { reason: 'unspecified' })).rejects.toMatchObject({ code: 'CERTIFICATE_NOT_FOUND', statusCode: 404 })
      await expect(store.revoke('01', { reason: 'unspecified', partitaIva: vatB })).rejects.toMatchObject({
        code: 'CERTIFICATE_NOT_FOUND',
      })
      expect(await store.isRevoked('01')).toBe(false)
      expect(await store.isRevoked('99')).toBe(false)
    })

    it('hands out copies', async () => {
      const store = await emptyStore()
      const saved = await store.save(issued('01', vatA))
      saved.partitaIva = vatB
      expect((await store.findBySerial('01'))?.partitaIva).toBe(vatA)
    })

    it('refuses a serial that is not a positive hex integer', async () => {
      const store = await emptyStore()
      await expect(store.findBySerial('xyz')).rejects.toMatchObject({ code: 'CERTIFICATE_SERIAL_INVALID', statusCode: 400 })
      await expect(store.revoke('00', { reason: 'unspecified' })).rejects.toMatchObject({ code: 'CERTIFICATE_SERIAL_INVALID' })
    })
  })
}

storeContract('InMemoryCertificateStore', async () => new InMemoryCertificateStore())

describe('DatabaseCertificateStore (PostgreSQL)', () => {
  let auth: AuthTest
  const clientA = randomUUID()
  const clientB = randomUUID()
  const em = () => auth.service.orm.em

  beforeAll(async () => {
    auth = await startAuthTest()
  })
  afterAll(async () => auth?.close())

  async function emptyTable(): Promise<void> {
    await em().fork().nativeDelete(ClientCertificate, {})
  }

  storeContract('store contract', async () => {
    await emptyTable()
    return new DatabaseCertificateStore(em(), { owner: { studioId: studioA, clientId: clientA } })
  })

  it('records the owner and lists by client, newest first', async () => {
    await emptyTable()
    const store = new DatabaseCertificateStore(em(), { owner: { studioId: studioA, clientId: clientA, issuedBy: studioA } })
    await store.save(issued('10', vatA), new Date('2026-01-01T00:00:00Z'))
    await store.save(issued('11', vatA), new Date('2026-02-01T00:00:00Z'))
    const saved = await store.findBySerial('10')
    expect(saved).toMatchObject({ studioId: studioA, clientId: clientA, issuedBy: studioA, revocation: undefined })
    expect((await store.listByClient(clientA)).map((record) => record.serialNumber)).toEqual(['11', '10'])
    expect(await store.listByClient(clientB)).toEqual([])
  })

  it('scopes reads and revocations to a studio, and refuses to save without an owner', async () => {
    await emptyTable()
    await new DatabaseCertificateStore(em(), { owner: { studioId: studioA, clientId: clientA } }).save(issued('20', vatA))
    await new DatabaseCertificateStore(em(), { owner: { studioId: studioB, clientId: clientB } }).save(issued('21', vatB, studioB))
    const scopedB = new DatabaseCertificateStore(em(), { studioId: studioB })
    expect(await scopedB.findBySerial('20')).toBeUndefined()
    expect(await scopedB.listByPartitaIva(vatA)).toEqual([])
    await expect(scopedB.revoke('20', { reason: 'keyCompromise' })).rejects.toMatchObject({
      code: 'CERTIFICATE_NOT_FOUND',
      statusCode: 404,
    })
    await scopedB.revoke('21', { reason: 'superseded' })
    const everyStudio = new DatabaseCertificateStore(em())
    expect(await everyStudio.isRevoked('20')).toBe(false)
    expect((await everyStudio.listRevoked()).map((entry) => entry.serialNumber)).toEqual(['21'])
    // A serial is unique for the CA, whatever studio saves it.
    await expect(
      new DatabaseCertificateStore(em(), { owner: { studioId: studioB, clientId: clientB } }).save(issued('20', vatB, studioB)),
    ).rejects.toMatchObject({ code: 'CERTIFICATE_SERIAL_CONFLICT' })
    await expect(scopedB.save(issued('22', vatB, studioB))).rejects.toThrow(/needs an owner/)
    expect(() => new DatabaseCertificateStore(em(), { studioId: studioA, owner: { studioId: studioB, clientId: clientB } })).toThrow()
  })

  it('refuses to record a certificate naming another studio than its owner', async () => {
    await emptyTable()
    const store = new DatabaseCertificateStore(em(), { owner: { studioId: studioA, clientId: clientA } })
    await expect(store.save(issued('40', vatA, studioB))).rejects.toThrow(/another studio/)
    expect(await store.findBySerial('40')).toBeUndefined()
  })

  it('keeps the first revocation when two revocations race', async () => {
    await emptyTable()
    const store = new DatabaseCertificateStore(em(), { owner: { studioId: studioA, clientId: clientA } })
    await store.save(issued('30', vatA))
    const first = new Date('2026-03-03T03:03:03Z')
    const second = new Date('2026-04-04T04:04:04Z')
    const results = await Promise.all([
      store.revoke('30', { reason: 'keyCompromise', revokedAt: first }),
      store.revoke('30', { reason: 'superseded', revokedAt: second }),
    ])
    expect(results[0]?.revocation).toEqual(results[1]?.revocation)
    expect(await store.listRevoked()).toHaveLength(1)
  })
})
