import type { EntityManager } from '@mikro-orm/knex'
import { chainHash, genesisHash } from './audit-chain.js'
import { AuditEvent } from './audit-event.entity.js'

export type ChainVerification =
  | { valid: true; events: number; lastHash: string }
  | { valid: false; events: number; brokenAt: string; problem: 'content-altered' | 'link-broken' }

/**
 * Walks the audit log in order and recomputes every hash. A modified row fails its own hash
 * (`content-altered`); a deleted or inserted row breaks the link of the row after it (`link-broken`).
 * Reads in pages so the whole log never sits in memory.
 */
export async function verifyAuditChain(em: EntityManager, pageSize = 1000): Promise<ChainVerification> {
  let expectedPrev = genesisHash
  let events = 0
  let after: string | undefined
  for (;;) {
    const page = await em.find(AuditEvent, after === undefined ? {} : { seq: { $gt: after } }, { orderBy: { seq: 'asc' }, limit: pageSize })
    for (const event of page) {
      if (event.prevHash !== expectedPrev) return { valid: false, events, brokenAt: String(event.seq), problem: 'link-broken' }
      if (event.hash !== chainHash(event.prevHash, event))
        return { valid: false, events, brokenAt: String(event.seq), problem: 'content-altered' }
      expectedPrev = event.hash
      events++
    }
    if (page.length < pageSize) return { valid: true, events, lastHash: expectedPrev }
    after = String(page[page.length - 1]?.seq)
    em.clear()
  }
}
