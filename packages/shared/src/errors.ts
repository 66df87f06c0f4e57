import Type, { type Static } from 'typebox'

/**
 * A failure the caller can act on. `code` is a stable identifier clients switch on;
 * renaming one is a breaking change of the public API.
 */
export class AppError extends Error {
  readonly statusCode: number
  readonly code: string
  readonly extensions: Record<string, unknown> | undefined

  constructor(code: string, statusCode: number, message: string, extensions?: Record<string, unknown>) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.statusCode = statusCode
    this.extensions = extensions
  }
}

export const ErrorCodes = {
  ValidationFailed: 'VALIDATION_FAILED',
  MalformedBody: 'MALFORMED_BODY',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  NotFound: 'NOT_FOUND',
  MethodNotAllowed: 'METHOD_NOT_ALLOWED',
  RateLimited: 'RATE_LIMITED',
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  Conflict: 'CONFLICT',
  ConcurrentModification: 'CONCURRENT_MODIFICATION',
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  UpstreamUnavailable: 'UPSTREAM_UNAVAILABLE',
  Internal: 'INTERNAL_ERROR',
} as const

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'URI identifying the problem type.' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    code: Type.String({ description: 'Stable machine-readable error code.' }),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String(),
          message: Type.String(),
          code: Type.Optional(Type.String()),
        }),
      ),
    ),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details.' },
)
export type Problem = Static<typeof ProblemSchema>

export const problemTypeBase = 'https://fatturapa-hub.dev/problems/'

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

export function problem(
  status: number,
  code: string,
  detail: string | undefined,
  extras: { instance?: string; requestId?: string; errors?: Problem['errors']; extensions?: Record<string, unknown> } = {},
): Problem {
  return {
    ...extras.extensions,
    type: `${problemTypeBase}${code.toLowerCase().replaceAll('_', '-')}`,
    title: titles[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    status,
    ...(detail === undefined ? {} : { detail }),
    ...(extras.instance === undefined ? {} : { instance: extras.instance }),
    code,
    ...(extras.requestId === undefined ? {} : { requestId: extras.requestId }),
    ...(extras.errors === undefined ? {} : { errors: extras.errors }),
  }
}

/** Response schemas for the error statuses a route can return, for its OpenAPI description. */
export function problemResponses<const S extends number>(...statuses: S[]) {
  const responses = {} as Record<S, typeof ProblemSchema>
  for (const status of statuses) responses[status] = ProblemSchema
  return responses
}
