import { ConfigError } from '@fatturapa-hub/shared'
import Type, { type TProperties } from 'typebox'

/** Outbound calls to SDI (SdIRiceviFile, SdIRiceviNotifica). Defaults point at the local SDI simulator. */
export const SdiClientConfigFields = {
  SDI_RICEVI_FILE_URL: Type.String({
    default: 'http://127.0.0.1:3010/SdIRiceviFile',
    pattern: '^https?://',
    description:
      'SdIRiceviFile endpoint (transmission of invoice files). Production https://servizi.fatturapa.it/ricevi_file, test https://testservizi.fatturapa.it/ricevi_file; default: the local SDI simulator.',
  }),
  SDI_RICEVI_NOTIFICA_URL: Type.String({
    default: 'http://127.0.0.1:3010/SdIRiceviNotifica',
    pattern: '^https?://',
    description:
      'SdIRiceviNotifica endpoint (EC outcome of a PA recipient). Production https://servizi.fatturapa.it/ricevi_notifica; default: the local SDI simulator.',
  }),
  SDI_CLIENT_TLS_CERT_FILE: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'PEM client certificate SDI issued to the channel (mutual TLS to SDI); unset: no client certificate.',
    }),
  ),
  SDI_CLIENT_TLS_KEY_FILE: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key of SDI_CLIENT_TLS_CERT_FILE.' })),
  SDI_CLIENT_TLS_CA_FILE: Type.Optional(
    Type.String({ minLength: 1, description: 'PEM CA(s) trusted for the SDI server certificate; unset: the Node.js CA bundle.' }),
  ),
  SDI_TIMEOUT_MS: Type.Integer({
    default: 60000,
    minimum: 1000,
    description:
      'Deadline of one call to SDI. A timeout is ambiguous (SDI may have received the file): the transmission is reconciled, never re-sent blindly.',
  }),
} satisfies TProperties

/**
 * Inbound SOAP endpoints (TrasmissioneFatture, RicezioneFatture). SDI authenticates with mutual TLS, so in
 * production they are served only on their own HTTPS listener; the service's plain port serves them only when
 * SDI_INBOUND_PLAIN_HTTP is true (development, embedded mode, tests).
 */
export function sdiInboundConfigFields(defaults: { tlsPort: number }) {
  return {
    SDI_INBOUND_PLAIN_HTTP: Type.Boolean({
      default: false,
      description:
        'Serve the SDI SOAP endpoints on the plain HTTP port, without client authentication (development, embedded mode, tests). Ignored when SDI_INBOUND_TLS_CERT_FILE is set. Never in production: the plain port is reachable through the public gateway.',
    }),
    SDI_INBOUND_TLS_HOST: Type.String({ default: '0.0.0.0', description: 'Interface of the mutual-TLS listener of the SDI endpoints.' }),
    SDI_INBOUND_TLS_PORT: Type.Integer({
      default: defaults.tlsPort,
      minimum: 0,
      maximum: 65535,
      description: 'Port of the mutual-TLS listener of the SDI endpoints (the address registered with SDI).',
    }),
    SDI_INBOUND_TLS_CERT_FILE: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'PEM server certificate of the SDI endpoints; setting it (with key and client CA) turns the mutual-TLS listener on.',
      }),
    ),
    SDI_INBOUND_TLS_KEY_FILE: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key of SDI_INBOUND_TLS_CERT_FILE.' })),
    SDI_INBOUND_TLS_CLIENT_CA_FILE: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'PEM CA(s) of the client certificates SDI presents (CA Agenzia delle Entrate); others are refused at the handshake.',
      }),
    ),
    SDI_INBOUND_TLS_CLIENT_FINGERPRINTS: Type.Optional(
      Type.String({
        description:
          "Comma-separated SHA-256 fingerprints of SDI's own client certificates: the same CA issues every accredited channel's certificate, so production should pin SDI's.",
      }),
    ),
  } satisfies TProperties
}

/** Every SDI setting, to merge into a service's configuration schema. */
export function sdiChannelConfigFields(defaults: { inboundTlsPort: number }) {
  return { ...SdiClientConfigFields, ...sdiInboundConfigFields({ tlsPort: defaults.inboundTlsPort }) }
}

export interface SdiInboundConfig {
  SDI_INBOUND_PLAIN_HTTP: boolean
  SDI_INBOUND_TLS_HOST: string
  SDI_INBOUND_TLS_PORT: number
  SDI_INBOUND_TLS_CERT_FILE?: string | undefined
  SDI_INBOUND_TLS_KEY_FILE?: string | undefined
  SDI_INBOUND_TLS_CLIENT_FINGERPRINTS?: string | undefined
  SDI_INBOUND_TLS_CLIENT_CA_FILE?: string | undefined
}

export interface SdiTlsListenOptions {
  host: string
  port: number
  certFile: string
  keyFile: string
  clientCaFile: string
  allowedClientFingerprints: string[]
}

/**
 * Where the SDI endpoints are served:
 * - `tls`: on the mutual-TLS listener only (requests reaching the plain port get 404);
 * - `plain`: on the service's HTTP port, unauthenticated (SDI_INBOUND_PLAIN_HTTP=true, no TLS configured);
 * - `off`: not registered at all.
 *
 * @throws ConfigError when the TLS settings are incomplete (a half-configured listener must not silently fall back).
 */
export type SdiInboundMode = { kind: 'tls'; tls: SdiTlsListenOptions } | { kind: 'plain' } | { kind: 'off' }

export function sdiInboundMode(config: SdiInboundConfig): SdiInboundMode {
  const cert = config.SDI_INBOUND_TLS_CERT_FILE
  const key = config.SDI_INBOUND_TLS_KEY_FILE
  const clientCa = config.SDI_INBOUND_TLS_CLIENT_CA_FILE
  const set = [cert, key, clientCa].filter((value) => value !== undefined && value !== '')
  if (set.length > 0 && set.length < 3) {
    throw new ConfigError([
      'SDI_INBOUND_TLS_CERT_FILE, SDI_INBOUND_TLS_KEY_FILE and SDI_INBOUND_TLS_CLIENT_CA_FILE: set all three for the mutual-TLS SDI listener, or none',
    ])
  }
  if (cert && key && clientCa) {
    return {
      kind: 'tls',
      tls: {
        host: config.SDI_INBOUND_TLS_HOST,
        port: config.SDI_INBOUND_TLS_PORT,
        certFile: cert,
        keyFile: key,
        clientCaFile: clientCa,
        allowedClientFingerprints: (config.SDI_INBOUND_TLS_CLIENT_FINGERPRINTS ?? '')
          .split(',')
          .map((value) => value.trim())
          .filter(Boolean),
      },
    }
  }
  return config.SDI_INBOUND_PLAIN_HTTP ? { kind: 'plain' } : { kind: 'off' }
}
