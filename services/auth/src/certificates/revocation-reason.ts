/** RFC 5280 CRLReason values (7 is unused by the standard; removeFromCRL and aACompromise do not apply to us). */
export const revocationReasonCodes = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 9,
} as const

export type RevocationReason = keyof typeof revocationReasonCodes

export function isRevocationReason(value: string): value is RevocationReason {
  return Object.hasOwn(revocationReasonCodes, value)
}
