import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AppError, ErrorCodes, Permissions, problemResponses, requirePermission } from '@fatturapa-hub/shared'
import { Client } from '../clients/client.entity.js'
import { CrlPublisher } from './crl-publisher.js'
import { DatabaseCertificateStore } from './db-store.js'
import { CertificateError, CertificateErrorCodes } from './errors.js'
import { issueClientCertificate } from './issue.js'
import {
  CertificateListSchema,
  ClientCertificatesParamsSchema,
  CrlDerSchema,
  CrlPemSchema,
  CrlQuerySchema,
  IssueCertificateBodySchema,
  IssuedCertificateSchema,
  PemTextSchema,
  RevokeCertificateBodySchema,
  RevokedCertificateSchema,
  RevokedSerialsSchema,
  SerialNumberParamsSchema,
  toCertificateSummary,
} from './schemas.js'

/** Stable codes of the certificate routes besides the library's CERTIFICATE_* codes. */
export const CertificateRouteErrorCodes = {
  ClientVatMissing: 'CLIENT_VAT_MISSING',
} as const

const pemType = 'application/x-pem-file'
const derCrlType = 'application/pkix-crl'
// Relying parties (the gateway) refresh about every minute: a longer cache would delay revocations.
const crlCacheControl = 'public, max-age=60'
const caCacheControl = 'public, max-age=300'

/**
 * The platform CA and the client certificates of integration users (seed: `<partitaiva>.cert`, validated at every
 * ERP request besides user and password): publication of the CA and its revocations, issuance from a CSR, listing
 * and revocation, scoped to the caller's studio.
 */
export const certificatesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { ca, config } = app.authRuntime
  const canManage = requirePermission(Permissions.CertificatesManage)
  const allStudios = new DatabaseCertificateStore(app.orm.em)
  const crls = new CrlPublisher(ca, allStudios)

  app.get(
    '/ca/certificate',
    {
      config: { public: true },
      schema: {
        tags: ['certificates'],
        summary: 'The platform client CA certificate',
        description:
          'PEM certificate of the CA that issues client certificates and signs the CRL. Public: TLS terminators (the gateway) trust client certificates chaining to it.',
        operationId: 'auth.getCaCertificate',
        response: { 200: { description: 'PEM certificate.', content: { [pemType]: { schema: PemTextSchema } } } },
      },
    },
    async (_request, reply) => reply.type(pemType).header('cache-control', caCacheControl).send(ca.certificatePem),
  )

  app.get(
    '/ca/crl',
    {
      config: { public: true },
      schema: {
        tags: ['certificates'],
        summary: 'The current certificate revocation list',
        description:
          'v2 CRL signed by the CA, listing every revoked client certificate; PEM by default, DER with `?format=der`. Cached for at most 60 seconds.',
        operationId: 'auth.getCrl',
        querystring: CrlQuerySchema,
        response: {
          200: {
            description: 'The CRL.',
            content: {
              [pemType]: { schema: CrlPemSchema },
              [derCrlType]: { schema: CrlDerSchema },
            },
          },
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) => {
      const crl = await crls.current()
      reply.header('cache-control', crlCacheControl).header('last-modified', crl.thisUpdate.toUTCString())
      return request.query.format === 'der' ? reply.type(derCrlType).send(crl.der) : reply.type(pemType).send(crl.pem)
    },
  )

  app.get(
    '/ca/revoked-serials',
    {
      config: { public: true },
      schema: {
        tags: ['certificates'],
        summary: 'Serial numbers of the revoked client certificates',
        description:
          'The revocations of the CRL as JSON, for relying parties without a CRL parser (the gateway in mutual-TLS mode). Cached for at most 60 seconds.',
        operationId: 'auth.listRevokedSerials',
        response: { 200: RevokedSerialsSchema },
      },
    },
    async (_request, reply) => {
      const revoked = await allStudios.listRevoked()
      reply.header('cache-control', crlCacheControl)
      return { serialNumbers: revoked.map((entry) => entry.serialNumber), generatedAt: new Date().toISOString() }
    },
  )

  app.post(
    '/clients/:clientId/certificates',
    {
      preHandler: canManage,
      schema: {
        tags: ['certificates'],
        summary: 'Issue a client certificate from a CSR',
        description:
          'Signs the CSR with the platform CA for the client’s partita IVA: subject CN `<partitaiva>.cert`, serialNumber `IT<partitaiva>`, OU `studio:<studio id>` (the certificate opens only this studio’s integration user), clientAuth only. The CSR must name that VAT number (422 CERTIFICATE_VAT_MISMATCH) and carry a valid signature over an RSA key of at least 2048 bits (400 CERTIFICATE_CSR_INVALID). A client without partita IVA answers 422 CLIENT_VAT_MISSING; another studio’s client 404.',
        operationId: 'auth.issueClientCertificate',
        params: ClientCertificatesParamsSchema,
        body: IssueCertificateBodySchema,
        response: { 201: IssuedCertificateSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const studioId = request.user.studio
      const client = await findStudioClient(request.params.clientId, studioId)
      if (client.partitaIva === null || client.partitaIva.trim() === '') {
        throw new AppError(
          CertificateRouteErrorCodes.ClientVatMissing,
          422,
          'The client has no partita IVA: a client certificate names the VAT number of its client.',
        )
      }
      const issued = issueClientCertificate(ca, {
        csrPem: request.body.csrPem,
        partitaIva: client.partitaIva,
        studioId,
        validityDays: request.body.validityDays ?? config.CLIENT_CERTIFICATE_VALIDITY_DAYS,
      })
      const store = new DatabaseCertificateStore(app.orm.em, {
        studioId,
        owner: { studioId, clientId: client.id, issuedBy: request.user.sub },
      })
      await store.save(issued)
      request.log.info(
        { serialNumber: issued.serialNumber, clientId: client.id, partitaIva: issued.partitaIva },
        'client certificate issued',
      )
      reply.code(201)
      return {
        serialNumber: issued.serialNumber,
        certificatePem: issued.certificatePem,
        caCertificatePem: ca.certificatePem,
        fingerprintSha256: issued.fingerprintSha256,
        notBefore: issued.notBefore.toISOString(),
        notAfter: issued.notAfter.toISOString(),
        partitaIva: issued.partitaIva,
      }
    },
  )

  app.get(
    '/clients/:clientId/certificates',
    {
      preHandler: canManage,
      schema: {
        tags: ['certificates'],
        summary: 'List the certificates of a client',
        description: 'Newest first, each with its status: valid, expired or revoked. Another studio’s client answers 404.',
        operationId: 'auth.listClientCertificates',
        params: ClientCertificatesParamsSchema,
        response: { 200: CertificateListSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const studioId = request.user.studio
      const client = await findStudioClient(request.params.clientId, studioId)
      const records = await new DatabaseCertificateStore(app.orm.em, { studioId }).listByClient(client.id)
      const now = new Date()
      return { items: records.map((record) => toCertificateSummary(record, now)) }
    },
  )

  app.post(
    '/certificates/:serialNumber/revocation',
    {
      preHandler: canManage,
      schema: {
        tags: ['certificates'],
        summary: 'Revoke a client certificate',
        description:
          'Adds the certificate to the CRL. Revoking again answers the first revocation unchanged (the date published in the CRL never moves). A serial of another studio answers 404 CERTIFICATE_NOT_FOUND.',
        operationId: 'auth.revokeClientCertificate',
        params: SerialNumberParamsSchema,
        body: RevokeCertificateBodySchema,
        response: { 200: RevokedCertificateSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const store = new DatabaseCertificateStore(app.orm.em, { studioId: request.user.studio })
      const record = await store.revoke(request.params.serialNumber, { reason: request.body.reason })
      const revocation = record.revocation
      if (revocation === undefined) throw new CertificateError(CertificateErrorCodes.NotFound, 404, 'The certificate does not exist.')
      request.log.info({ serialNumber: record.serialNumber, reason: revocation.reason }, 'client certificate revoked')
      return {
        serialNumber: record.serialNumber,
        partitaIva: record.partitaIva,
        status: 'revoked' as const,
        revokedAt: revocation.revokedAt.toISOString(),
        revocationReason: revocation.reason,
      }
    },
  )

  async function findStudioClient(clientId: string, studioId: string): Promise<Client> {
    // Another studio's client is reported exactly like a missing one, so ids cannot be probed.
    const client = await app.orm.em.findOne(Client, { id: clientId, studioId })
    if (client === null) throw new AppError(ErrorCodes.NotFound, 404, 'The client does not exist.')
    return client
  }
}
