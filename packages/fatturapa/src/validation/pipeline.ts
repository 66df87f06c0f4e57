import { runContentChecks, runIdentifierChecks, runSimplifiedChecks } from '../checks/index.js'
import { decodeXml } from '../model/decode.js'
import { readValidatedInvoice } from '../model/fast-read.js'
import { InvalidFileNameError, parseInvoiceFileName } from '../names/index.js'
import type { SignatureVerification } from '../signature/index.js'
import { type DuplicateStore, duplicateIssues } from './duplicates.js'
import { SdiCodes, type SdiIssue, type ValidationResult } from './issues.js'
import { type ValidateOptions, validateInvoiceFormat } from './validate.js'

export interface InvoiceValidationOptions extends ValidateOptions {
  /** The transmitted file name, checked as SDI checks it (00001); skipped when absent. */
  fileName?: string
  /** When SDI received the file: signing time (00105) and invoice date (00403) are checked against it. */
  receivedAt?: Date
  /** Only the format stage (size, well-formedness, schema), as `fatturapa validate --schema-only`. */
  schemaOnly?: boolean
  /** Invoices already transmitted, for 00404. */
  duplicates?: DuplicateStore
  /** Trusted CA certificates (DER); when given, an untrusted signer gives 00104. */
  trustedRoots?: Uint8Array[]
}

export interface InvoiceValidationResult extends ValidationResult {
  /**
   * Our own findings beyond SDI (FPH codes: check digits of partite IVA and codici fiscali). SDI judges these
   * against its registry (00300–00306), which cannot be queried offline, so they do not change `valid`.
   */
  warnings: SdiIssue[]
  /** Present when the file was a signed .p7m: the signer and signing time. */
  signature?: Pick<SignatureVerification, 'signer' | 'signingTime'>
  /** The invoice XML: the file itself, or the content of the .p7m. */
  xml?: Uint8Array
}

/**
 * Every check SDI applies to an invoice file, in SDI's order: name, size, signature, format, content,
 * duplicates. Like SDI it stops at the first failing stage, except that content checks are all reported.
 */
export async function validateInvoice(bytes: Uint8Array, options: InvoiceValidationOptions = {}): Promise<InvoiceValidationResult> {
  if (options.fileName !== undefined) {
    try {
      parseInvoiceFileName(options.fileName)
    } catch (error) {
      if (!(error instanceof InvalidFileNameError)) throw error
      return { valid: false, issues: [{ code: SdiCodes.InvalidFileName, message: error.message }], warnings: [] }
    }
  }

  let xml = bytes
  let signature: InvoiceValidationResult['signature']
  // SDI goes by the extension; without a name, anything that is not XML is taken for a .p7m, so a damaged
  // signature envelope is reported as such (00102) rather than as malformed XML.
  const signed = options.fileName ? /\.p7m$/i.test(options.fileName) : !looksLikeXml(bytes)
  if (bytes.length <= 5 * 1024 * 1024 && signed) {
    // Loaded on demand: most files are plain XML, and the CMS stack is a large part of a process's memory.
    const { verifyCades } = await import('../signature/index.js')
    const verification = await verifyCades(bytes, {
      ...(options.receivedAt ? { at: options.receivedAt } : {}),
      ...(options.trustedRoots ? { trustedRoots: options.trustedRoots } : {}),
    })
    if (!verification.valid || !verification.content) {
      return { valid: false, issues: [{ code: verification.code ?? '00102', message: verification.message }], warnings: [] }
    }
    xml = verification.content
    signature = { signer: verification.signer, signingTime: verification.signingTime }
  }

  const format = validateInvoiceFormat(xml, options)
  const base = { ...(signature ? { signature } : {}), xml, warnings: [] as SdiIssue[] }
  if (!format.valid || options.schemaOnly) return { ...format, ...base }
  if (format.format === 'FSM10') {
    const issues = runSimplifiedChecks(decodeXml(xml, false).text, options.receivedAt ? { receivedAt: options.receivedAt } : {})
    return { valid: issues.length === 0, format: 'FSM10', issues, ...base }
  }

  const invoice = readValidatedInvoice(xml)
  const issues: SdiIssue[] = runContentChecks(invoice, options.receivedAt ? { receivedAt: options.receivedAt } : {})
  if (issues.length === 0) issues.push(...(await duplicateIssues(invoice, options.duplicates)))
  return {
    valid: issues.length === 0,
    ...(format.format ? { format: format.format } : {}),
    issues,
    ...base,
    warnings: runIdentifierChecks(invoice),
  }
}

/** Plain XML starts with '<' after an optional BOM and whitespace; every .p7m encoding (DER, Base64, PEM) does not. */
function looksLikeXml(bytes: Uint8Array): boolean {
  let index = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) return true
  while (index < bytes.length && (bytes[index] === 0x20 || bytes[index] === 0x09 || bytes[index] === 0x0a || bytes[index] === 0x0d)) index++
  return bytes[index] === 0x3c
}
