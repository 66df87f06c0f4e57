import { EntitySchema } from '@mikro-orm/core'

/** The tenant: an accounting firm, or a company subscribing on its own. Every other row belongs to one. */
export class Studio {
  id!: string
  /** Short code of the instance (e.g. `wt00000`); user names end in `@<code>`. */
  code!: string
  name!: string
  /** Where the credentials and the contract confirmations go. */
  email!: string
  createdAt!: Date
}

export const StudioEntity = new EntitySchema<Studio>({
  class: Studio,
  tableName: 'studio',
  properties: {
    id: { type: 'uuid', primary: true },
    code: { type: 'string', columnType: 'varchar(50)', unique: true },
    name: { type: 'string', columnType: 'varchar(200)' },
    email: { type: 'string', columnType: 'varchar(320)' },
    createdAt: { type: 'datetime' },
  },
})
