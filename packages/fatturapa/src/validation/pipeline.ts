import type { ValidationResult } from './issues.js'
import { type ValidateOptions, validateInvoiceFormat } from './validate.js'

/** Every check SDI applies to an invoice file, in SDI's order; stops where SDI stops. */
export function validateInvoice(bytes: Uint8Array, options: ValidateOptions = {}): ValidationResult {
  return validateInvoiceFormat(bytes, options)
}
