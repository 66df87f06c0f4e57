// One definition for the issuing side (here) and the verifying side (every service).
export { accessTokenAlgorithm as signingAlgorithm, accessTokenType, tokenAudience, tokenIssuer } from '@fatturapa-hub/shared'

export const defaultAccessTokenTtlSeconds = 15 * 60
export const defaultRefreshTokenTtlSeconds = 30 * 24 * 60 * 60
/** Clock skew verifiers tolerate; a retired key must outlive its last token by at least this much. */
export const verifierClockToleranceSeconds = 30
