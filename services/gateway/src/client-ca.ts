import { X509Certificate } from 'node:crypto'
import { normalizeCertificateSerialNumber } from '@fatturapa-hub/shared'
import type { Logger } from 'pino'

/** The client CA and its revocations as last fetched from the auth service. */
export interface ClientCaSnapshot {
  certificatePem: string
  certificate: X509Certificate
  /** Canonical serial numbers. */
  revoked: ReadonlySet<string>
  fetchedAt: Date
}

export interface ClientCaSourceOptions {
  /** Base URL of the auth service. */
  authUrl: string
  logger: Logger
  timeoutMs?: number
  /** Told when the CA certificate changes (first fetch included), e.g. to advertise it in the TLS handshake. */
  onCaChange?: (certificatePem: string) => void
}

const defaultTimeoutMs = 5000

/**
 * Keeps the CA certificate (`/ca/certificate`) and the revoked serials (`/ca/revoked-serials`) of the auth service.
 * A refresh replaces both together or neither: after a failed fetch the last good copy stays in use; before the
 * first good fetch `current()` is undefined and certificates cannot be checked.
 */
export class ClientCaSource {
  private snapshot: ClientCaSnapshot | undefined
  private timer: NodeJS.Timeout | undefined
  private readonly timeoutMs: number

  constructor(private readonly options: ClientCaSourceOptions) {
    this.timeoutMs = options.timeoutMs ?? defaultTimeoutMs
  }

  current(): ClientCaSnapshot | undefined {
    return this.snapshot
  }

  /** Fetches now; true when the copy was replaced, false (logged) when the last good copy stays. Never throws. */
  async refresh(): Promise<boolean> {
    try {
      const [certificatePem, serialNumbers] = await Promise.all([this.fetchCa(), this.fetchRevoked()])
      const certificate = new X509Certificate(certificatePem)
      if (!certificate.ca) throw new Error('the certificate served as client CA is not a CA certificate')
      const previous = this.snapshot
      const revoked = new Set(serialNumbers.map(normalizeCertificateSerialNumber))
      this.snapshot = { certificatePem: certificate.toString(), certificate, revoked, fetchedAt: new Date() }
      const caChanged = previous === undefined || previous.certificate.fingerprint256 !== certificate.fingerprint256
      if (caChanged) {
        this.options.logger.info({ fingerprint256: certificate.fingerprint256, revoked: revoked.size }, 'client CA loaded')
        this.options.onCaChange?.(this.snapshot.certificatePem)
      } else if (previous.revoked.size !== revoked.size) {
        this.options.logger.info({ revoked: revoked.size }, 'client certificate revocations updated')
      }
      return true
    } catch (error) {
      this.options.logger.warn(
        { err: error, keptCopyFrom: this.snapshot?.fetchedAt.toISOString() ?? null },
        'cannot refresh the client CA and revocations from the auth service',
      )
      return false
    }
  }

  /** Refreshes every `seconds` until `stop`; the timer does not keep the process alive. */
  start(seconds: number): void {
    this.stop()
    this.timer = setInterval(() => void this.refresh(), seconds * 1000)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
  }

  private async fetchCa(): Promise<string> {
    const response = await this.get('/ca/certificate')
    return response.text()
  }

  private async fetchRevoked(): Promise<string[]> {
    const body = (await (await this.get('/ca/revoked-serials')).json()) as { serialNumbers?: unknown }
    const serials = body.serialNumbers
    if (!Array.isArray(serials) || !serials.every((serial): serial is string => typeof serial === 'string')) {
      throw new Error('the revoked serials are not a list of strings')
    }
    return serials
  }

  private async get(path: string): Promise<Response> {
    const url = `${this.options.authUrl.replace(/\/+$/, '')}${path}`
    const response = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs), headers: { 'cache-control': 'no-cache' } })
    if (!response.ok) throw new Error(`GET ${url} answered HTTP ${response.status}`)
    return response
  }
}
