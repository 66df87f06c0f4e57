import { AppError } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/core'
import { ClientCertificate } from '../certificates/client-certificate.entity.js'
import { CertificateErrorCodes } from '../certificates/errors.js'
import { verificationFailureToError, verifyClientCertificate } from '../certificates/verify.js'
import { Client } from '../clients/client.entity.js'
import type { AuthRuntime } from '../runtime.js'
import type { User } from '../users/user.entity.js'

/** Header in which the gateway forwards the TLS client certificate, as `encodeURIComponent(pem)`. */
export const clientCertificateHeader = 'x-client-certificate'

/** Whom an integration user's certificate must belong to: their client, in their studio. */
export interface CertificateHolder {
  partitaIva: string
  studioId: string
  clientId: string
}

/** The holder an integration user's certificate must name; 409 INTEGRATION_CLIENT_MISSING without a client VAT number. */
export async function integrationCertificateHolder(em: EntityManager, user: User): Promise<CertificateHolder> {
  const client = user.clientId === null ? null : await em.findOne(Client, { id: user.clientId, studioId: user.studioId })
  if (client?.partitaIva == null) {
    throw new AppError('INTEGRATION_CLIENT_MISSING', 409, 'The integration user is not linked to a client with a VAT number')
  }
  return { partitaIva: client.partitaIva, studioId: user.studioId, clientId: client.id }
}

/**
 * In client-certificate mode an integration user needs, besides the password, a certificate of our CA naming
 * their client's VAT number and their studio, and not revoked. A certificate we have no record of counts as revoked:
 * the CA signs only through the issuing route, which stores every certificate, so an unknown one cannot be trusted.
 * The record must belong to the user's studio (403 CERTIFICATE_STUDIO_MISMATCH) and client (403
 * CERTIFICATE_VAT_MISMATCH) too: one company can be a client of several studios.
 */
export async function assertClientCertificate(
  em: EntityManager,
  runtime: AuthRuntime,
  holder: CertificateHolder,
  header: string | undefined,
  now = new Date(),
): Promise<void> {
  let pem = ''
  try {
    pem = header === undefined ? '' : decodeURIComponent(header)
  } catch {
    throw verificationFailureToError({
      code: CertificateErrorCodes.Malformed,
      message: 'The forwarded client certificate cannot be decoded',
    })
  }
  let record: ClientCertificate | null = null
  const result = await verifyClientCertificate(runtime.ca.certificatePem, pem, {
    expectedPartitaIva: holder.partitaIva,
    expectedStudio: holder.studioId,
    isRevoked: async (serialNumber) => {
      record = await em.fork().findOne(ClientCertificate, { serialNumber })
      return record === null || record.revokedAt !== null
    },
    at: now,
  })
  if (!result.ok) throw verificationFailureToError(result)
  // Not revoked, hence found: the record is set.
  const stored = record as ClientCertificate | null
  if (stored === null) {
    throw verificationFailureToError({ code: CertificateErrorCodes.Revoked, message: 'The client certificate has been revoked' })
  }
  // result.studioId is the expected studio (verified above): the record must be that studio's too.
  if (stored.studioId !== result.studioId) {
    throw verificationFailureToError({
      code: CertificateErrorCodes.StudioMismatch,
      message: 'The client certificate was issued for another studio',
    })
  }
  if (stored.partitaIva !== result.partitaIva || stored.clientId !== holder.clientId) {
    throw verificationFailureToError({
      code: CertificateErrorCodes.VatMismatch,
      message: 'The client certificate belongs to another client',
    })
  }
}
