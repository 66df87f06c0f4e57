import { type EntityManager, type FilterQuery, UniqueConstraintViolationException } from '@mikro-orm/core'
import { ClientCertificate } from './client-certificate.entity.js'
import type { CrlEntry } from './crl.js'
import { CertificateError, CertificateErrorCodes } from './errors.js'
import type { IssuedCertificate } from './issue.js'
import { isRevocationReason, type RevocationReason } from './revocation-reason.js'
import { normalizeSerialNumber } from './serial.js'
import type { CertificateRecord, CertificateStore, RevokeCertificateInput } from './store.js'

/** Who a new certificate belongs to. */
export interface CertificateOwner {
  studioId: string
  clientId: string
  /** The user who asked for it; null for platform tools. */
  issuedBy?: string | null
}

export interface DatabaseCertificateStoreOptions {
  /**
   * Reads and revocations see only this studio's certificates: another studio's serial behaves as unknown
   * (not found), never as forbidden. Absent: every studio (the CRL, platform tools).
   */
  studioId?: string
  /** The owner `save` writes; required to save. */
  owner?: CertificateOwner
}

/** A stored certificate with its ownership. */
export interface StoredCertificateRecord extends CertificateRecord {
  studioId: string
  clientId: string
  issuedBy: string | null
}

/** The certificate store of the service, over the client_certificate table. Each call runs on its own fork, committed before it returns. */
export class DatabaseCertificateStore implements CertificateStore {
  constructor(
    private readonly em: EntityManager,
    private readonly options: DatabaseCertificateStoreOptions = {},
  ) {
    const { studioId, owner } = options
    if (studioId !== undefined && owner !== undefined && owner.studioId !== studioId) {
      throw new Error('the certificate owner must belong to the studio the store is scoped to')
    }
  }

  async save(certificate: IssuedCertificate, issuedAt: Date = new Date()): Promise<StoredCertificateRecord> {
    const owner = this.options.owner
    if (owner === undefined) throw new Error('DatabaseCertificateStore.save needs an owner (studioId, clientId)')
    // The subject names the issuing studio; a row owned by another studio would contradict the certificate.
    if (certificate.studioId !== owner.studioId) throw new Error('the certificate names another studio than its owner')
    const serialNumber = normalizeSerialNumber(certificate.serialNumber)
    const fork = this.em.fork()
    // Conflicts are checked across every studio: a serial is unique for the CA, whatever the scope.
    if ((await fork.count(ClientCertificate, { serialNumber })) > 0) throw serialConflict(serialNumber)
    const row = fork.create(ClientCertificate, {
      serialNumber,
      studioId: owner.studioId,
      clientId: owner.clientId,
      partitaIva: certificate.partitaIva,
      certificatePem: certificate.certificatePem,
      fingerprintSha256: certificate.fingerprintSha256,
      notBefore: certificate.notBefore,
      notAfter: certificate.notAfter,
      issuedAt,
      issuedBy: owner.issuedBy ?? null,
      revokedAt: null,
      revocationReason: null,
    })
    try {
      await fork.flush()
    } catch (error) {
      // Two concurrent saves of one serial: the primary key decides.
      if (error instanceof UniqueConstraintViolationException) throw serialConflict(serialNumber)
      throw error
    }
    return toRecord(row)
  }

  async findBySerial(serialNumber: string): Promise<StoredCertificateRecord | undefined> {
    const row = await this.em.fork().findOne(ClientCertificate, this.scoped({ serialNumber: normalizeSerialNumber(serialNumber) }))
    return row === null ? undefined : toRecord(row)
  }

  async listByPartitaIva(partitaIva: string): Promise<StoredCertificateRecord[]> {
    return this.list({ partitaIva })
  }

  /** Newest first. */
  async listByClient(clientId: string): Promise<StoredCertificateRecord[]> {
    return this.list({ clientId })
  }

  async revoke(serialNumber: string, input: RevokeCertificateInput): Promise<StoredCertificateRecord> {
    const canonical = normalizeSerialNumber(serialNumber)
    const where = this.scoped({
      serialNumber: canonical,
      ...(input.partitaIva === undefined ? {} : { partitaIva: input.partitaIva }),
    })
    const fork = this.em.fork()
    // One conditional update: of two concurrent revocations exactly one sets the date the CRL publishes.
    await fork.nativeUpdate(
      ClientCertificate,
      { ...where, revokedAt: null },
      {
        revokedAt: input.revokedAt ?? new Date(),
        revocationReason: input.reason,
      },
    )
    const row = await fork.findOne(ClientCertificate, where)
    if (row === null) throw new CertificateError(CertificateErrorCodes.NotFound, 404, `No certificate with serial ${canonical}`)
    return toRecord(row)
  }

  async isRevoked(serialNumber: string): Promise<boolean> {
    const row = await this.em.fork().findOne(ClientCertificate, this.scoped({ serialNumber: normalizeSerialNumber(serialNumber) }), {
      fields: ['serialNumber', 'revokedAt'],
    })
    return row !== null && row.revokedAt !== null
  }

  async listRevoked(): Promise<CrlEntry[]> {
    const rows = await this.em.fork().find(ClientCertificate, this.scoped({ revokedAt: { $ne: null } }), {
      fields: ['serialNumber', 'revokedAt', 'revocationReason'],
      orderBy: { revokedAt: 'asc', serialNumber: 'asc' },
    })
    return rows.map((row) => ({
      serialNumber: row.serialNumber,
      revokedAt: row.revokedAt as Date,
      reason: revocationReasonOf(row.revocationReason),
    }))
  }

  private async list(where: FilterQuery<ClientCertificate>): Promise<StoredCertificateRecord[]> {
    const rows = await this.em.fork().find(ClientCertificate, this.scoped(where), { orderBy: { issuedAt: 'desc', serialNumber: 'asc' } })
    return rows.map(toRecord)
  }

  private scoped(where: FilterQuery<ClientCertificate>): FilterQuery<ClientCertificate> {
    return this.options.studioId === undefined
      ? where
      : ({ ...(where as object), studioId: this.options.studioId } as FilterQuery<ClientCertificate>)
  }
}

function toRecord(row: ClientCertificate): StoredCertificateRecord {
  return {
    serialNumber: row.serialNumber,
    certificatePem: row.certificatePem,
    fingerprintSha256: row.fingerprintSha256,
    notBefore: row.notBefore,
    notAfter: row.notAfter,
    partitaIva: row.partitaIva,
    issuedAt: row.issuedAt,
    studioId: row.studioId,
    clientId: row.clientId,
    issuedBy: row.issuedBy,
    revocation: row.revokedAt === null ? undefined : { revokedAt: row.revokedAt, reason: revocationReasonOf(row.revocationReason) },
  }
}

function revocationReasonOf(value: string | null): RevocationReason {
  return value !== null && isRevocationReason(value) ? value : 'unspecified'
}

function serialConflict(serialNumber: string): CertificateError {
  return new CertificateError(CertificateErrorCodes.SerialConflict, 409, `A certificate with serial ${serialNumber} already exists`)
}
