import { createHash, randomUUID } from 'node:crypto'
import { canonicalIdentificativoSdI, codeOfSdiMessage, parseSdiMessage, type SdiMessageCode } from '@fatturapa-hub/fatturapa'
import type { OperationId } from '@fatturapa-hub/sdicoop'
import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core'
import { type SdiChannel, SdiInboundMessage, SdiInboundMessageEntity } from './inbound-message.entity.js'

/** The SDI message each inbound operation carries (for RiceviFatture: in the metadata file). */
export const expectedMessageCode: Partial<Record<OperationId, SdiMessageCode>> = {
  'TrasmissioneFatture.RicevutaConsegna': 'RC',
  'TrasmissioneFatture.NotificaScarto': 'NS',
  'TrasmissioneFatture.NotificaMancataConsegna': 'MC',
  'TrasmissioneFatture.NotificaEsito': 'NE',
  'TrasmissioneFatture.NotificaDecorrenzaTermini': 'DT',
  'TrasmissioneFatture.AttestazioneTrasmissioneFattura': 'AT',
  'RicezioneFatture.RiceviFatture': 'MT',
  'RicezioneFatture.NotificaDecorrenzaTermini': 'DT',
}

export interface InboundDelivery {
  channel: SdiChannel
  operation: OperationId
  identificativoSdI: string
  fileName: string
  file: Buffer
  /** RiceviFatture only. */
  metadataFileName?: string
  metadata?: Buffer
  requestId: string
  receivedAt?: Date
}

export interface StoredDelivery {
  message: SdiInboundMessage
  /** The same (operation, IdentificativoSdI, file name) was already stored: nothing new was written. */
  redelivery: boolean
  /** False when a redelivery carries other bytes than the stored ones (the first copy is kept). */
  sameContent: boolean
}

export interface ReadMessage {
  messageType: string | null
  messageName: string | null
  messageVocabulary: 'PA' | 'B2B' | null
  parseError: string | null
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/**
 * Reads the SDI message of a delivery leniently (see parseSdiMessage) and notes what does not fit: another
 * message than the operation carries, another IdentificativoSdI than the SOAP body's, a metadata Hash that is not
 * the invoice's. Never throws: an unreadable message is still stored, with the reason.
 */
export function readInboundMessage(
  operation: OperationId,
  bytes: Uint8Array,
  identificativoSdI: string,
  invoiceSha256?: string,
): ReadMessage {
  let parsed: ReturnType<typeof parseSdiMessage>
  try {
    parsed = parseSdiMessage(bytes)
  } catch (error) {
    return { messageType: null, messageName: null, messageVocabulary: null, parseError: (error as Error).message.slice(0, 2000) }
  }
  const code = codeOfSdiMessage(parsed)
  const problems: string[] = []
  const expected = expectedMessageCode[operation]
  if (expected !== undefined && expected !== code)
    problems.push(`${operation} carries a ${code} message (${parsed.type}), expected ${expected}`)
  if (canonicalIdentificativoSdI(parsed.IdentificativoSdI) !== canonicalIdentificativoSdI(identificativoSdI)) {
    problems.push(`IdentificativoSdI ${parsed.IdentificativoSdI} of the message differs from ${identificativoSdI} of the SOAP request`)
  }
  if (invoiceSha256 !== undefined && 'Hash' in parsed && parsed.Hash !== undefined && parsed.Hash.toLowerCase() !== invoiceSha256) {
    problems.push(`Hash ${parsed.Hash} of the metadata differs from the SHA-256 of the invoice file (${invoiceSha256})`)
  }
  return {
    messageType: code,
    messageName: parsed.type,
    messageVocabulary: parsed.vocabulary,
    parseError: problems.length > 0 ? problems.join('; ') : null,
  }
}

/**
 * Stores a delivery, committed when the promise resolves, so that the caller answers SDI only afterwards.
 * Idempotent on (operation, IdentificativoSdI, file name): a redelivery (SDI retries when it saw no answer)
 * writes nothing and returns the stored row, also when two copies arrive at once. Call it outside a transaction:
 * on PostgreSQL the refused insert of a redelivery would abort the caller's.
 */
export async function storeInboundMessage(em: EntityManager, delivery: InboundDelivery): Promise<StoredDelivery> {
  const fileSha256 = sha256Hex(delivery.file)
  const key = { operation: delivery.operation, identificativoSdI: delivery.identificativoSdI, fileName: delivery.fileName }
  // The insert itself detects a redelivery (unique key): redeliveries are rare, a lookup before every insert is not.
  const read =
    delivery.metadata === undefined
      ? readInboundMessage(delivery.operation, delivery.file, delivery.identificativoSdI)
      : readInboundMessage(delivery.operation, delivery.metadata, delivery.identificativoSdI, fileSha256)
  const message = Object.assign(new SdiInboundMessage(), {
    id: randomUUID(),
    channel: delivery.channel,
    operation: delivery.operation,
    identificativoSdI: delivery.identificativoSdI,
    fileName: delivery.fileName,
    fileSha256,
    file: delivery.file,
    metadataFileName: delivery.metadataFileName ?? null,
    metadata: delivery.metadata ?? null,
    ...read,
    receivedAt: delivery.receivedAt ?? new Date(),
    requestId: delivery.requestId.slice(0, 128),
  })
  try {
    await em.insert(SdiInboundMessageEntity, message)
    return { message, redelivery: false, sameContent: true }
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException)) throw error
    // Stored before, or a concurrent copy of the same delivery won the insert.
    const winner = await em.fork().findOneOrFail(SdiInboundMessageEntity, key, { populate: ['file'] })
    return { message: winner, redelivery: true, sameContent: winner.fileSha256 === fileSha256 }
  }
}
