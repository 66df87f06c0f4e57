import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createLogger, createMailer } from '@fatturapa-hub/shared'
import { buildSimulator } from './http/app.js'
import { xadesMessageSigner } from './signing.js'

// `pnpm sdi-sim`: the simulator alone, virtual time following the wall clock (admin advances still jump ahead).
const env = process.env
const logger = createLogger({ name: 'sdi-simulator', level: env.LOG_LEVEL ?? 'info' })
const port = Number(env.PORT ?? 3010)
const host = env.HOST ?? '127.0.0.1'
const dataDir = env.SDI_SIM_DATA_DIR ?? join(process.cwd(), 'data', 'sdi-simulator')
const mailer =
  env.SMTP_URL || env.MAIL_DIR
    ? createMailer(
        { SMTP_URL: env.SMTP_URL, MAIL_DIR: env.MAIL_DIR ?? join(dataDir, 'pec'), MAIL_FROM: env.MAIL_FROM ?? 'sdi@pec.fatturapa.it' },
        logger,
      )
    : undefined
const signer =
  env.SIGNING_CERT_FILE && env.SIGNING_KEY_FILE
    ? xadesMessageSigner({
        certificatePem: readFileSync(env.SIGNING_CERT_FILE, 'utf8'),
        privateKeyPem: readFileSync(env.SIGNING_KEY_FILE, 'utf8'),
      })
    : undefined

const app = await buildSimulator({
  logger,
  realtime: env.REALTIME !== 'false',
  mtom: env.MTOM === 'true',
  ...(env.SEED ? { seed: env.SEED } : {}),
  ...(env.START ? { start: env.START } : { start: Date.now() }),
  ...(mailer ? { mailer } : {}),
  ...(signer ? { signer } : {}),
})
await app.listen({ port, host })
const base = `http://${host}:${port}`
logger.info(
  {
    riceviFile: `${base}/SdIRiceviFile`,
    riceviNotifica: `${base}/SdIRiceviNotifica`,
    admin: `${base}/admin`,
    seed: app.sdi.seed,
    pec: mailer ? (env.SMTP_URL ? 'smtp' : 'files') : 'off',
    signing: signer ? 'xades' : 'off',
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
