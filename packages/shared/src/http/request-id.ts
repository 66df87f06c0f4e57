import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export const requestIdHeader = 'x-request-id'

// Caller-supplied ids are kept only when they are short and log-safe, so a header cannot inject log lines.
const acceptable = /^[A-Za-z0-9._:-]{1,128}$/

export function requestIdFrom(req: IncomingMessage): string {
  const supplied = req.headers[requestIdHeader]
  const value = Array.isArray(supplied) ? supplied[0] : supplied
  return value && acceptable.test(value) ? value : randomUUID()
}
