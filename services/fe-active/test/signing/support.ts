import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SdiInboundMessageEntity } from '@fatturapa-hub/sdi-channel'
import { createLogger, type ServiceDefinition } from '@fatturapa-hub/shared'
import {
  createTestDatabase,
  createTestTokenIssuer,
  type JwksServer,
  startJwksServer,
  startTestService,
  type TestDatabase,
  type TestService,
  type TestTokenIssuer,
  testRedisPrefix,
} from '@fatturapa-hub/shared/testing'
import { ClientReplica, ClientReplicaEntity } from '../../src/clients/client-replica.entity.js'
import { type Config, ConfigSchema } from '../../src/config.js'
import { InvoiceEntity, InvoiceEventEntity, InvoiceIdentityEntity } from '../../src/invoices/invoice.entity.js'
import { invoicesRoutes } from '../../src/invoices/routes.js'
import { Migration20261123000000Init } from '../../src/migrations/Migration20261123000000Init.js'
import { Migration20261201120000SdiInbox } from '../../src/migrations/Migration20261201120000SdiInbox.js'
import { Migration20261215000000ClientReplica } from '../../src/migrations/Migration20261215000000ClientReplica.js'
import { Migration20261216000000Invoices } from '../../src/migrations/Migration20261216000000Invoices.js'
import { Migration20261217000000Transmission } from '../../src/migrations/Migration20261217000000Transmission.js'
import { Migration20261218100000Panel } from '../../src/panel/Migration20261218100000Panel.js'
import { StudioSettingsEntity } from '../../src/settings/studio-settings.entity.js'
import { children, encode, parseDer } from '../../src/signing/der.js'
import { signingModule } from '../../src/signing/module.js'
import {
  SdiMessageApplicationEntity,
  SdiTransmissionEntity,
  TransmitterProgressivoEntity,
} from '../../src/transmission/transmission.entity.js'

export const signingSecret = 'test-signing-secret-0123456789abcdef-0123'

export interface FeActiveTest {
  running: TestService<Config>
  issuer: TestTokenIssuer
  close(): Promise<void>
}

/**
 * fe-active's definition (src/service.ts) when it loads; otherwise (features of other slices mid-change) the part this
 * suite needs: the same tables and migrations up to the signing one, the invoice routes and the signing module.
 */
async function definition(): Promise<ServiceDefinition<Config>> {
  try {
    return (await import('../../src/service.js')).service
  } catch {
    return {
      name: 'fe-active',
      description: 'fe-active (signing slice)',
      version: '0.0.0',
      tags: [
        { name: 'invoices', description: 'invoices' },
        { name: 'signing', description: 'signing' },
        { name: 'settings', description: 'settings' },
      ],
      configSchema: ConfigSchema,
      entities: [
        SdiInboundMessageEntity,
        ClientReplicaEntity,
        InvoiceEntity,
        InvoiceIdentityEntity,
        InvoiceEventEntity,
        SdiTransmissionEntity,
        TransmitterProgressivoEntity,
        SdiMessageApplicationEntity,
        StudioSettingsEntity,
        ...signingModule.entities,
      ],
      migrations: [
        { name: 'Migration20261123000000Init', class: Migration20261123000000Init },
        { name: 'Migration20261201120000SdiInbox', class: Migration20261201120000SdiInbox },
        { name: 'Migration20261215000000ClientReplica', class: Migration20261215000000ClientReplica },
        { name: 'Migration20261216000000Invoices', class: Migration20261216000000Invoices },
        { name: 'Migration20261217000000Transmission', class: Migration20261217000000Transmission },
        { name: 'Migration20261218100000Panel', class: Migration20261218100000Panel },
        ...signingModule.migrations,
      ],
      routes: async (app, { config }) => {
        await app.register(invoicesRoutes)
        await app.register(signingModule.routes as NonNullable<typeof signingModule.routes>, { config })
      },
    }
  }
}

/** fe-active over a fresh PostgreSQL database, real Redis, tokens verified through a JWKS server. */
export async function startFeActiveTest(env: Record<string, string> = {}): Promise<FeActiveTest> {
  const database: TestDatabase = await createTestDatabase()
  const issuer = await createTestTokenIssuer()
  const jwks: JwksServer = await startJwksServer(issuer.jwks)
  const running = await startTestService(await definition(), {
    databaseUrl: database.url,
    redisPrefix: testRedisPrefix(),
    logger: createLogger({ name: 'fe-active-signing-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    env: { AUTH_JWKS_URL: jwks.url, SIGNING_SECRET: signingSecret, ...env },
  })
  return {
    running,
    issuer,
    async close() {
      await running.close()
      await jwks.close()
      await database.drop()
    },
  }
}

export async function seedClient(running: TestService<Config>, studioId: string, partitaIva: string): Promise<string> {
  const now = new Date()
  const clientId = randomUUID()
  await running.orm.em.fork().insert(ClientReplica, {
    clientId,
    studioId,
    codiceSoggetto: `C${partitaIva.slice(-4)}`,
    denominazione: `Client ${partitaIva}`,
    partitaIva,
    codiceFiscale: null,
    codiceDestinatario: null,
    pec: null,
    feAttivaEnabledAt: now,
    fePassivaEnabledAt: null,
    version: 1,
    updatedAt: now,
    changedAt: now,
    replicatedAt: now,
  })
  return clientId
}

let counter = 0
/** An official sample with a Numero of its own, so each test submits a new invoice. */
export function sampleInvoice(name = 'IT01234567890_FPA01.xml'): Buffer {
  const numero = `S${Date.now() % 100000}${++counter}`
  let first = true
  const text = readFileSync(join('/work/shared/reference/fatturapa/samples', name), 'utf8').replace(
    /<Numero>[^<]*<\/Numero>/g,
    (original) => {
      if (!first) return original
      first = false
      return `<Numero>${numero}</Numero>`
    },
  )
  return Buffer.from(text, 'utf8')
}

export interface TestCertificate {
  certificatePem: string
  keyPem: string
  /** PKCS#12 (AES-256-CBC, OpenSSL 3 default) with password `password`. */
  p12: Buffer
}

const work = mkdtempSync(join(tmpdir(), 'fph-signing-'))
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] })

/** A self-signed certificate and its PKCS#12, made with the openssl CLI. */
export function makeCertificate(
  name: string,
  options: { keyUsage?: string; expired?: boolean; password?: string; nomac?: boolean } = {},
): TestCertificate {
  const key = `${name}.key`
  const cert = `${name}.pem`
  const subject = `/CN=${name}/serialNumber=TINIT-RSSMRA80A01H501U/O=Test`
  if (options.expired) {
    writeFileSync(
      join(work, `${name}.cnf`),
      `[ca]\ndefault_ca=d\n[d]\ndatabase=${name}.index\nnew_certs_dir=.\nserial=${name}.serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\n`,
    )
    writeFileSync(join(work, `${name}.index`), '')
    writeFileSync(join(work, `${name}.serial`), '01\n')
    openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', `${name}.csr`, '-subj', subject)
    openssl(
      'ca',
      '-batch',
      '-config',
      `${name}.cnf`,
      '-selfsign',
      '-keyfile',
      key,
      '-in',
      `${name}.csr`,
      '-out',
      cert,
      '-startdate',
      '20200101000000Z',
      '-enddate',
      '20210101000000Z',
    )
  } else {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '30',
      '-subj',
      subject,
      '-addext',
      `keyUsage=critical,${options.keyUsage ?? 'nonRepudiation,digitalSignature'}`,
    )
  }
  openssl(
    'pkcs12',
    '-export',
    '-inkey',
    key,
    '-in',
    cert,
    '-passout',
    `pass:${options.password ?? 'password'}`,
    '-out',
    `${name}.p12`,
    ...(options.nomac ? ['-nomac'] : []),
  )
  return {
    certificatePem: readFileSync(join(work, cert), 'utf8'),
    keyPem: readFileSync(join(work, key), 'utf8'),
    p12: readFileSync(join(work, `${name}.p12`)),
  }
}

/** A PKCS#12 (no MAC) holding the certificate of `a` and the key of `b`: openssl itself refuses to make one. */
export function mismatchedPkcs12(a: Buffer, b: Buffer): Buffer {
  const parts = (p12: Buffer) => {
    const [, authSafe] = children(parseDer(p12))
    const [type, explicit] = children(authSafe as ReturnType<typeof parseDer>)
    const octets = children(explicit as ReturnType<typeof parseDer>)[0] as ReturnType<typeof parseDer>
    return { type: type as ReturnType<typeof parseDer>, infos: children(parseDer(octets.value)) }
  }
  const first = parts(a)
  const second = parts(b)
  const authSafe = encode(0x30, Buffer.concat([(first.infos[0] as { raw: Buffer }).raw, (second.infos[1] as { raw: Buffer }).raw]))
  const contentInfo = encode(0x30, Buffer.concat([first.type.raw, encode(0xa0, encode(0x04, authSafe))]))
  return encode(0x30, Buffer.concat([Buffer.from([0x02, 0x01, 0x03]), contentInfo]))
}
