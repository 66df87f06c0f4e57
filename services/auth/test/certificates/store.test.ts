import { describe, expect, it } from '@jest/globals'
import type { IssuedCertificate } from '../../src/certificates/issue.js'
import { InMemoryCertificateStore } from '../../src/certificates/store.js'
import { vatA, vatB } from './fixtures.js'

function issued(serialNumber: string, partitaIva: string): IssuedCertificate {
  return {
    certificatePem: `PEM ${serialNumber}`,
    serialNumber,
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2027-01-01T00:00:00Z'),
    fingerprintSha256: `FP:${serialNumber}`,
    partitaIva,
  }
}

describe('InMemoryCertificateStore', () => {
  it('lists the certificates of one VAT number, newest first', async () => {
    const store = new InMemoryCertificateStore()
    await store.save(issued('0A', vatA), new Date('2026-01-01T00:00:00Z'))
    await store.save(issued('0B', vatA), new Date('2026-02-01T00:00:00Z'))
    await store.save(issued('0C', vatB), new Date('2026-03-01T00:00:00Z'))
    expect((await store.listByPartitaIva(vatA)).map((record) => record.serialNumber)).toEqual(['B', 'A'])
    expect((await store.listByPartitaIva(vatB)).map((record) => record.serialNumber)).toEqual(['C'])
    await expect(store.save(issued('a', vatA))).rejects.toMatchObject({ code: 'CERTIFICATE_SERIAL_CONFLICT', statusCode: 409 })
  })

  it('revokes by serial in any hex spelling, once, and reports the revocation for the CRL', async () => {
    const store = new InMemoryCertificateStore()
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
    const store = new InMemoryCertificateStore()
    await store.save(issued('01', vatA))
    await expect(store.revoke('02', { reason: 'unspecified' })).rejects.toMatchObject({ code: 'CERTIFICATE_NOT_FOUND', statusCode: 404 })
    await expect(store.revoke('01', { reason: 'unspecified', partitaIva: vatB })).rejects.toMatchObject({ code: 'CERTIFICATE_NOT_FOUND' })
    expect(await store.isRevoked('01')).toBe(false)
    expect(await store.isRevoked('99')).toBe(false)
  })

  it('hands out copies', async () => {
    const store = new InMemoryCertificateStore()
    const saved = await store.save(issued('01', vatA))
    saved.partitaIva = vatB
    expect((await store.findBySerial('01'))?.partitaIva).toBe(vatA)
  })
})
