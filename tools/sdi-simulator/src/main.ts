import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createLogger, createMailer } from '@fatturapa-hub/shared'
import { buildSimulator } from './http/app.js'
import { xadesMessageSigner } from './signing.js'
import { loadOrCreateSigningIdentity, platformWiringFromEnv, ricezioneChannelId, wirePlatform } from './startup.js'

// `pnpm sdi-sim`: the simulator alone, virtual time following the wall clock (admin advances still jump ahead).
// With PLATFORM_* set it is wired to the platform from the start; messages are signed unless SIGNING=off.
const env = process.env
const logger = createLogger({ name: 'sdi-simulator', level: env.LOG_LEVEL ?? 'info' })
const port = Number(env.PORT ?? 3010)
const host = env.HOST ?? '127.0.0.1'
const dataDir = resolve(env.SDI_SIM_DATA_DIR ?? join(process.cwd(), 'data', 'sdi-simulator'))

let wiring: ReturnType<typeof platformWiringFromEnv>
try {
  wiring = platformWiringFromEnv(env)
} catch (error) {
  logger.fatal((error as Error).message)
  process.exit(1)
}

const mailer =
  env.SMTP_URL || env.MAIL_DIR
    ? createMailer(
        { SMTP_URL: env.SMTP_URL, MAIL_DIR: env.MAIL_DIR ?? join(dataDir, 'pec'), MAIL_FROM: env.MAIL_FROM ?? 'sdi@pec.fatturapa.it' },
        logger,
      )
    : undefined

async function signingIdentity(): Promise<{ certificatePem: string; privateKeyPem: string; source: string } | undefined> {
  if (env.SIGNING === 'off' || env.SIGNING === 'false') return undefined
  if (env.SIGNING_CERT_FILE && env.SIGNING_KEY_FILE) {
    return {
      certificatePem: readFileSync(env.SIGNING_CERT_FILE, 'utf8'),
      privateKeyPem: readFileSync(env.SIGNING_KEY_FILE, 'utf8'),
      source: env.SIGNING_CERT_FILE,
    }
  }
  try {
    const identity = await loadOrCreateSigningIdentity(join(dataDir, 'signing'))
    if (identity.created) logger.info({ certFile: identity.certFile }, 'generated the signing certificate of the simulator')
    return { ...identity, source: identity.certFile }
  } catch (error) {
    logger.warn({ err: error }, 'messages will not be signed')
    return undefined
  }
}
const identity = await signingIdentity()

const app = await buildSimulator({
  logger,
  realtime: env.REALTIME !== 'false',
  mtom: env.MTOM === 'true',
  ...(env.SEED ? { seed: env.SEED } : {}),
  ...(env.START ? { start: env.START } : { start: Date.now() }),
  ...(mailer ? { mailer } : {}),
  ...(identity ? { signer: xadesMessageSigner(identity) } : {}),
})
if (wiring) wirePlatform(app, wiring)
await app.listen({ port, host })
const base = `http://${host}:${port}`
logger.info(
  {
    riceviFile: `${base}/SdIRiceviFile${wiring?.trasmissioneUrl ? `/${wiring.channelId}` : ''}`,
    riceviNotifica: `${base}/SdIRiceviNotifica`,
    admin: `${base}/admin`,
    seed: app.sdi.seed,
    pec: mailer ? (env.SMTP_URL ? 'smtp' : 'files') : 'off',
    signing: identity ? identity.source : 'off',
    platform: wiring
      ? {
          trasmissione: wiring.trasmissioneUrl ? { channel: wiring.channelId, url: wiring.trasmissioneUrl } : 'off',
          ricezione: wiring.ricezioneUrl ? { channel: ricezioneChannelId(wiring), url: wiring.ricezioneUrl, codes: wiring.codes } : 'off',
        }
      : 'not wired (PLATFORM_TRASMISSIONE_URL / PLATFORM_RICEZIONE_URL unset)',
  },
  'SDI simulator listening',
)

let closing = false
const stop = async (signal: string) => {
  if (closing) return
  closing = true
  logger.info({ signal }, 'stopping')
  await app.close()
  process.exit(0)
}
process.on('SIGTERM', () => void stop('SIGTERM'))
process.on('SIGINT', () => void stop('SIGINT'))
