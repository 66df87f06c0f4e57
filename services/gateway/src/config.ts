import { gatewayDefaultPort, PlatformConfigFields, ServiceCatalog, serviceNames } from '@fatturapa-hub/shared'
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
    ...upstreamFields,
  },
  { additionalProperties: true },
)
export type Config = Static<typeof ConfigSchema>

export function upstreams(config: Config): Array<{ name: string; url: string }> {
  return serviceNames.map((name) => ({ name, url: (config as Record<string, unknown>)[serviceUrlVariable(name)] as string }))
}
