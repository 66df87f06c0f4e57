import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * Signatures follow the Standard Webhooks specification (https://www.standardwebhooks.com): the headers
 * `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature` = `v1,<base64 HMAC-SHA256 of
 * "<id>.<timestamp>.<body>">`, keyed with the bytes of the secret after its `whsec_` prefix (base64). The receivers'
 * Standard Webhooks libraries verify them as they are.
 */
const secretPrefix = 'whsec_'

export function generateWebhookSecret(): string {
  return `${secretPrefix}${randomBytes(32).toString('base64')}`
}

function key(secret: string): Buffer {
  return Buffer.from(secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret, 'base64')
}

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', key(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`
}

/** True when one of the space-separated signatures of the header matches (what a receiver does). */
export function verifyWebhook(secret: string, id: string, timestamp: number, body: string, header: string): boolean {
  const expected = Buffer.from(signWebhook(secret, id, timestamp, body))
  return header.split(' ').some((candidate) => {
    const given = Buffer.from(candidate)
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}
