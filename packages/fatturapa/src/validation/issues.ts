/** One finding of the validation pipeline, with the SDI error code it would produce. */
export interface SdiIssue {
  code: string
  message: string
  /** XPath-like location in the document, when known. */
  path?: string
  line?: number
  column?: number
}

export type InvoiceFormat = 'FPA12' | 'FPR12' | 'FSM10'

export interface ValidationResult {
  valid: boolean
  format?: InvoiceFormat
  issues: SdiIssue[]
}

/** SDI codes of the file and format stages (AdE specifiche tecniche, Appendice 1). */
export const SdiCodes = {
  InvalidFileName: '00001',
  FileTooLarge: '00003',
  FormatError: '00200',
  TooManyFormatErrors: '00201',
} as const
