import { generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Channel } from './engine/index.js'
import type { SimulatorApp } from './http/app.js'

/**
 * How the simulator reaches the platform, from the environment, so that a fresh start needs no admin calls:
 * - the transmitting channel `channelId` gets the receipts of the files the platform sends (TrasmissioneFatture);
 * - the receiving channel `<channelId>-ricezione` gets the invoices for `codes` (RicezioneFatture).
 *
 * Two channels, as SDI accredits transmission and reception separately: a B2B invoice the platform sends to one
 * of its own codes is then delivered to its RicezioneFatture endpoint (no *flusso semplificato*).
 */
export interface PlatformWiring {
  /** Default `platform`. SdIRiceviFile/<channelId> names it explicitly. */
  channelId: string
  /** The platform's TrasmissioneFatture endpoint (fe-active `/sdi/TrasmissioneFatture`). */
  trasmissioneUrl?: string
  /** The platform's RicezioneFatture endpoint (fe-passive `/sdi/RicezioneFatture`). */
  ricezioneUrl?: string
  /** Recipient codes (7 characters B2B, 6 characters PA office codes) delivered to `ricezioneUrl`. */
  codes: string[]
  /**
   * Transmitter ids (file name prefixes, `IT01234567890`) routed to the transmitting channel. Empty: every
   * SdIRiceviFile call that names no channel (no `/SdIRiceviFile/<id>` path, no `x-sdi-channel` header) is the
   * platform's.
   */
  transmitters: string[]
}

export const ricezioneChannelId = (wiring: Pick<PlatformWiring, 'channelId'>) => `${wiring.channelId}-ricezione`

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)

/**
 * Reads PLATFORM_TRASMISSIONE_URL, PLATFORM_RICEZIONE_URL, PLATFORM_CODICI_DESTINATARIO, PLATFORM_TRANSMITTERS and
 * PLATFORM_CHANNEL_ID. Undefined when neither URL is set (the simulator starts unwired).
 * @throws Error for a malformed URL or code, or codes without PLATFORM_RICEZIONE_URL.
 */
export function platformWiringFromEnv(env: Record<string, string | undefined>): PlatformWiring | undefined {
  const trasmissioneUrl = env.PLATFORM_TRASMISSIONE_URL?.trim() || undefined
  const ricezioneUrl = env.PLATFORM_RICEZIONE_URL?.trim() || undefined
  const codes = list(env.PLATFORM_CODICI_DESTINATARIO).map((code) => code.toUpperCase())
  const transmitters = list(env.PLATFORM_TRANSMITTERS).map((id) => id.toUpperCase())
  const channelId = env.PLATFORM_CHANNEL_ID?.trim() || 'platform'
  const problems: string[] = []
  for (const [name, url] of [
    ['PLATFORM_TRASMISSIONE_URL', trasmissioneUrl],
    ['PLATFORM_RICEZIONE_URL', ricezioneUrl],
  ] as const) {
    if (url !== undefined && !/^https?:\/\/[^/]/.test(url)) problems.push(`${name} must be an http(s) URL, got "${url}"`)
  }
  for (const code of codes) {
    if (!/^[A-Z0-9]{6,7}$/.test(code) || code === '0000000')
      problems.push(`PLATFORM_CODICI_DESTINATARIO: "${code}" is not a recipient code (6 or 7 letters and digits, not 0000000)`)
  }
  if (codes.length > 0 && ricezioneUrl === undefined) problems.push('PLATFORM_CODICI_DESTINATARIO needs PLATFORM_RICEZIONE_URL')
  if (!/^[\w.-]{1,64}$/.test(channelId)) problems.push(`PLATFORM_CHANNEL_ID: "${channelId}" (letters, digits, _ . -)`)
  if (problems.length > 0) throw new Error(`SDI simulator configuration: ${problems.join('; ')}`)
  if (trasmissioneUrl === undefined && ricezioneUrl === undefined) return undefined
  return {
    channelId,
    codes,
    transmitters,
    ...(trasmissioneUrl ? { trasmissioneUrl } : {}),
    ...(ricezioneUrl ? { ricezioneUrl } : {}),
  }
}

/** Registers the platform's channels and codes in the engine (again after every reset). */
export function registerPlatform(app: SimulatorApp, wiring: PlatformWiring): Channel[] {
  const channels: Channel[] = []
  if (wiring.trasmissioneUrl) {
    channels.push(
      app.sdi.registerChannel({ id: wiring.channelId, trasmissioneUrl: wiring.trasmissioneUrl, transmitters: wiring.transmitters }),
    )
  }
  if (wiring.ricezioneUrl) {
    channels.push(app.sdi.registerChannel({ id: ricezioneChannelId(wiring), ricezioneUrl: wiring.ricezioneUrl, codes: wiring.codes }))
  }
  return channels
}

/**
 * Wires a simulator app (built, not yet listening) to the platform: registers the channels now and after every
 * `POST /admin/reset` (before its answer goes out), and, when no transmitter ids are listed, routes every
 * SdIRiceviFile call that names no channel to the platform's transmitting channel.
 */
export function wirePlatform(app: SimulatorApp, wiring: PlatformWiring): Channel[] {
  const channels = registerPlatform(app, wiring)
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method === 'POST' && request.routeOptions.url === '/admin/reset' && reply.statusCode < 300) registerPlatform(app, wiring)
    return payload
  })
  if (wiring.trasmissioneUrl && wiring.transmitters.length === 0) {
    app.addHook('onRequest', async (request) => {
      if (
        request.method === 'POST' &&
        request.url.split('?')[0] === '/SdIRiceviFile' &&
        request.headers['x-sdi-channel'] === undefined &&
        app.sdi.channels.has(wiring.channelId)
      ) {
        request.headers['x-sdi-channel'] = wiring.channelId
      }
    })
  }
  return channels
}

export interface SigningIdentity {
  certificatePem: string
  privateKeyPem: string
  certFile: string
  keyFile: string
  /** Generated by this call (first start with this folder). */
  created: boolean
}

/**
 * The simulator's signing certificate and key in `directory` (`cert.pem`, `key.pem`): read when both exist,
 * otherwise generated (self-signed RSA 2048, SHA-256, 10 years, with node:crypto only: no openssl needed in the
 * image) and kept for the next start.
 */
export async function loadOrCreateSigningIdentity(directory: string): Promise<SigningIdentity> {
  const certFile = join(directory, 'cert.pem')
  const keyFile = join(directory, 'key.pem')
  const read = async () => ({ certificatePem: await readFile(certFile, 'utf8'), privateKeyPem: await readFile(keyFile, 'utf8') })
  try {
    return { ...(await read()), certFile, keyFile, created: false }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  await mkdir(directory, { recursive: true, mode: 0o700 })
  const { certificatePem, privateKeyPem } = selfSignedCertificate('SDI simulator', 'SDI simulator (fatturapa-hub)')
  const suffix = `.${process.pid}.tmp`
  await writeFile(keyFile + suffix, privateKeyPem, { mode: 0o600 })
  await writeFile(certFile + suffix, certificatePem)
  // Key first: a folder with a certificate but no key is never left behind.
  await rename(keyFile + suffix, keyFile)
  await rename(certFile + suffix, certFile)
  return { certificatePem, privateKeyPem, certFile, keyFile, created: true }
}

// ---------- a minimal X.509 v1 self-signed certificate in DER ----------

const der = (tag: number, content: Buffer): Buffer => {
  const length = content.length
  const header =
    length < 0x80
      ? Buffer.from([tag, length])
      : (() => {
          const bytes: number[] = []
          for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256)
          return Buffer.from([tag, 0x80 | bytes.length, ...bytes])
        })()
  return Buffer.concat([header, content])
}
const sequence = (...parts: Buffer[]) => der(0x30, Buffer.concat(parts))
const oid = (dotted: string) => {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number)
  const bytes = [40 * first + second]
  for (const arc of rest) {
    const chunk = [arc & 0x7f]
    for (let value = arc >>> 7; value > 0; value >>>= 7) chunk.unshift(0x80 | (value & 0x7f))
    bytes.push(...chunk)
  }
  return der(0x06, Buffer.from(bytes))
}
const time = (date: Date) => {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14)
  return date.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(`${iso.slice(2)}Z`)) : der(0x18, Buffer.from(`${iso}Z`))
}
const attribute = (type: string, value: Buffer) => der(0x31, sequence(oid(type), value))

function selfSignedCertificate(commonName: string, organization: string): { certificatePem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const name = sequence(
    attribute('2.5.4.6', der(0x13, Buffer.from('IT'))),
    attribute('2.5.4.10', der(0x0c, Buffer.from(organization, 'utf8'))),
    attribute('2.5.4.3', der(0x0c, Buffer.from(commonName, 'utf8'))),
  )
  const serial = randomBytes(16)
  serial[0] = ((serial[0] as number) & 0x7f) | 0x01
  const algorithm = sequence(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]))
  const now = Date.now()
  const tbs = sequence(
    der(0x02, serial),
    algorithm,
    name,
    sequence(time(new Date(now - 86_400_000)), time(new Date(now + 3650 * 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  )
  const signature = sign('sha256', tbs, privateKey)
  const certificate = sequence(tbs, algorithm, der(0x03, Buffer.concat([Buffer.from([0]), signature])))
  const base64 = certificate.toString('base64').replace(/.{64}/g, '$&\n')
  return {
    certificatePem: `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  }
}
