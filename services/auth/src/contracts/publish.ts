import { createHash, randomUUID } from 'node:crypto'
import { AppError } from '@fatturapa-hub/shared'
import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core'
import { Contract } from './contract.entity.js'

export interface PublishContractInput {
  studioId: string
  code: string
  title: string
  document: Buffer
  publishedBy: string
}

const pdfMagic = Buffer.from('%PDF-', 'latin1')

export function isPdf(document: Buffer): boolean {
  return document.subarray(0, pdfMagic.length).equals(pdfMagic)
}

/**
 * A new version of the contract `code`: previous highest version + 1. Two concurrent publishes read the same
 * highest version; the unique (studio, code, version) index refuses the second, which answers 409.
 */
export async function publishContract(em: EntityManager, input: PublishContractInput, now = new Date()): Promise<Contract> {
  if (!isPdf(input.document)) {
    throw new AppError('CONTRACT_NOT_PDF', 422, 'The body is not a PDF document: it must start with %PDF-')
  }
  const sha256 = createHash('sha256').update(input.document).digest('hex')
  const title = input.title.trim()
  try {
    return await em.transactional(async (tx) => {
      const latest = await tx.findOne(Contract, { studioId: input.studioId, code: input.code }, { orderBy: { version: 'desc' } })
      if (latest !== null && latest.sha256 === sha256 && latest.title === title) {
        throw new AppError(
          'CONTRACT_UNCHANGED',
          409,
          `Version ${latest.version} of contract ${input.code} already has this document and title; users would have to accept it again for nothing`,
        )
      }
      const contract = tx.create(Contract, {
        id: randomUUID(),
        studioId: input.studioId,
        code: input.code,
        title,
        version: (latest?.version ?? 0) + 1,
        sha256,
        sizeBytes: input.document.length,
        document: input.document,
        publishedAt: now,
        publishedBy: input.publishedBy,
      })
      await tx.flush()
      return contract
    })
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new AppError(
        'CONTRACT_VERSION_CONFLICT',
        409,
        `Another version of contract ${input.code} was published at the same time; retry`,
      )
    }
    throw error
  }
}
