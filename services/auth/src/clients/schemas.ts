import Type, { type Static, type TSchema } from 'typebox'
import type { Client } from './client.entity.js'

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

const CodiceSoggettoSchema = Type.String({
  minLength: 1,
  maxLength: 20,
  pattern: '^\\s*\\S(.*\\S)?\\s*$',
  description: "The studio's own number for the client, unique within the studio.",
})
const DenominazioneSchema = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' })
const CodiceFiscaleSchema = Type.String({
  pattern: '^\\s*([0-9]{11}|[A-Za-z0-9]{16})\\s*$',
  description: 'A company’s 11 digits or a person’s 16-character code; the check character is verified.',
})
const PartitaIvaSchema = Type.String({ pattern: '^\\s*[0-9]{11}\\s*$', description: 'Italian VAT number; the check digit is verified.' })
const PecSchema = Type.String({ format: 'email', maxLength: 320, description: 'Certified e-mail (PEC) of the client.' })
const CodiceDestinatarioSchema = Type.String({
  pattern: '^\\s*[A-Za-z0-9]{7}\\s*$',
  description: 'SDI recipient code (7 characters), stored upper-case.',
})

export const FeActivationSchema = Type.Object({
  enabled: Type.Boolean(),
  enabledAt: nullable(Type.String({ format: 'date-time', description: 'When the service was enabled; null while disabled.' })),
})

export const ClientSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  codiceSoggetto: Type.String(),
  denominazione: Type.String(),
  codiceFiscale: nullable(Type.String()),
  partitaIva: nullable(Type.String()),
  pec: nullable(Type.String()),
  codiceDestinatario: nullable(Type.String()),
  feAttiva: FeActivationSchema,
  fePassiva: FeActivationSchema,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  version: Type.Integer({ description: 'Send it back with a PATCH to refuse overwriting a newer change.' }),
})
export type ClientResponse = Static<typeof ClientSchema>

const clientExample = {
  id: '0b9f1c52-55a4-4d43-9a39-2a0f6f3f7f0e',
  codiceSoggetto: '42',
  denominazione: 'Impugnatura S.p.A.',
  codiceFiscale: '03096010012',
  partitaIva: '03096010012',
  pec: 'amministrazione@pec.impugnatura.example',
  codiceDestinatario: 'KRRH6B9',
  feAttiva: { enabled: true, enabledAt: '2026-12-03T10:57:32.000Z' },
  fePassiva: { enabled: false, enabledAt: null },
  createdAt: '2026-12-01T09:00:00.000Z',
  updatedAt: '2026-12-03T10:57:32.000Z',
  version: 3,
}

export const ClientResponseSchema = Type.Object(ClientSchema.properties, { examples: [clientExample] })

export const ClientListQuerySchema = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
  partitaIva: Type.Optional(Type.String({ minLength: 1, maxLength: 11 })),
  codiceFiscale: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
  feAttiva: Type.Optional(Type.Boolean({ description: 'true: only clients with FE Attiva enabled; false: only those without.' })),
  fePassiva: Type.Optional(Type.Boolean({ description: 'true: only clients with FE Passiva enabled; false: only those without.' })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Part of the denominazione, case-insensitive.' })),
})
export type ClientListQuery = Static<typeof ClientListQuerySchema>

export const ClientListSchema = Type.Object(
  {
    items: Type.Array(ClientSchema),
    total: Type.Integer({ description: 'Clients matching the filters, all pages together.' }),
    limit: Type.Integer(),
    offset: Type.Integer(),
  },
  { examples: [{ items: [clientExample], total: 1, limit: 50, offset: 0 }] },
)

export const ClientIdParamsSchema = Type.Object({ id: Type.String({ format: 'uuid' }) })

export const CreateClientBodySchema = Type.Object(
  {
    codiceSoggetto: CodiceSoggettoSchema,
    denominazione: DenominazioneSchema,
    codiceFiscale: Type.Optional(nullable(CodiceFiscaleSchema)),
    partitaIva: Type.Optional(nullable(PartitaIvaSchema)),
    pec: Type.Optional(nullable(PecSchema)),
    codiceDestinatario: Type.Optional(nullable(CodiceDestinatarioSchema)),
  },
  {
    additionalProperties: false,
    examples: [
      {
        codiceSoggetto: '42',
        denominazione: 'Impugnatura S.p.A.',
        codiceFiscale: '03096010012',
        partitaIva: '03096010012',
        pec: 'amministrazione@pec.impugnatura.example',
        codiceDestinatario: 'KRRH6B9',
      },
    ],
  },
)
export type CreateClientBody = Static<typeof CreateClientBodySchema>

export const UpdateClientBodySchema = Type.Object(
  {
    codiceSoggetto: Type.Optional(CodiceSoggettoSchema),
    denominazione: Type.Optional(DenominazioneSchema),
    codiceFiscale: Type.Optional(nullable(CodiceFiscaleSchema)),
    partitaIva: Type.Optional(nullable(PartitaIvaSchema)),
    pec: Type.Optional(nullable(PecSchema)),
    codiceDestinatario: Type.Optional(nullable(CodiceDestinatarioSchema)),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'The version read before editing; a newer one answers 409.' })),
  },
  {
    additionalProperties: false,
    examples: [{ denominazione: 'Impugnatura S.p.A. in liquidazione', pec: null, version: 3 }],
  },
)
export type UpdateClientBody = Static<typeof UpdateClientBodySchema>

export const FeActivationBodySchema = Type.Object(
  { enabled: Type.Boolean({ description: 'Check or uncheck the box; enabling an enabled client keeps its first date.' }) },
  { additionalProperties: false, examples: [{ enabled: true }] },
)

export function toClientResponse(client: Client): ClientResponse {
  return {
    id: client.id,
    codiceSoggetto: client.codiceSoggetto,
    denominazione: client.denominazione,
    codiceFiscale: client.codiceFiscale,
    partitaIva: client.partitaIva,
    pec: client.pec,
    codiceDestinatario: client.codiceDestinatario,
    feAttiva: activation(client.feAttivaEnabledAt),
    fePassiva: activation(client.fePassivaEnabledAt),
    createdAt: client.createdAt.toISOString(),
    updatedAt: client.updatedAt.toISOString(),
    version: client.version,
  }
}

function activation(enabledAt: Date | null) {
  return { enabled: enabledAt !== null, enabledAt: enabledAt?.toISOString() ?? null }
}
