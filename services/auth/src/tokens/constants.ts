/**
 * Must equal the verifying side's constants in `@fatturapa-hub/shared` (auth/claims.ts); the cross-package test
 * checks they do. Import them from there once the shared index exports its auth module.
 */
export const tokenIssuer = 'fatturapa-hub/auth'
export const tokenAudience = 'fatturapa-hub'
export const accessTokenType = 'at+jwt'
export const signingAlgorithm = 'ES256'

export const defaultAccessTokenTtlSeconds = 15 * 60
export const defaultRefreshTokenTtlSeconds = 30 * 24 * 60 * 60
/** Clock skew verifiers tolerate; a retired key must outlive its last token by at least this much. */
export const verifierClockToleranceSeconds = 30
