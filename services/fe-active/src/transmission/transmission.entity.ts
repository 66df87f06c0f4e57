import { EntitySchema } from '@mikro-orm/core'

/**
 * `sending`: committed before the SOAP call, so a crash during the call leaves evidence; `sent`: SDI answered with
 * an IdentificativoSdI; `refused`: SDI or the transport refused the file, nothing reached SDI; `ambiguous`: no
 * usable answer (timeout, crash): SDI may have the file, and only its notifications or a reconciliation tell.
 */
export type TransmissionStatus = 'sending' | 'sent' | 'refused' | 'ambiguous'

/** One attempt to transmit an invoice file to SDI (SdIRiceviFile). The file name is never reused. */
export class SdiTransmission {
  id!: string
  invoiceId!: string
  studioId!: string
  /** 1 for the first transmission of the invoice. */
  attempt!: number
  /** IdPaese + IdCodice of the file name (the transmitter's identity). */
  transmitter!: string
  progressivo!: string
  fileName!: string
  fileSha256!: string
  status!: TransmissionStatus
  startedAt!: Date
  finishedAt!: Date | null
  identificativoSdI!: string | null
  /** SDI's DataOraRicezione as it wrote it. */
  dataOraRicezione!: string | null
  errorCode!: string | null
  errorMessage!: string | null
}

export const SdiTransmissionEntity = new EntitySchema<SdiTransmission>({
  class: SdiTransmission,
  tableName: 'sdi_transmission',
  properties: {
    id: { type: 'uuid', primary: true },
    invoiceId: { type: 'uuid' },
    studioId: { type: 'uuid' },
    attempt: { type: 'integer' },
    transmitter: { type: 'string', columnType: 'varchar(30)' },
    progressivo: { type: 'string', columnType: 'varchar(5)' },
    fileName: { type: 'string', columnType: 'varchar(60)' },
    fileSha256: { type: 'string', fieldName: 'file_sha256', columnType: 'char(64)' },
    status: { type: 'string', columnType: 'varchar(12)' },
    startedAt: { type: 'datetime' },
    finishedAt: { type: 'datetime', nullable: true },
    identificativoSdI: { type: 'string', fieldName: 'identificativo_sdi', columnType: 'varchar(36)', nullable: true },
    dataOraRicezione: { type: 'string', columnType: 'varchar(40)', nullable: true },
    errorCode: { type: 'string', columnType: 'varchar(40)', nullable: true },
    errorMessage: { type: 'text', nullable: true },
  },
})

/** The last progressivo counter used by a transmitter: file names are unique for SDI's whole life (00002). */
export class TransmitterProgressivo {
  transmitter!: string
  lastCounter!: number
}

export const TransmitterProgressivoEntity = new EntitySchema<TransmitterProgressivo>({
  class: TransmitterProgressivo,
  tableName: 'transmitter_progressivo',
  properties: {
    transmitter: { type: 'string', primary: true, columnType: 'varchar(30)' },
    lastCounter: { type: 'integer' },
  },
})

/** That a stored SDI message (sdi_inbound_message) was applied: the sweeper re-queues messages without one. */
export class SdiMessageApplication {
  messageId!: string
  /** Null when no invoice of ours matches the message (kept for review). */
  invoiceId!: string | null
  /** The state machine's decision (applied, ignored, anomaly, duplicate) or `unmatched`. */
  decision!: string
  detail!: string | null
  appliedAt!: Date
}

export const SdiMessageApplicationEntity = new EntitySchema<SdiMessageApplication>({
  class: SdiMessageApplication,
  tableName: 'sdi_message_application',
  properties: {
    messageId: { type: 'uuid', primary: true },
    invoiceId: { type: 'uuid', nullable: true },
    decision: { type: 'string', columnType: 'varchar(20)' },
    detail: { type: 'text', nullable: true },
    appliedAt: { type: 'datetime' },
  },
})
