import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AppError, ErrorCodes } from '../errors.js'
import type { AccessTokenClaims } from './claims.js'
import { AuthErrorCodes } from './codes.js'
import type { TokenVerifier } from './verifier.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Skip authentication; `request.user` stays null. */
    public?: boolean
    /** Reachable with a token that still requires a password change (the change-password route itself). */
    allowPasswordChange?: boolean
    /** Reachable with a token whose user has not accepted the current contracts yet. */
    allowContractsPending?: boolean
  }
  interface FastifyRequest {
    /**
     * The verified access-token claims. Typed as always present because every non-public route has them;
     * on routes marked `config: { public: true }` it is null.
     */
    user: AccessTokenClaims
  }
}

export interface AuthPluginOptions {
  verifier: TokenVerifier
  /** Route patterns reachable without a token besides routes marked `config: { public: true }`. */
  publicRoutes?: readonly string[]
}

// The probes and the OpenAPI document that `createApp` registers carry `config: { public: true }` themselves.
export const defaultPublicRoutes: readonly string[] = []

/**
 * Authenticates every route of the app (not only the registering plugin's: fastify-plugin lifts the hook) from
 * `Authorization: Bearer …`, then refuses tokens whose user must first change password or accept contracts.
 */
export const authPlugin = fp<AuthPluginOptions>(
  async (app, { verifier, publicRoutes = defaultPublicRoutes }) => {
    const publicPatterns = new Set(publicRoutes)
    app.decorateRequest('user', null as unknown as AccessTokenClaims)
    app.addHook('onRequest', async (request, reply) => {
      const config = request.routeOptions.config
      // Unknown routes answer 404 whoever asks: the OpenAPI document already lists every route. Matching the
      // route pattern, not the raw URL, leaves no room for query-string or encoding tricks.
      if (config.public === true || request.is404) return
      if (request.routeOptions.url !== undefined && publicPatterns.has(request.routeOptions.url)) return
      const token = bearerToken(request.headers.authorization)
      if (token === undefined) {
        reply.header('www-authenticate', 'Bearer')
        throw new AppError(ErrorCodes.Unauthorized, 401, 'This endpoint requires an access token.')
      }
      try {
        request.user = await verifier.verify(token)
      } catch (error) {
        if (error instanceof AppError && error.statusCode === 401) {
          request.log.debug({ reason: reasonOf(error.cause) }, 'access token rejected')
          reply.header('www-authenticate', 'Bearer error="invalid_token"')
        }
        throw error
      }
      if (request.user.mustChangePassword === true && config.allowPasswordChange !== true) {
        throw new AppError(AuthErrorCodes.PasswordChangeRequired, 403, 'The password must be changed before using the service.')
      }
      if (request.user.contractsPending === true && config.allowContractsPending !== true) {
        throw new AppError(AuthErrorCodes.ContractsPending, 403, 'The current contracts must be accepted before using the service.')
      }
    })
  },
  { name: 'auth', fastify: '5.x' },
)

/** A route preHandler refusing users who lack any of the given permissions with 403 `FORBIDDEN`. */
export function requirePermission(...permissions: string[]) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const granted = authenticatedUser(request).permissions
    const missing = permissions.filter((permission) => !granted.includes(permission))
    if (missing.length > 0) throw new AppError(ErrorCodes.Forbidden, 403, 'You do not have the permission this operation requires.')
  }
}

/**
 * Refuses access to another studio's resource with 404, not 403, so ids of other studios' resources cannot be
 * probed for existence.
 */
export function assertSameStudio(request: FastifyRequest, studioId: string): void {
  if (authenticatedUser(request).studio !== studioId) throw new AppError(ErrorCodes.NotFound, 404, 'The resource does not exist.')
}

/** The claims of the request, or 401 when the route was public and nobody authenticated. */
export function authenticatedUser(request: FastifyRequest): AccessTokenClaims {
  const user = request.user as AccessTokenClaims | null
  if (user === null) throw new AppError(ErrorCodes.Unauthorized, 401, 'This endpoint requires an access token.')
  return user
}

const bearerPattern = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i

function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : bearerPattern.exec(header)?.[1]
}

function reasonOf(cause: unknown): string | undefined {
  if (cause instanceof Error) return 'code' in cause && typeof cause.code === 'string' ? cause.code : cause.message
  return undefined
}
