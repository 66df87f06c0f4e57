import { EntitySchema } from '@mikro-orm/core'

/** "Point and click" acceptance of one contract version by one user; never updated or deleted. */
export class ContractAcceptance {
  id!: string
  studioId!: string
  userId!: string
  contractId!: string
  contractCode!: string
  contractVersion!: number
  sha256!: string
  acceptedAt!: Date
  ip!: string | null
}

export const ContractAcceptanceEntity = new EntitySchema<ContractAcceptance>({
  class: ContractAcceptance,
  tableName: 'contract_acceptance',
  uniques: [{ properties: ['userId', 'contractId'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    studioId: { type: 'uuid', index: true },
    userId: { type: 'uuid', index: true },
    contractId: { type: 'uuid' },
    contractCode: { type: 'string', columnType: 'varchar(100)' },
    contractVersion: { type: 'integer' },
    sha256: { type: 'string', columnType: 'char(64)' },
    acceptedAt: { type: 'datetime' },
    ip: { type: 'string', columnType: 'varchar(64)', nullable: true },
  },
})
