import { type AccessTokenClaims, AppError } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/core'
import { loadStudioSettings, type StudioSettingsValues } from './studio-settings.entity.js'

export const SettingsErrorCodes = {
  FeAttivaDisabled: 'FE_ATTIVA_DISABLED',
  ContractsNotAccepted: 'CONTRACTS_NOT_ACCEPTED',
  SettingsVersionConflict: 'SETTINGS_VERSION_CONFLICT',
  UnknownUserClass: 'UNKNOWN_USER_CLASS',
  InvoiceDeletionDisabled: 'INVOICE_DELETION_DISABLED',
} as const

/**
 * Refuses a submission the studio's parameters do not allow: 422 FE_ATTIVA_DISABLED when the studio switched
 * the active-invoicing service off; with OBBLIGA ACCETTAZIONE CONTRATTI, 403 CONTRACTS_NOT_ACCEPTED when the
 * caller's token says contracts are pending (auth's `contractsPending` claim: the only acceptance auth exposes).
 */
export async function assertSubmissionAllowed(
  em: EntityManager,
  studioId: string,
  caller?: Pick<AccessTokenClaims, 'contractsPending'>,
): Promise<void> {
  assertSettingsAllowSubmission(await loadStudioSettings(em, studioId), caller)
}

/** The check of `assertSubmissionAllowed` on parameters the caller already read. */
export function assertSettingsAllowSubmission(
  settings: Pick<StudioSettingsValues, 'feAttivaEnabled' | 'requireContractAcceptance'>,
  caller?: Pick<AccessTokenClaims, 'contractsPending'>,
): void {
  if (!settings.feAttivaEnabled) {
    throw new AppError(
      SettingsErrorCodes.FeAttivaDisabled,
      422,
      'The active e-invoicing service is disabled for your studio (Parametri Generali Fattura Elettronica Attiva)',
    )
  }
  if (settings.requireContractAcceptance && caller?.contractsPending === true) {
    throw new AppError(
      SettingsErrorCodes.ContractsNotAccepted,
      403,
      'Your studio requires the contracts to be accepted before invoices are sent: accept the pending contracts first',
    )
  }
}
