import { OptimisticLockError } from '@mikro-orm/core'
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify'
import { AppError, ErrorCodes, type Problem, problem } from '../errors.js'

const codeByStatus: Record<number, string> = {
  400: ErrorCodes.ValidationFailed,
  401: ErrorCodes.Unauthorized,
  403: ErrorCodes.Forbidden,
  404: ErrorCodes.NotFound,
  405: ErrorCodes.MethodNotAllowed,
  409: ErrorCodes.Conflict,
  413: ErrorCodes.PayloadTooLarge,
  415: ErrorCodes.UnsupportedMediaType,
  429: ErrorCodes.RateLimited,
  502: ErrorCodes.UpstreamUnavailable,
  503: ErrorCodes.ServiceUnavailable,
  504: ErrorCodes.UpstreamUnavailable,
}

const malformedBodyCodes = new Set([
  'FST_ERR_CTP_INVALID_JSON_BODY',
  'FST_ERR_CTP_EMPTY_JSON_BODY',
  'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
  'FST_ERR_CTP_INVALID_MEDIA_TYPE',
])

export function toProblem(error: FastifyError | AppError | Error, request: FastifyRequest): Problem {
  const extras = { instance: request.url, requestId: request.id }
  if (error instanceof AppError) {
    return problem(error.statusCode, error.code, error.message, { ...extras, extensions: error.extensions })
  }
  if (error instanceof OptimisticLockError) {
    // Another request or a worker changed the same row between our read and our write: nothing was written.
    return problem(409, ErrorCodes.ConcurrentModification, 'The resource changed while this request ran; read it again and retry.', extras)
  }
  const fastifyError = error as FastifyError
  if (fastifyError.validation) {
    const errors = fastifyError.validation.map((issue) => ({
      path: `${fastifyError.validationContext ?? 'request'}${issue.instancePath || ''}`,
      message: describeIssue(issue),
    }))
    return problem(400, ErrorCodes.ValidationFailed, 'The request does not match the schema of this endpoint.', { ...extras, errors })
  }
  const status = fastifyError.statusCode ?? 500
  if (status >= 500) {
    return problem(
      status,
      codeByStatus[status] ?? ErrorCodes.Internal,
      'An unexpected error occurred; quote the requestId to support.',
      extras,
    )
  }
  if (fastifyError.code && malformedBodyCodes.has(fastifyError.code) && status === 400) {
    return problem(400, ErrorCodes.MalformedBody, fastifyError.message, extras)
  }
  return problem(status, codeByStatus[status] ?? `HTTP_${status}`, fastifyError.message, extras)
}

function describeIssue(issue: { message?: string; keyword: string; params: Record<string, unknown> }): string {
  if (issue.keyword === 'additionalProperties') return `unexpected property '${String(issue.params.additionalProperty)}'`
  if (issue.keyword === 'required') return `missing required property '${String(issue.params.missingProperty)}'`
  return issue.message ?? issue.keyword
}

interface ProblemReply {
  code(statusCode: number): ProblemReply
  type(contentType: string): ProblemReply
  send(payload: unknown): unknown
}

/** Works with any Fastify reply (HTTP/1 or HTTP/2, any type provider). */
export function sendProblem(reply: ProblemReply, body: Problem) {
  return reply.code(body.status).type('application/problem+json').send(body)
}

/** The one place where errors become HTTP responses: 4xx are logged as warnings, 5xx as errors with details hidden. */
export function installErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error, request, reply) => {
    const body = toProblem(error as FastifyError, request)
    if (body.status >= 500) request.log.error({ err: error }, 'request failed')
    else request.log.warn({ code: body.code, detail: body.detail }, 'request rejected')
    return sendProblem(reply, body)
  })
  app.setNotFoundHandler((request, reply) => {
    request.log.info({ method: request.method, url: request.url }, 'route not found')
    return sendProblem(
      reply,
      problem(404, ErrorCodes.NotFound, `No route ${request.method} ${request.url.split('?')[0]}.`, {
        instance: request.url,
        requestId: request.id,
      }),
    )
  })
}
