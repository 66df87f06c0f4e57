import Type, { type Static } from 'typebox'
import type { Contract } from './contract.entity.js'
import type { ContractAcceptance } from './contract-acceptance.entity.js'

export const contractCodePattern = '^[a-z0-9-]{1,100}$'
export const maxContractBytes = 10 * 1024 * 1024

const sha256Example = '9f2c1e4b7a0d5e8f3c6b9a2d4e7f1a3c5b8d0e2f4a6c8e0b2d4f6a8c0e2b4d6f'
const Sha256Schema = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the PDF, hex.' })

export const ContractIdParamsSchema = Type.Object({ id: Type.String({ format: 'uuid' }) })

export const PublishContractQuerySchema = Type.Object({
  code: Type.String({ pattern: contractCodePattern, description: 'Stable name of the contract across versions.' }),
  title: Type.String({ minLength: 1, maxLength: 300, pattern: '\\S', description: 'Shown to the users and in the confirmation e-mail.' }),
})

/** The raw PDF (`application/pdf`); schema-wise any value, the route checks it is a PDF. */
export const PdfBodySchema = Type.Unsafe<Buffer>({
  description: 'The contract document, sent as the raw body with Content-Type application/pdf (at most 10 MiB).',
  examples: ['%PDF-1.4 …'],
})

const publishedContractExample = {
  id: '6d1f4a0e-2b7c-4c8e-9d3a-1f2e3d4c5b6a',
  code: 'accordo-servizio-fe',
  title: 'Accordo di servizio fatturazione elettronica',
  version: 2,
  sha256: sha256Example,
  sizeBytes: 48213,
  publishedAt: '2026-12-01T09:00:00.000Z',
}

const ContractProperties = {
  id: Type.String({ format: 'uuid' }),
  code: Type.String(),
  title: Type.String(),
  version: Type.Integer({ minimum: 1 }),
  sha256: Sha256Schema,
  sizeBytes: Type.Integer(),
  publishedAt: Type.String({ format: 'date-time' }),
}

export const PublishedContractSchema = Type.Object(ContractProperties, { examples: [publishedContractExample] })

export const CurrentContractSchema = Type.Object({
  ...ContractProperties,
  accepted: Type.Boolean({ description: 'Whether the caller accepted this version.' }),
  acceptedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})

export const CurrentContractListSchema = Type.Object(
  {
    items: Type.Array(CurrentContractSchema),
    pending: Type.Boolean({ description: 'Some current contract is still to be accepted by the caller.' }),
  },
  {
    examples: [
      {
        items: [{ ...publishedContractExample, accepted: false, acceptedAt: null }],
        pending: true,
      },
    ],
  },
)

export const PdfResponseSchema = Type.Unsafe<Buffer>({
  type: 'string',
  format: 'binary',
  description: 'The PDF bytes; the ETag is the SHA-256 of the document.',
})

export const NotModifiedSchema = Type.Unsafe<undefined>({ description: 'The document matches If-None-Match; no body.' })

export const AcceptContractsBodySchema = Type.Object(
  {
    contractIds: Type.Array(Type.String({ format: 'uuid' }), {
      minItems: 1,
      maxItems: 100,
      description: 'Ids of current contract versions, as GET /contracts lists them.',
    }),
  },
  { additionalProperties: false, examples: [{ contractIds: ['6d1f4a0e-2b7c-4c8e-9d3a-1f2e3d4c5b6a'] }] },
)
export type AcceptContractsBody = Static<typeof AcceptContractsBodySchema>

const acceptanceExample = {
  id: 'a3c1d2e4-5f60-4718-8a9b-0c1d2e3f4a5b',
  userId: 'c0ffee00-1234-4abc-8def-0123456789ab',
  username: 'OPERATORE@wt00000',
  contractId: publishedContractExample.id,
  contractCode: publishedContractExample.code,
  contractVersion: 2,
  sha256: sha256Example,
  acceptedAt: '2026-12-01T10:15:00.000Z',
  ip: '203.0.113.7',
}

const AcceptanceProperties = {
  id: Type.String({ format: 'uuid' }),
  userId: Type.String({ format: 'uuid' }),
  username: Type.Union([Type.String(), Type.Null()], { description: 'Null when the user no longer exists.' }),
  contractId: Type.String({ format: 'uuid' }),
  contractCode: Type.String(),
  contractVersion: Type.Integer(),
  sha256: Sha256Schema,
  acceptedAt: Type.String({ format: 'date-time' }),
  ip: Type.Union([Type.String(), Type.Null()]),
}

export const AcceptanceSchema = Type.Object(AcceptanceProperties)
export type AcceptanceResponse = Static<typeof AcceptanceSchema>

export const AcceptContractsResponseSchema = Type.Object(
  {
    acceptances: Type.Array(
      Type.Object({
        ...AcceptanceProperties,
        recordedNow: Type.Boolean({ description: 'False when the caller had already accepted this version (kept unchanged).' }),
      }),
    ),
    emailSent: Type.Boolean({
      description: 'Whether the confirmation e-mail went out; false when nothing new was accepted or the mail server failed.',
    }),
    access: Type.Object(
      {
        accessToken: Type.String(),
        tokenType: Type.Literal('Bearer'),
        expiresIn: Type.Integer({ description: 'Seconds.' }),
        mustChangePassword: Type.Boolean(),
        contractsPending: Type.Boolean({ description: 'True while other current contracts remain to be accepted.' }),
      },
      { description: 'A new access token with the acceptance in its claims.' },
    ),
  },
  {
    examples: [
      {
        acceptances: [{ ...acceptanceExample, recordedNow: true }],
        emailSent: true,
        access: {
          accessToken: 'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9…',
          tokenType: 'Bearer',
          expiresIn: 900,
          mustChangePassword: false,
          contractsPending: false,
        },
      },
    ],
  },
)
export type AcceptContractsResponse = Static<typeof AcceptContractsResponseSchema>

export const AcceptanceListQuerySchema = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
  userId: Type.Optional(Type.String({ format: 'uuid' })),
  contractCode: Type.Optional(Type.String({ pattern: contractCodePattern })),
})

export const AcceptanceListSchema = Type.Object(
  {
    items: Type.Array(AcceptanceSchema),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
  },
  { examples: [{ items: [acceptanceExample], total: 1, limit: 50, offset: 0 }] },
)

export function toPublishedContract(contract: Contract): Static<typeof PublishedContractSchema> {
  return {
    id: contract.id,
    code: contract.code,
    title: contract.title,
    version: contract.version,
    sha256: contract.sha256,
    sizeBytes: contract.sizeBytes,
    publishedAt: contract.publishedAt.toISOString(),
  }
}

export function toAcceptance(acceptance: ContractAcceptance, username: string | null): AcceptanceResponse {
  return {
    id: acceptance.id,
    userId: acceptance.userId,
    username,
    contractId: acceptance.contractId,
    contractCode: acceptance.contractCode,
    contractVersion: acceptance.contractVersion,
    sha256: acceptance.sha256,
    acceptedAt: acceptance.acceptedAt.toISOString(),
    ip: acceptance.ip,
  }
}
