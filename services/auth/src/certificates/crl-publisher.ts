import type { PlatformCa } from './ca.js'
import { type CrlEntry, createCrl } from './crl.js'
import type { CertificateStore } from './store.js'

export interface PublishedCrl {
  pem: string
  der: Buffer
  thisUpdate: Date
}

/** A signed CRL is reused while the revocations are unchanged and it is younger than this. */
const reuseMs = 60 * 60 * 1000

/**
 * Signs the CRL from every revocation in the store, at most once per change of the revocation list (or per hour):
 * the list is read on each call, the RSA signature is not redone for every download.
 */
export class CrlPublisher {
  private last: { key: string; crl: PublishedCrl } | undefined

  constructor(
    private readonly ca: PlatformCa,
    private readonly store: Pick<CertificateStore, 'listRevoked'>,
  ) {}

  async current(now: Date = new Date()): Promise<PublishedCrl> {
    const revoked = await this.store.listRevoked()
    const key = revocationKey(revoked)
    const last = this.last
    if (last !== undefined && last.key === key && now.getTime() - last.crl.thisUpdate.getTime() < reuseMs) return last.crl
    // RFC 5280 wants a monotonically increasing CRL number: the signing time in milliseconds is, for one CA,
    // without a counter to persist (instances of the service sign with the same CA and a synchronised clock).
    const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000)
    const pem = createCrl(this.ca, { revoked, crlNumber: BigInt(now.getTime()), thisUpdate })
    const crl = { pem, der: pemBody(pem), thisUpdate }
    this.last = { key, crl }
    return crl
  }
}

function revocationKey(revoked: readonly CrlEntry[]): string {
  return revoked.map((entry) => `${entry.serialNumber}@${entry.revokedAt.getTime()}:${entry.reason ?? ''}`).join(',')
}

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----(BEGIN|END) [^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
}
