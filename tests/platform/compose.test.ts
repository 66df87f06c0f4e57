// Keeps docker-compose.yml in step with the code: every service and worker role runs, the gateway finds
// each service on the port it listens on, and Redis is configured not to evict queued jobs.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { serviceUrlVariable } from '@fatturapa-hub/gateway/config'
import { ServiceCatalog, serviceNames } from '@fatturapa-hub/shared'
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'

const root = fileURLToPath(new URL('../../', import.meta.url))
type ComposeService = {
  command?: string[]
  environment?: Record<string, string>
  build?: { dockerfile: string }
  image?: string
  ports?: string[]
}
const compose = parse(readFileSync(`${root}docker-compose.yml`, 'utf8'), { merge: true }) as { services: Record<string, ComposeService> }

describe('docker-compose.yml', () => {
  it('runs the HTTP role of every service on its port, and every worker role that exists', () => {
    for (const name of serviceNames) {
      const service = compose.services[name]
      expect(service?.command).toEqual(['node', `services/${name}/dist/server.js`])
      expect(service?.environment?.PORT).toBe(String(ServiceCatalog[name].defaultPort))
      expect(service?.environment?.DATABASE_URL).toMatch(/^postgres:\/\//)
      const hasWorker = existsSync(`${root}services/${name}/src/worker.ts`)
      expect(compose.services[`${name}-worker`]?.command ?? null).toEqual(hasWorker ? ['node', `services/${name}/dist/worker.js`] : null)
    }
  })

  it('lets every service verify tokens with the auth service keys', () => {
    for (const name of serviceNames)
      expect(compose.services[name]?.environment?.AUTH_JWKS_URL).toBe('http://auth:3001/.well-known/jwks.json')
  })

  it('points the gateway at every service', () => {
    const gateway = compose.services.gateway
    for (const name of serviceNames) {
      expect(gateway?.environment?.[serviceUrlVariable(name)]).toBe(`http://${name}:${ServiceCatalog[name].defaultPort}`)
    }
  })

  it('gives the auth server and worker the same key-encryption secret, required from the environment', () => {
    for (const name of ['auth', 'auth-worker']) {
      expect(compose.services[name]?.environment?.AUTH_SECRET).toMatch(/^\$\{AUTH_SECRET:\?/)
    }
  })

  it('gives the fe-active server and worker the same signing secret and keeps webhooks off private networks by default', () => {
    for (const name of ['fe-active', 'fe-active-worker']) {
      expect(compose.services[name]?.environment?.SIGNING_SECRET).toMatch(/^\$\{SIGNING_SECRET:\?/)
      expect(compose.services[name]?.environment?.WEBHOOK_ALLOW_PRIVATE_NETWORKS).toMatch(/^\$\{WEBHOOK_ALLOW_PRIVATE_NETWORKS:-false\}$/)
    }
  })

  it('builds from the Dockerfile, and Redis never evicts', () => {
    expect(existsSync(`${root}${compose.services.gateway?.build?.dockerfile}`)).toBe(true)
    expect(compose.services.redis?.command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'noeviction']))
  })
})

describe('docker-compose.yml: the SDI simulator', () => {
  const simulator = compose.services['sdi-simulator']

  it('runs from the platform image on port 3010', () => {
    expect(simulator?.command).toEqual(['node', 'tools/sdi-simulator/dist/main.js'])
    expect(simulator?.image).toBe(compose.services.gateway?.image)
    expect(simulator?.build?.dockerfile).toBe(compose.services.gateway?.build?.dockerfile)
    expect(simulator?.environment).toMatchObject({ PORT: '3010', HOST: '0.0.0.0' })
    expect(simulator?.ports).toEqual(['3010:3010'])
  })

  it('is wired to fe-active (receipts) and fe-passive (invoices for the platform code) by service name', () => {
    const port = (name: 'fe-active' | 'fe-passive') => ServiceCatalog[name].defaultPort
    expect(simulator?.environment).toMatchObject({
      PLATFORM_TRASMISSIONE_URL: `http://fe-active:${port('fe-active')}/sdi/TrasmissioneFatture`,
      PLATFORM_RICEZIONE_URL: `http://fe-passive:${port('fe-passive')}/sdi/RicezioneFatture`,
      PLATFORM_CODICI_DESTINATARIO: expect.stringMatching(/^[A-Z0-9]{6,7}(,[A-Z0-9]{6,7})*$/),
    })
    expect(simulator?.environment?.SMTP_URL).toBe(compose.services.auth?.environment?.SMTP_URL)
  })

  it('gives fe-active and fe-passive plain-HTTP SDI endpoints and the simulator as SDI', () => {
    const channel = simulator?.environment?.PLATFORM_CHANNEL_ID ?? 'platform'
    for (const name of ['fe-active', 'fe-passive']) {
      expect(compose.services[name]?.environment).toMatchObject({
        SDI_INBOUND_PLAIN_HTTP: 'true',
        SDI_RICEVI_FILE_URL: `http://sdi-simulator:3010/SdIRiceviFile/${channel}`,
        SDI_RICEVI_NOTIFICA_URL: 'http://sdi-simulator:3010/SdIRiceviNotifica',
      })
    }
    // The other services keep the SDI endpoints off.
    for (const name of serviceNames.filter((service) => !['fe-active', 'fe-passive'].includes(service))) {
      expect(compose.services[name]?.environment?.SDI_INBOUND_PLAIN_HTTP).toBeUndefined()
    }
  })

  it('copies the simulator build into the runtime image', () => {
    expect(readFileSync(`${root}deploy/Dockerfile`, 'utf8')).toContain(
      'COPY --from=build --chown=node:node /app/tools/sdi-simulator/dist tools/sdi-simulator/dist',
    )
  })
})

describe('deploy/Dockerfile', () => {
  const dockerfile = readFileSync(`${root}deploy/Dockerfile`, 'utf8')
  const workspaceManifests = [
    'packages/shared',
    'packages/fatturapa',
    'packages/sdicoop',
    'packages/sdi-channel',
    'tools/launcher',
    'tools/sdi-simulator',
    ...serviceNames.map((name) => `services/${name}`),
    'services/gateway',
  ]

  it('copies every workspace manifest before the frozen install, so the lockfile matches', () => {
    for (const folder of workspaceManifests) expect(dockerfile).toContain(`COPY ${folder}/package.json ${folder}/`)
  })

  it('runs as the unprivileged node user on Node 24', () => {
    expect(dockerfile).toMatch(/^FROM node:24/m)
    expect(dockerfile).toMatch(/^USER node$/m)
  })
})
