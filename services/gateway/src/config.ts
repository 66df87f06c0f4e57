import { ConfigError, gatewayDefaultPort, PlatformConfigFields, ServiceCatalog, serviceNames } from '@fatturapa-hub/shared'
import Type, { type Static, type TString } from 'typebox'

/** AUTH_SERVICE_URL, FE_ACTIVE_SERVICE_URL, …: where the gateway finds each service. */
export function serviceUrlVariable(name: string): string {
  return `${name.toUpperCase().replaceAll('-', '_')}_SERVICE_URL`
}

const upstreamFields = Object.fromEntries(
  serviceNames.map((name) => [
    serviceUrlVariable(name),
    Type.String({
      default: `http://127.0.0.1:${ServiceCatalog[name].defaultPort}`,
      pattern: '^https?://',
      description: `Base URL of the ${name} service.`,
    }),
  ]),
) as Record<string, TString>

export const ConfigSchema = Type.Object(
  {
    ...PlatformConfigFields,
    HOST: Type.String({ default: '127.0.0.1', description: 'Interface the HTTP server binds to (0.0.0.0 in containers).' }),
    PORT: Type.Integer({ default: gatewayDefaultPort, minimum: 0, maximum: 65535, description: 'HTTP port.' }),
    BODY_LIMIT_BYTES: Type.Integer({
      default: 7 * 1024 * 1024,
      minimum: 1024,
      description: 'Largest request body accepted (a 5 MB invoice, also base64-encoded in JSON).',
    }),
    RATE_LIMIT_MAX: Type.Integer({ default: 1200, minimum: 1, description: 'Requests allowed per client and window.' }),
    RATE_LIMIT_WINDOW_MS: Type.Integer({ default: 60000, minimum: 1000, description: 'Rate-limit window.' }),
    UPSTREAM_TIMEOUT_MS: Type.Integer({ default: 30000, minimum: 100, description: 'How long the gateway waits for a service.' }),
    GATEWAY_TLS_CERT_FILE: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'PEM certificate (chain) of the gateway. With GATEWAY_TLS_KEY_FILE the gateway serves HTTPS on PORT instead of HTTP; set both or neither.',
      }),
    ),
    GATEWAY_TLS_KEY_FILE: Type.Optional(
      Type.String({ minLength: 1, description: 'PEM private key (unencrypted) of GATEWAY_TLS_CERT_FILE.' }),
    ),
    MTLS_MODE: Type.Union([Type.Literal('off'), Type.Literal('integration')], {
      default: 'off',
      description:
        "Mutual TLS. 'integration': the gateway asks every client for a certificate of the platform CA (optional at the TLS level, so portal users without one still connect), forwards a trusted one to the services in X-Client-Certificate, and lets API calls with an integration (APIREST) token through only with a valid, unrevoked certificate of the token's VAT number (401/403 CLIENT_CERTIFICATE_*). Requires the TLS files.",
    }),
    CLIENT_CA_REFRESH_SECONDS: Type.Integer({
      default: 60,
      minimum: 1,
      maximum: 86400,
      description:
        'How often, in mutual-TLS mode, the gateway fetches the client CA and the revoked serials from the auth service (the last good copy stays in use when a fetch fails). Revocations take up to this long to apply.',
    }),
    ...upstreamFields,
  },
  { additionalProperties: true },
)
export type Config = Static<typeof ConfigSchema>

export function upstreams(config: Config): Array<{ name: string; url: string }> {
  return serviceNames.map((name) => ({ name, url: (config as Record<string, unknown>)[serviceUrlVariable(name)] as string }))
}

/** The checks across variables that the schema cannot express; fails like `loadConfig` does. */
export function assertGatewayConfig(config: Config): void {
  const problems: string[] = []
  const certFile = config.GATEWAY_TLS_CERT_FILE
  const keyFile = config.GATEWAY_TLS_KEY_FILE
  if ((certFile === undefined) !== (keyFile === undefined)) {
    problems.push('GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE: set both or neither')
  }
  if (config.MTLS_MODE === 'integration' && (certFile === undefined || keyFile === undefined)) {
    problems.push("MTLS_MODE: 'integration' requires GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE")
  }
  if (problems.length > 0) throw new ConfigError(problems)
}
