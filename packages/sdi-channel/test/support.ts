import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ServiceDefinition, serviceConfigSchema } from '@fatturapa-hub/shared'
import { testRedisUrl } from '@fatturapa-hub/shared/testing'
import { Queue } from 'bullmq'
import {
  ricezioneFattureEndpoint,
  type SdiEndpointOptions,
  SdiInboundMessageEntity,
  SdiInboundMessageMigration,
  sdiChannelConfigFields,
  trasmissioneFattureEndpoint,
} from '../src/index.js'

/** Absolute path inside /work/shared/reference; official files are read from there at test time, never copied. */
export function reference(...parts: string[]): string {
  return fileURLToPath(new URL(`../../../../shared/reference/${parts.join('/')}`, import.meta.url))
}

class Migration00000000000000SdiInbox extends SdiInboundMessageMigration {}

/** A service exposing both SDI endpoints the way fe-active and fe-passive mount them. */
export function endpointsService(options: Pick<SdiEndpointOptions, 'transport' | 'onStored'>): ServiceDefinition {
  return {
    name: 'fe-active',
    description: 'SDI endpoints under test',
    version: '0.0.1',
    tags: [{ name: 'sdi', description: 'SDICoop endpoints called by SDI' }],
    configSchema: serviceConfigSchema('fe-active', sdiChannelConfigFields({ inboundTlsPort: 0 })),
    entities: [SdiInboundMessageEntity],
    migrations: [{ name: 'Migration00000000000000SdiInbox', class: Migration00000000000000SdiInbox }],
    routes: async (app) => {
      await app.register(trasmissioneFattureEndpoint, { ...options, operationId: 'fe-active.sdiTrasmissioneFatture' })
      await app.register(ricezioneFattureEndpoint, { ...options, operationId: 'fe-active.sdiRicezioneFatture' })
    },
  }
}

export interface AuditJob {
  resource?: { type: string; id?: string }
  actor: { kind: string; username?: string }
  action: string
  outcome: string
  details: Record<string, unknown>
}

/** The audit events published under a Redis prefix, waiting until `count` are there. */
export async function auditEvents(prefix: string, count: number): Promise<AuditJob[]> {
  const url = new URL(testRedisUrl)
  const queue = new Queue('platform.audit', { connection: { host: url.hostname, port: Number(url.port || 6379) }, prefix })
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed'])
      if (jobs.length >= count) return jobs.map((job) => job.data as AuditJob)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    return (await queue.getJobs(['waiting'])).map((job) => job.data as AuditJob)
  } finally {
    await queue.close()
  }
}

/** A CA, a server certificate for 127.0.0.1/localhost, a client certificate of that CA and one of another CA. */
export function makeCertificates(): { folder: string; path: (name: string) => string } {
  const folder = mkdtempSync(join(tmpdir(), 'sdi-channel-tls-'))
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: folder, stdio: 'pipe' })
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  const ca = (name: string, subject: string) =>
    openssl('req', '-x509', ...ec, '-keyout', `${name}.key`, '-subj', subject, '-days', '2', '-out', `${name}.crt`)
  const issue = (name: string, caName: string, subject: string, extensions: string) => {
    writeFileSync(join(folder, `${name}.ext`), extensions)
    openssl('req', ...ec, '-keyout', `${name}.key`, '-subj', subject, '-out', `${name}.csr`)
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${caName}.crt`,
      '-CAkey',
      `${caName}.key`,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    )
  }
  ca('ca', '/CN=Test CA Agenzia delle Entrate')
  ca('other-ca', '/CN=Some other CA')
  issue('server', 'ca', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n')
  issue('client', 'ca', '/CN=sdi.fatturapa.it', 'extendedKeyUsage=clientAuth\n')
  issue('rogue', 'other-ca', '/CN=sdi.fatturapa.it', 'extendedKeyUsage=clientAuth\n')
  issue('other-channel', 'ca', '/CN=another accredited channel', 'extendedKeyUsage=clientAuth\n')
  return { folder, path: (name: string) => join(folder, name) }
}
