import { createHash } from 'node:crypto'
import type { AuditRecordV1 } from '@fatturapa-hub/shared'

export const genesisHash = '0'.repeat(64)

/** JSON with sorted keys at every level, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
}

/** Each record commits to its predecessor: changing or deleting any row breaks every later hash. */
export function chainHash(prevHash: string, event: Omit<AuditRecordV1, 'v' | 'requestId'> & { requestId?: string }): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(event)).digest('hex')
}
