import { EntitySchema } from '@mikro-orm/core'

/** One version of a contract document of a studio; a new version of the same code must be accepted again. */
export class Contract {
  id!: string
  studioId!: string
  /** Stable name of the contract across versions, e.g. `accordo-servizio-fe`. */
  code!: string
  title!: string
  version!: number
  /** SHA-256 of the PDF, hex: what an acceptance binds to. */
  sha256!: string
  sizeBytes!: number
  document!: Buffer
  publishedAt!: Date
  publishedBy!: string
}

export const ContractEntity = new EntitySchema<Contract>({
  class: Contract,
  tableName: 'contract',
  uniques: [{ properties: ['studioId', 'code', 'version'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    studioId: { type: 'uuid', index: true },
    code: { type: 'string', columnType: 'varchar(100)' },
    title: { type: 'string', columnType: 'varchar(300)' },
    version: { type: 'integer' },
    sha256: { type: 'string', columnType: 'char(64)' },
    sizeBytes: { type: 'integer' },
    document: { type: 'blob', lazy: true },
    publishedAt: { type: 'datetime' },
    publishedBy: { type: 'uuid' },
  },
})
