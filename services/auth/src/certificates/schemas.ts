import Type, { type Static } from 'typebox'
import { maximumValidityDays } from './issue.js'
import { type RevocationReason, revocationReasonCodes } from './revocation-reason.js'
import type { CertificateRecord } from './store.js'

const exampleSerial = '5F3A9C0D21B7E44A8C1D2E3F40516273'
const exampleFingerprint = 'AB:12:CD:34:EF:56:78:90:AB:12:CD:34:EF:56:78:90:AB:12:CD:34:EF:56:78:90:AB:12:CD:34:EF:56:78:90'
const examplePem = '-----BEGIN CERTIFICATE-----\nMIIDqzCCApOgAwIBAgIQXzqcDSG35EqMHS4/QFFicz…\n-----END CERTIFICATE-----\n'
const exampleCsr =
  '-----BEGIN CERTIFICATE REQUEST-----\nMIICijCCAXICAQAwRTEZMBcGA1UEAwwQMDEyMzQ1Njc4OTcuY2VydDEo…\n-----END CERTIFICATE REQUEST-----\n'

export const PemTextSchema = Type.String({ examples: [examplePem] })

export const CrlPemSchema = Type.String({
  examples: ['-----BEGIN X509 CRL-----\nMIICJzCCAQ8CAQEwDQYJKoZIhvcNAQELBQAw…\n-----END X509 CRL-----\n'],
})
/** Bytes on the wire; typed as bytes so the handler can send a Buffer. */
export const CrlDerSchema = Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary', description: 'DER bytes.', examples: ['(binary)'] })

export const CrlQuerySchema = Type.Object(
  {
    format: Type.Optional(
      Type.Union([Type.Literal('pem'), Type.Literal('der')], {
        default: 'pem',
        description: 'pem (application/x-pem-file) or der (application/pkix-crl).',
      }),
    ),
  },
  { additionalProperties: false, examples: [{ format: 'der' }] },
)
export type CrlQuery = Static<typeof CrlQuerySchema>

export const RevokedSerialsSchema = Type.Object(
  {
    serialNumbers: Type.Array(Type.String({ pattern: '^[0-9A-F]{1,40}$' }), {
      description: 'Canonical hex serial numbers (uppercase, no leading zeros) of every revoked certificate.',
    }),
    generatedAt: Type.String({ format: 'date-time' }),
  },
  { examples: [{ serialNumbers: [exampleSerial], generatedAt: '2026-11-23T10:15:00.000Z' }] },
)

export const ClientCertificatesParamsSchema = Type.Object(
  { clientId: Type.String({ format: 'uuid', description: 'A client of the caller’s studio.' }) },
  { examples: [{ clientId: '3f1c2b9e-7a4d-4c1e-9b2a-6d5e4f3a2b1c' }] },
)

export const IssueCertificateBodySchema = Type.Object(
  {
    csrPem: Type.String({
      minLength: 1,
      maxLength: 64 * 1024,
      description:
        'PEM PKCS#10 request with an RSA key of at least 2048 bits; its CN must be `<partitaiva>.cert` (or the bare VAT number).',
    }),
    validityDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: maximumValidityDays,
        description: 'Days of validity; CLIENT_CERTIFICATE_VALIDITY_DAYS when omitted.',
      }),
    ),
  },
  { additionalProperties: false, examples: [{ csrPem: exampleCsr, validityDays: 365 }] },
)
export type IssueCertificateBody = Static<typeof IssueCertificateBodySchema>

export const IssuedCertificateSchema = Type.Object(
  {
    serialNumber: Type.String({ description: 'Canonical hex: the key of revocation.' }),
    certificatePem: Type.String(),
    caCertificatePem: Type.String({ description: 'The platform CA, for the client’s chain file.' }),
    fingerprintSha256: Type.String({ description: 'Colon-separated uppercase hex.' }),
    notBefore: Type.String({ format: 'date-time' }),
    notAfter: Type.String({ format: 'date-time' }),
    partitaIva: Type.String(),
  },
  {
    examples: [
      {
        serialNumber: exampleSerial,
        certificatePem: examplePem,
        caCertificatePem: examplePem,
        fingerprintSha256: exampleFingerprint,
        notBefore: '2026-11-23T10:10:00.000Z',
        notAfter: '2027-11-23T10:15:00.000Z',
        partitaIva: '01234567897',
      },
    ],
  },
)

export const CertificateStatusSchema = Type.Union([Type.Literal('valid'), Type.Literal('expired'), Type.Literal('revoked')])
export type CertificateStatus = Static<typeof CertificateStatusSchema>

const RevocationReasonSchema = Type.Enum(Object.keys(revocationReasonCodes) as RevocationReason[], {
  description: 'RFC 5280 CRLReason.',
})

const listedExample = {
  serialNumber: exampleSerial,
  partitaIva: '01234567897',
  fingerprintSha256: exampleFingerprint,
  notBefore: '2026-11-23T10:10:00.000Z',
  notAfter: '2027-11-23T10:15:00.000Z',
  issuedAt: '2026-11-23T10:15:00.000Z',
  status: 'revoked',
  revokedAt: '2026-12-01T08:00:00.000Z',
  revocationReason: 'keyCompromise',
}

export const CertificateSummarySchema = Type.Object(
  {
    serialNumber: Type.String(),
    partitaIva: Type.String(),
    fingerprintSha256: Type.String(),
    notBefore: Type.String({ format: 'date-time' }),
    notAfter: Type.String({ format: 'date-time' }),
    issuedAt: Type.String({ format: 'date-time' }),
    status: CertificateStatusSchema,
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    revocationReason: Type.Union([Type.String(), Type.Null()]),
  },
  { examples: [listedExample] },
)

export const CertificateListSchema = Type.Object(
  { items: Type.Array(CertificateSummarySchema) },
  { examples: [{ items: [listedExample] }] },
)

export const SerialNumberParamsSchema = Type.Object(
  {
    serialNumber: Type.String({
      pattern: '^(0[xX])?[0-9A-Fa-f:]{1,80}$',
      description: 'Hex serial number, any case, colons allowed.',
    }),
  },
  { examples: [{ serialNumber: exampleSerial }] },
)

export const RevokeCertificateBodySchema = Type.Object(
  { reason: RevocationReasonSchema },
  { additionalProperties: false, examples: [{ reason: 'keyCompromise' }] },
)

export const RevokedCertificateSchema = Type.Object(
  {
    serialNumber: Type.String(),
    partitaIva: Type.String(),
    status: Type.Literal('revoked'),
    revokedAt: Type.String({ format: 'date-time', description: 'The first revocation: revoking again keeps it.' }),
    revocationReason: Type.String(),
  },
  {
    examples: [
      {
        serialNumber: exampleSerial,
        partitaIva: '01234567897',
        status: 'revoked',
        revokedAt: '2026-12-01T08:00:00.000Z',
        revocationReason: 'keyCompromise',
      },
    ],
  },
)

export function certificateStatus(record: CertificateRecord, at: Date = new Date()): CertificateStatus {
  if (record.revocation !== undefined) return 'revoked'
  return at > record.notAfter ? 'expired' : 'valid'
}

export function toCertificateSummary(record: CertificateRecord, at: Date = new Date()): Static<typeof CertificateSummarySchema> {
  return {
    serialNumber: record.serialNumber,
    partitaIva: record.partitaIva,
    fingerprintSha256: record.fingerprintSha256,
    notBefore: record.notBefore.toISOString(),
    notAfter: record.notAfter.toISOString(),
    issuedAt: record.issuedAt.toISOString(),
    status: certificateStatus(record, at),
    revokedAt: record.revocation?.revokedAt.toISOString() ?? null,
    revocationReason: record.revocation?.reason ?? null,
  }
}
