// The pieces the outgoing-invoice platform suites share: free ports, plain HTTP calls, the SDI simulator wired to a
// fe-active, the client_replica row fe-active needs to accept a cedente, and polling for an invoice state.
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import type { Config } from '@fatturapa-hub/fe-active/config'
import { buildSimulator, type SimulatorApp, wirePlatform, xadesMessageSigner } from '@fatturapa-hub/sdi-simulator'
import type { TestService } from '@fatturapa-hub/shared/testing'

export { type SelfSignedIdentity, selfSignedIdentity } from '../../../services/fe-active/test/support/identity.js'
export { routedSample, uniqueNumero } from '../../../services/fe-active/test/support/samples.js'

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

/** One plain HTTP request on a fresh connection; a JSON body when given, the answer parsed as JSON when not empty. */
export function httpCall(method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const payload = body === undefined ? undefined : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      url,
      { method, agent: false, headers: payload ? { 'content-type': 'application/json' } : {} },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({ status: response.statusCode ?? 0, json: text ? JSON.parse(text) : undefined })
        })
        response.on('error', reject)
      },
    )
    outgoing.on('error', reject)
    outgoing.end(payload)
  })
}

/** The simulator's admin API (plain HTTP, not part of the platform): throws on an answer of 300 or more. */
export function simulatorAdmin(simulatorUrl: string) {
  return async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await httpCall(method, `${simulatorUrl}/admin${path}`, body)
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.json)}`)
    return response.json as T
  }
}

/** fe-active's settings for the simulator at `simulatorUrl`: SDI's endpoints, its messages over plain HTTP, short waits. */
export const simulatorEnv = (simulatorUrl: string): Record<string, string> => ({
  SDI_INBOUND_PLAIN_HTTP: 'true',
  SDI_RICEVI_FILE_URL: `${simulatorUrl}/SdIRiceviFile`,
  SDI_RICEVI_NOTIFICA_URL: `${simulatorUrl}/SdIRiceviNotifica`,
  SDI_TIMEOUT_MS: '10000',
  TRANSMISSION_SWEEP_INTERVAL_MS: '200',
  TRANSMISSION_RETRY_BASE_MS: '500',
})

export interface SimulatorOptions {
  seed: string
  /** The port the simulator listens on (fe-active is configured with its URL before it starts). */
  port: number
  /** The key pair SDI signs its messages with. */
  signer: { certificatePem: string; privateKeyPem: string }
}

/** The SDI simulator on a realtime clock, signing its messages, delivering to fe-active's TrasmissioneFatture. */
export async function startSimulatorFor(feActiveUrl: string, options: SimulatorOptions): Promise<SimulatorApp> {
  const simulator = await buildSimulator({
    seed: options.seed,
    // Real time: the CAdES signing time of the PA invoices must not follow SDI's reception time (00103).
    start: Date.now(),
    realtime: true,
    tickMs: 50,
    signer: xadesMessageSigner(options.signer),
    outboundTimeoutMs: 10_000,
  })
  wirePlatform(simulator, { channelId: 'FPHUB', trasmissioneUrl: `${feActiveUrl}/sdi/TrasmissioneFatture`, codes: [], transmitters: [] })
  await simulator.listen({ host: '127.0.0.1', port: options.port })
  return simulator
}

/** A client of the studio enabled for FE Attiva, written straight into fe-active's replica; returns its client id. */
export async function seedClientReplica(orm: TestService<Config>['orm'], studio: string, partitaIva: string): Promise<string> {
  const now = new Date()
  const clientId = randomUUID()
  await orm.em
    .fork()
    .getConnection()
    .execute(
      `insert into client_replica (client_id, studio_id, codice_soggetto, denominazione, partita_iva, codice_fiscale, codice_destinatario, pec,
         fe_attiva_enabled_at, fe_passiva_enabled_at, version, updated_at, changed_at, replicated_at)
       values (?, ?, 'C0001', 'Società alpha', ?, null, null, null, ?, null, 1, ?, ?, ?)`,
      [clientId, studio, partitaIva, now, now, now, now],
    )
  return clientId
}

/** Polls the invoice (the worker and SDI work in the background) until it reaches `state`. */
export async function waitForState<T extends { state: string }>(
  id: string,
  state: string,
  read: (id: string) => Promise<T>,
  options: { timeoutMs: number; intervalMs: number },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs
  let last: T | undefined
  while (Date.now() < deadline) {
    last = await read(id)
    if (last.state === state) return last
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs))
  }
  throw new Error(`invoice ${id} did not reach ${state}; it is ${last?.state}`)
}
