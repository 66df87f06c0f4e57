import type { CrlEntry } from './crl.js'
import { CertificateError, CertificateErrorCodes } from './errors.js'
import type { IssuedCertificate } from './issue.js'
import type { RevocationReason } from './revocation-reason.js'
import { normalizeSerialNumber } from './serial.js'

export interface CertificateRevocation {
  revokedAt: Date
  reason: RevocationReason
}

export interface CertificateRecord extends IssuedCertificate {
  issuedAt: Date
  revocation: CertificateRevocation | undefined
}

export interface RevokeCertificateInput {
  reason: RevocationReason
  revokedAt?: Date
  /** When given, a certificate of another client is reported as not found: revocation never crosses tenants. */
  partitaIva?: string
}

/**
 * Where issued certificates and their revocations live. Serial numbers are compared in canonical form
 * (see `normalizeSerialNumber`), so callers may pass any hex spelling.
 */
export interface CertificateStore {
  /** Fails with CERTIFICATE_SERIAL_CONFLICT when the serial is already stored. */
  save(certificate: IssuedCertificate, issuedAt?: Date): Promise<CertificateRecord>
  findBySerial(serialNumber: string): Promise<CertificateRecord | undefined>
  /** Newest first. */
  listByPartitaIva(partitaIva: string): Promise<CertificateRecord[]>
  /**
   * Fails with CERTIFICATE_NOT_FOUND for an unknown serial. Revoking twice is a no-op returning the first
   * revocation: the date published in the CRL must not move.
   */
  revoke(serialNumber: string, input: RevokeCertificateInput): Promise<CertificateRecord>
  isRevoked(serialNumber: string): Promise<boolean>
  /** Every revocation, for the CRL. */
  listRevoked(): Promise<CrlEntry[]>
}

/** For tests and single-process tools; the service uses the database implementation. */
export class InMemoryCertificateStore implements CertificateStore {
  private readonly records = new Map<string, CertificateRecord>()

  async save(certificate: IssuedCertificate, issuedAt: Date = new Date()): Promise<CertificateRecord> {
    const serialNumber = normalizeSerialNumber(certificate.serialNumber)
    if (this.records.has(serialNumber)) {
      throw new CertificateError(CertificateErrorCodes.SerialConflict, 409, `A certificate with serial ${serialNumber} already exists`)
    }
    const record: CertificateRecord = { ...certificate, serialNumber, issuedAt, revocation: undefined }
    this.records.set(serialNumber, record)
    return copy(record)
  }

  async findBySerial(serialNumber: string): Promise<CertificateRecord | undefined> {
    const record = this.records.get(normalizeSerialNumber(serialNumber))
    return record === undefined ? undefined : copy(record)
  }

  async listByPartitaIva(partitaIva: string): Promise<CertificateRecord[]> {
    return [...this.records.values()]
      .filter((record) => record.partitaIva === partitaIva)
      .sort((a, b) => b.issuedAt.getTime() - a.issuedAt.getTime())
      .map(copy)
  }

  async revoke(serialNumber: string, input: RevokeCertificateInput): Promise<CertificateRecord> {
    const canonical = normalizeSerialNumber(serialNumber)
    const record = this.records.get(canonical)
    if (record === undefined || (input.partitaIva !== undefined && record.partitaIva !== input.partitaIva)) {
      throw new CertificateError(CertificateErrorCodes.NotFound, 404, `No certificate with serial ${canonical}`)
    }
    if (record.revocation === undefined) {
      record.revocation = { revokedAt: input.revokedAt ?? new Date(), reason: input.reason }
    }
    return copy(record)
  }

  async isRevoked(serialNumber: string): Promise<boolean> {
    return this.records.get(normalizeSerialNumber(serialNumber))?.revocation !== undefined
  }

  async listRevoked(): Promise<CrlEntry[]> {
    const entries: CrlEntry[] = []
    for (const record of this.records.values()) {
      if (record.revocation !== undefined) {
        entries.push({ serialNumber: record.serialNumber, revokedAt: record.revocation.revokedAt, reason: record.revocation.reason })
      }
    }
    return entries
  }
}

// Callers get copies so that mutating a returned record cannot change the store.
function copy(record: CertificateRecord): CertificateRecord {
  return { ...record, revocation: record.revocation === undefined ? undefined : { ...record.revocation } }
}
