/** Stable codes of the authentication failures that are not generic 401/403/404; clients switch on them. */
export const AuthErrorCodes = {
  TokenExpired: 'TOKEN_EXPIRED',
  PasswordChangeRequired: 'PASSWORD_CHANGE_REQUIRED',
  ContractsPending: 'CONTRACTS_PENDING',
} as const
