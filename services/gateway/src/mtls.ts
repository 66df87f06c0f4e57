import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import {
  AppError,
  type ClientCertificateFailureCodes,
  certificateIssuedBy,
  clientCertificateHeader,
  ErrorCodes,
  type PresentedCertificate,
  type TokenVerifier,
  verificationFailureStatus,
  verifyClientCertificate,
} from '@fatturapa-hub/shared'
import type { FastifyRequest } from 'fastify'
import type { ClientCaSource } from './client-ca.js'

/**
 * Codes of the gateway's refusals: the library's CERTIFICATE_* failure prefixed with CLIENT_. Stable: ERP
 * integrations switch on them.
 */
export const ClientCertificateErrorCodes = {
  Missing: 'CLIENT_CERTIFICATE_MISSING',
  Malformed: 'CLIENT_CERTIFICATE_MALFORMED',
  Untrusted: 'CLIENT_CERTIFICATE_UNTRUSTED',
  NotClientAuth: 'CLIENT_CERTIFICATE_NOT_CLIENT_AUTH',
  Expired: 'CLIENT_CERTIFICATE_EXPIRED',
  VatMismatch: 'CLIENT_CERTIFICATE_VAT_MISMATCH',
  StudioMismatch: 'CLIENT_CERTIFICATE_STUDIO_MISMATCH',
  Revoked: 'CLIENT_CERTIFICATE_REVOKED',
} as const satisfies Record<keyof typeof ClientCertificateFailureCodes, string>

type FailureCode = (typeof ClientCertificateFailureCodes)[keyof typeof ClientCertificateFailureCodes]

function gatewayCode(code: FailureCode): string {
  return `CLIENT_${code}`
}

/** The certificate a request's TLS peer presented, if the connection is TLS and the peer sent one. */
export function peerCertificate(raw: IncomingMessage): PresentedCertificate | undefined {
  const socket = raw.socket as Partial<TLSSocket>
  if (typeof socket.getPeerCertificate !== 'function') return undefined
  const peer = socket.getPeerCertificate(false) as { raw?: Uint8Array } | null
  return peer?.raw !== undefined && peer.raw.length > 0 ? { raw: peer.raw } : undefined
}

const bearerPattern = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i

export interface MutualTlsCheckOptions {
  clientCa: Pick<ClientCaSource, 'current'>
  verifier: TokenVerifier
  /** Where the verified PEM of a request's peer certificate is kept for the proxy to forward. */
  forwarded: WeakMap<object, string>
}

/**
 * The check of mutual-TLS mode, installed as the preHandler of every proxied route (so it runs for whatever
 * spelling of the path the router matched: `/%61pi/...`, HEAD, OPTIONS, ...):
 * - a peer certificate chaining to the client CA is kept for forwarding (X-Client-Certificate);
 * - a request whose Bearer token verifies as an integration user's passes only with a certificate that
 *   verifyClientCertificate accepts for the token's VAT number and studio and that is not in the revoked serials.
 * Fails closed: when the token cannot be verified because the signing keys cannot be fetched (503), or the client CA
 * was never fetched, the request is answered 503; it could be an integration user's.
 * Tokens that are simply invalid or expired (401) are left to the service, which refuses them with its own problem:
 * such a token authenticates nobody upstream, and public routes (sign-in, refresh, the CA) must stay reachable for a
 * client still sending a stale token.
 */
export function mutualTlsCheck({ clientCa, verifier, forwarded }: MutualTlsCheckOptions) {
  return async (request: FastifyRequest): Promise<void> => {
    const snapshot = clientCa.current()
    const presented = peerCertificate(request.raw)
    if (snapshot !== undefined && presented !== undefined) {
      const trusted = certificateIssuedBy(snapshot.certificate, presented)
      if (trusted !== undefined) forwarded.set(request.raw, trusted.toString())
    }

    const token = bearerPattern.exec(request.headers.authorization ?? '')?.[1]
    if (token === undefined) return
    let claims: Awaited<ReturnType<TokenVerifier['verify']>>
    try {
      claims = await verifier.verify(token)
    } catch (error) {
      if (error instanceof AppError && error.statusCode === 401) return
      request.log.warn({ err: error }, 'access token not checkable: the mutual-TLS check fails closed')
      throw new AppError(ErrorCodes.ServiceUnavailable, 503, 'Access tokens cannot be verified right now; retry later.')
    }
    if (claims.kind !== 'integration') return

    if (snapshot === undefined) {
      request.log.warn({ user: claims.sub }, 'client certificate not checkable: the client CA was never fetched from the auth service')
      throw new AppError(ErrorCodes.ServiceUnavailable, 503, 'Client certificates cannot be checked right now; retry later.')
    }
    const result = await verifyClientCertificate(snapshot.certificate, presented ?? '', {
      expectedPartitaIva: claims.partitaIva ?? '',
      expectedStudio: claims.studio,
      isRevoked: (serialNumber) => snapshot.revoked.has(serialNumber),
    })
    if (!result.ok) {
      request.log.warn(
        {
          user: claims.sub,
          username: claims.username,
          studio: claims.studio,
          partitaIva: claims.partitaIva,
          code: result.code,
          reason: result.message,
        },
        'client certificate refused',
      )
      throw new AppError(gatewayCode(result.code), verificationFailureStatus(result.code), result.message)
    }
    request.log.debug({ user: claims.sub, serialNumber: result.serialNumber }, 'client certificate accepted')
  }
}

/** Proxy request headers: an incoming X-Client-Certificate never passes; the gateway's own, when it has one, does. */
export function withForwardedCertificate(
  headers: Record<string, string | string[] | undefined>,
  certificatePem: string | undefined,
): Record<string, string | string[] | undefined> {
  const { [clientCertificateHeader]: _incoming, ...rest } = headers
  return certificatePem === undefined ? rest : { ...rest, [clientCertificateHeader]: encodeURIComponent(certificatePem) }
}
