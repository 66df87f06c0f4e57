import Type, { type Static, type TObject, type TProperties, type TSchema } from 'typebox'
import { Value } from 'typebox/value'

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
  }
}

/** Settings every process of the platform reads. */
export const PlatformConfigFields = {
  LOG_LEVEL: Type.Union(
    [
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ],
    { default: 'info', description: 'pino log level: fatal, error, warn, info, debug, trace, silent.' },
  ),
  REDIS_URL: Type.String({
    default: 'redis://127.0.0.1:6379',
    pattern: '^rediss?://',
    description: 'Redis used by queues and rate limits (redis:// or rediss://).',
  }),
  REDIS_PREFIX: Type.String({
    default: 'fph',
    pattern: '^[A-Za-z0-9_-]+$',
    description: 'Prefix of every Redis key the platform writes, so several installations can share one Redis.',
  }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({
    default: 25000,
    minimum: 1000,
    description: 'Hard deadline for draining requests and jobs on SIGTERM (keep it below the orchestrator grace period).',
  }),
} satisfies TProperties

/** Settings of a domain service (HTTP role and worker role). */
export function serviceConfigFields(service: { name: string; defaultPort: number }) {
  return {
    ...PlatformConfigFields,
    HOST: Type.String({ default: '127.0.0.1', description: 'Interface the HTTP server binds to (0.0.0.0 in containers).' }),
    PORT: Type.Integer({ default: service.defaultPort, minimum: 0, maximum: 65535, description: 'HTTP port.' }),
    DATABASE_URL: Type.String({
      default: `sqlite:./data/${service.name}.sqlite`,
      pattern: '^(postgres(ql)?://|sqlite:)',
      description: 'postgres://user:pass@host:5432/db (production) or sqlite:<file> (embedded mode).',
    }),
    AUTH_JWKS_URL: Type.String({
      default: 'http://127.0.0.1:3001/.well-known/jwks.json',
      pattern: '^https?://',
      description: "The auth service's public token keys; every service verifies access tokens locally with them.",
    }),
    TRUST_PROXY: Type.String({
      default: 'loopback',
      description:
        'Addresses whose X-Forwarded-For is believed (the gateway): comma-separated IPs, CIDRs or loopback / linklocal / uniquelocal. Client IPs in audit, lockout and rate limits come from it.',
    }),
    DB_SCHEMA: Type.String({
      default: service.name.replaceAll('-', '_'),
      pattern: '^[a-z_][a-z0-9_]*$',
      description: 'PostgreSQL schema owned by the service (ignored for SQLite).',
    }),
  } satisfies TProperties
}

export const MailConfigFields = {
  SMTP_URL: Type.Optional(
    Type.String({
      pattern: '^smtps?://',
      description: 'SMTP server for outgoing mail; when unset, mail is written as .eml files to MAIL_DIR.',
    }),
  ),
  MAIL_DIR: Type.String({ default: './data/mail', description: 'Folder for .eml files when SMTP_URL is unset.' }),
  MAIL_FROM: Type.String({ default: 'fatturapa-hub <noreply@fatturapa-hub.local>', description: 'Sender of platform e-mails.' }),
} satisfies TProperties

/**
 * Reads, converts and validates configuration from environment variables. Unknown variables are ignored;
 * every invalid or missing one is named in the error, so a bad deployment fails at boot with one message.
 */
export function loadConfig<T extends TObject>(schema: T, env: Record<string, string | undefined> = process.env): Static<T> {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(schema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  const converted = Value.Convert(schema, Value.Default(schema, raw)) as Record<string, unknown>
  const required = new Set(schema.required ?? [])
  const problems: string[] = []
  // Checked one variable at a time so that every bad variable is reported, not only the first.
  for (const [name, property] of Object.entries(schema.properties)) {
    const value = converted[name]
    if (value === undefined) {
      if (required.has(name)) problems.push(`${name}: required (not set)`)
      continue
    }
    if (!Value.Check(property, value)) {
      const received = env[name]
      problems.push(`${name}: ${expectation(property)}${received === undefined ? ' (not set)' : ` (got ${JSON.stringify(received)})`}`)
    }
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return converted as Static<T>
}

function expectation(property: TSchema): string {
  const schema = property as { anyOf?: Array<{ const?: unknown }>; pattern?: string; type?: string; minimum?: number; maximum?: number }
  if (schema.anyOf?.every((option) => option.const !== undefined)) {
    return `must be one of ${schema.anyOf.map((option) => String(option.const)).join(', ')}`
  }
  if (schema.type === 'integer') {
    return `must be an integer${schema.minimum === undefined ? '' : ` from ${schema.minimum}`}${schema.maximum === undefined ? '' : ` to ${schema.maximum}`}`
  }
  if (schema.pattern) return `must match ${schema.pattern}`
  return `must be a valid ${schema.type ?? 'value'}`
}

/** One row per variable, used to generate the configuration table of the README. */
export function describeConfig(schema: TObject): Array<{ name: string; default: string; description: string; required: boolean }> {
  const required = new Set(schema.required ?? [])
  return Object.entries(schema.properties).map(([name, property]) => {
    const prop = property as { default?: unknown; description?: string }
    return {
      name,
      default: prop.default === undefined ? '' : String(prop.default),
      description: prop.description ?? '',
      required: required.has(name) && prop.default === undefined,
    }
  })
}
