import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { nonPublicUrlReason, publicOnlyLookup, type ResolveAll } from './address-policy.js'
import { signWebhook } from './signature.js'

const excerptChars = 500

export interface AttemptOutcome {
  success: boolean
  statusCode: number | null
  responseExcerpt: string | null
  error: string | null
  durationMs: number
  /** The URL itself is refused (not a URL, a non-public address): retrying cannot help. */
  permanent?: boolean
}

export interface PostOptions {
  timeoutMs: number
  /** Let the URL reach loopback, private and other non-public addresses (WEBHOOK_ALLOW_PRIVATE_NETWORKS). */
  allowPrivateNetworks: boolean
  /** How names are resolved; default the system's resolver. */
  resolveAll?: ResolveAll
}

/** The first characters of the answer, for the attempt log; the rest is not read. */
function readExcerpt(response: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    const done = () => {
      const text = Buffer.concat(chunks).toString('utf8').slice(0, excerptChars)
      resolve(text.length > 0 ? text : null)
    }
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      size += chunk.length
      if (size >= excerptChars * 4) {
        response.destroy()
        done()
      }
    })
    response.once('end', done)
    response.once('error', done)
    response.once('close', done)
  })
}

/**
 * One signed POST; never throws. Redirects are not followed (a 3xx is a failure). Unless private networks are
 * allowed, the connection goes only to a public address: a literal address is checked here, a name on each of
 * its resolved addresses as the socket connects.
 */
export async function postWebhook(url: string, secret: string, id: string, body: string, options: PostOptions): Promise<AttemptOutcome> {
  const timestamp = Math.floor(Date.now() / 1000)
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  const failure = (error: string, permanent = false): AttemptOutcome => ({
    success: false,
    statusCode: null,
    responseExcerpt: null,
    error: error.slice(0, 1000),
    durationMs: elapsed(),
    ...(permanent ? { permanent } : {}),
  })
  let target: URL
  try {
    target = new URL(url)
  } catch {
    return failure(`not delivered: ${JSON.stringify(url.slice(0, 100))} is not a URL`, true)
  }
  if (!options.allowPrivateNetworks) {
    const reason = nonPublicUrlReason(target)
    if (reason !== null) return failure(`not delivered: ${reason} (WEBHOOK_ALLOW_PRIVATE_NETWORKS is off)`, true)
  }
  const signal = AbortSignal.timeout(options.timeoutMs)
  try {
    const { statusCode, responseExcerpt } = await new Promise<{ statusCode: number; responseExcerpt: string | null }>((resolve, reject) => {
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest
      const request = send(
        target,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'fatturapa-hub-webhooks/1',
            'webhook-id': id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signWebhook(secret, id, timestamp, body),
          },
          signal,
          ...(options.allowPrivateNetworks ? {} : { lookup: publicOnlyLookup(options.resolveAll) }),
        },
        (response) => {
          readExcerpt(response).then((excerpt) => resolve({ statusCode: response.statusCode ?? 0, responseExcerpt: excerpt }), reject)
        },
      )
      request.once('error', reject)
      request.end(body)
    })
    const success = statusCode >= 200 && statusCode < 300
    return { success, statusCode, responseExcerpt, error: success ? null : `HTTP ${statusCode}`, durationMs: elapsed() }
  } catch (error) {
    if (signal.aborted) return failure(`timeout after ${options.timeoutMs} ms`)
    const { code, message } = error as NodeJS.ErrnoException
    return failure(code === 'WEBHOOK_ADDRESS_NOT_PUBLIC' ? `not delivered: ${message}` : (code ?? message ?? String(error)))
  }
}
