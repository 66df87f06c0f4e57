import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createCa, type PlatformCa } from '../../src/certificates/ca.js'
import { createCrl } from '../../src/certificates/crl.js'
import { issueClientCertificate } from '../../src/certificates/issue.js'
import { nodeCsr, openssl, studioA, type TempDir, tempDir, vatA } from './fixtures.js'

describe('createCrl', () => {
  let ca: PlatformCa
  let otherCa: PlatformCa
  let dir: TempDir
  let caFile: string

  beforeAll(async () => {
    ;[ca, otherCa] = await Promise.all([
      createCa({ organization: 'fatturapa-hub', keyBits: 2048 }),
      createCa({ organization: 'Other', keyBits: 2048 }),
    ])
    dir = tempDir()
    caFile = dir.write('ca.pem', ca.certificatePem)
  })
  afterAll(() => dir.remove())

  it('is signed by the CA, verifiable by openssl, and lists the revoked serials with their reasons', () => {
    const revoked = issueClientCertificate(ca, { csrPem: nodeCsr(vatA).csrPem, partitaIva: vatA, studioId: studioA, validityDays: 30 })
    const kept = issueClientCertificate(ca, { csrPem: nodeCsr(vatA).csrPem, partitaIva: vatA, studioId: studioA, validityDays: 30 })
    const crlPem = createCrl(ca, {
      crlNumber: 7,
      revoked: [
        { serialNumber: revoked.serialNumber, revokedAt: new Date('2026-01-15T10:00:00Z'), reason: 'keyCompromise' },
        { serialNumber: 'FF01', revokedAt: new Date('2026-01-16T10:00:00Z') },
      ],
    })
    expect(crlPem).toContain('-----BEGIN X509 CRL-----')
    const crlFile = dir.write('crl.pem', crlPem)

    const verified = openssl(['crl', '-in', crlFile, '-CAfile', caFile, '-noout'])
    expect(verified.status).toBe(0)
    const text = openssl(['crl', '-in', crlFile, '-noout', '-text']).stdout
    expect(text).toContain('Version 2 (0x1)')
    expect(text).toContain(`Serial Number: ${revoked.serialNumber.padStart(32, '0')}`)
    expect(text).toContain('Serial Number: FF01')
    expect(text).not.toContain(kept.serialNumber)
    expect(text).toMatch(/CRL Reason Code:\s+Key Compromise/)
    expect(text).toMatch(/X509v3 CRL Number:\s+7/)
    expect(text).toContain('X509v3 Authority Key Identifier')

    // openssl itself then refuses the revoked certificate and keeps accepting the other one.
    const chain = dir.write('chain.pem', `${ca.certificatePem}${crlPem}`)
    const refused = openssl(['verify', '-crl_check', '-CAfile', chain, dir.write('revoked.pem', revoked.certificatePem)])
    expect(refused.status).not.toBe(0)
    expect(`${refused.stdout}${refused.stderr}`).toContain('certificate revoked')
    expect(openssl(['verify', '-crl_check', '-CAfile', chain, dir.write('kept.pem', kept.certificatePem)]).status).toBe(0)
  })

  it('encodes an empty CRL and times past 2049', () => {
    const crlPem = createCrl(ca, { crlNumber: 1n, revoked: [], thisUpdate: new Date('2051-03-01T00:00:00Z') })
    const crlFile = dir.write('empty.pem', crlPem)
    expect(openssl(['crl', '-in', crlFile, '-CAfile', caFile, '-noout']).status).toBe(0)
    const text = openssl(['crl', '-in', crlFile, '-noout', '-text']).stdout
    expect(text).toContain('No Revoked Certificates')
    expect(text).toContain('Mar  2 00:00:00 2051 GMT')
  })

  it('does not verify against another CA', () => {
    const crlFile = dir.write('other.pem', createCrl(otherCa, { crlNumber: 1, revoked: [] }))
    expect(openssl(['crl', '-in', crlFile, '-CAfile', caFile, '-noout']).status).not.toBe(0)
  })
})
