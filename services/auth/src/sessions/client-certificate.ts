import type { EntityManager } from '@mikro-orm/core'
import { ClientCertificate } from '../certificates/client-certificate.entity.js'
import { CertificateErrorCodes } from '../certificates/errors.js'
import { verificationFailureToError, verifyClientCertificate } from '../certificates/verify.js'
import type { AuthRuntime } from '../runtime.js'

/** Header in which the gateway forwards the TLS client certificate, as `encodeURIComponent(pem)`. */
export const clientCertificateHeader = 'x-client-certificate'

/**
 * In client-certificate mode an integration user needs, besides the password, a certificate of our CA naming
 * their client's VAT number and not revoked. A certificate we have no record of counts as revoked: the CA signs
 * only through the issuing route, which stores every certificate, so an unknown one cannot be trusted.
 */
export async function assertClientCertificate(
  em: EntityManager,
  runtime: AuthRuntime,
  partitaIva: string,
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
  const result = await verifyClientCertificate(runtime.ca.certificatePem, pem, {
    expectedPartitaIva: partitaIva,
    isRevoked: async (serialNumber) => {
      const row = await em.fork().findOne(ClientCertificate, { serialNumber })
      return row === null || row.revokedAt !== null
    },
    at: now,
  })
  if (!result.ok) throw verificationFailureToError(result)
}
