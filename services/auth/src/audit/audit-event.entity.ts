import { EntitySchema, OptionalProps } from '@mikro-orm/core'

export class AuditEvent {
  declare [OptionalProps]?: 'seq'
  seq!: string
  eventId!: string
  occurredAt!: Date
  recordedAt!: Date
  service!: string
  action!: string
  outcome!: 'success' | 'failure'
  studioId?: string | null
  actorKind!: string
  actorUserId?: string | null
  actorUsername?: string | null
  resourceType?: string | null
  resourceId?: string | null
  ip?: string | null
  requestId?: string | null
  details?: string | null
  prevHash!: string
  hash!: string
}

export const AuditEventEntity = new EntitySchema<AuditEvent>({
  class: AuditEvent,
  tableName: 'audit_event',
  properties: {
    seq: { type: 'bigint', primary: true, autoincrement: true },
    eventId: { type: 'string', columnType: 'varchar(200)', unique: true },
    occurredAt: { type: 'datetime' },
    recordedAt: { type: 'datetime' },
    service: { type: 'string', columnType: 'varchar(50)' },
    action: { type: 'string', columnType: 'varchar(100)' },
    outcome: { type: 'string', columnType: 'varchar(10)' },
    studioId: { type: 'string', columnType: 'varchar(100)', nullable: true },
    actorKind: { type: 'string', columnType: 'varchar(20)' },
    actorUserId: { type: 'string', columnType: 'varchar(100)', nullable: true },
    actorUsername: { type: 'string', columnType: 'varchar(200)', nullable: true },
    resourceType: { type: 'string', columnType: 'varchar(100)', nullable: true },
    resourceId: { type: 'string', columnType: 'varchar(200)', nullable: true },
    ip: { type: 'string', columnType: 'varchar(64)', nullable: true },
    requestId: { type: 'string', columnType: 'varchar(128)', nullable: true },
    details: { type: 'text', nullable: true },
    prevHash: { type: 'string', columnType: 'char(64)' },
    hash: { type: 'string', columnType: 'char(64)' },
  },
})
