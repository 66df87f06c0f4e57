import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino'

// Secrets and credentials never reach log storage, whatever object they travel in.
const secretKeys = [
  'password',
  'newPassword',
  'oldPassword',
  'currentPassword',
  'temporaryPassword',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'apiKey',
  'privateKey',
  'key',
  'passphrase',
  'certificate',
  'pkcs12',
  'p12',
  'csr',
]

export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...secretKeys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
]

export interface CreateLoggerOptions {
  name: string
  level?: string
  destination?: DestinationStream
  base?: Record<string, unknown>
}

export function createLogger({ name, level = 'info', destination, base }: CreateLoggerOptions): Logger {
  const options: LoggerOptions = {
    name,
    level,
    base: { service: name, ...base },
    redact: { paths: redactPaths, censor: '[REDACTED]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }
  return destination ? pino(options, destination) : pino(options)
}

export type { Logger } from 'pino'
