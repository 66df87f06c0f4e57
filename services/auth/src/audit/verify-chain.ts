import type { EntityManager } from '@mikro-orm/knex'
import { chainHash, genesisHash } from './audit-chain.js'
import { AuditEvent } from './audit-event.entity.js'

export type ChainProblem = 'content-altered' | 'link-broken'

export type ChainVerification =
  | { valid: true; events: number; lastHash: string; lastSeq?: string }
  | { valid: false; events: number; brokenAt: string; problem: ChainProblem }

export interface VerifyChainOptions {
  /** Rows read per query. */
  pageSize?: number
  /**
   * Start at this seq instead of the beginning, for incremental checks: the first row checked must link to the
   * hash of the last row before it, which an earlier verification already covered.
   */
  fromSeq?: string
}

/**
 * Walks the audit log in order and recomputes every hash. A modified row fails its own hash
 * (`content-altered`); a deleted or inserted row breaks the link of the row after it (`link-broken`).
 * Reads in pages so the whole log never sits in memory.
 */
export async function verifyAuditChain(em: EntityManager, options: VerifyChainOptions = {}): Promise<ChainVerification> {
  const pageSize = options.pageSize ?? 1000
  let expectedPrev = genesisHash
  let after: string | undefined
  if (options.fromSeq !== undefined && BigInt(options.fromSeq) > 1n) {
    after = (BigInt(options.fromSeq) - 1n).toString()
    const [previous] = await em.find(AuditEvent, { seq: { $lte: after } }, { orderBy: { seq: 'desc' }, limit: 1 })
    if (previous) expectedPrev = previous.hash
  }
  let events = 0
  let lastSeq: string | undefined
  for (;;) {
    const page = await em.find(AuditEvent, after === undefined ? {} : { seq: { $gt: after } }, { orderBy: { seq: 'asc' }, limit: pageSize })
    for (const event of page) {
      if (event.prevHash !== expectedPrev) return { valid: false, events, brokenAt: String(event.seq), problem: 'link-broken' }
      if (event.hash !== chainHash(event.prevHash, event))
        return { valid: false, events, brokenAt: String(event.seq), problem: 'content-altered' }
      expectedPrev = event.hash
      lastSeq = String(event.seq)
      events++
    }
    if (page.length < pageSize) return { valid: true, events, lastHash: expectedPrev, ...(lastSeq === undefined ? {} : { lastSeq }) }
    after = String(page[page.length - 1]?.seq)
    em.clear()
  }
}
