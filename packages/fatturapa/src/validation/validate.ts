import { type XmlDocument, XmlValidateError } from 'libxml2-wasm'
import { maxInvoiceBytes, parseUntrustedXml, XmlInputError } from '../xml/parse.js'
import { type InvoiceFormat, SdiCodes, type SdiIssue, type ValidationResult } from './issues.js'
import { compiledSchema, invoiceSchemaFor } from './schemas.js'

export interface ValidateOptions {
  /** SDI stops listing format errors after 50 and adds one 00201. */
  maxFormatErrors?: number
}

/**
 * The format stage of SDI: size (00003), well-formedness and schema (00200, capped by 00201).
 * The schema is chosen by the root element and namespace, as SDI does.
 */
export function validateInvoiceFormat(bytes: Uint8Array, options: ValidateOptions = {}): ValidationResult {
  if (bytes.length > maxInvoiceBytes) {
    return invalid([
      { code: SdiCodes.FileTooLarge, message: `File of ${bytes.length} bytes exceeds the ${maxInvoiceBytes} bytes SDI accepts` },
    ])
  }
  let document: XmlDocument
  try {
    document = parseUntrustedXml(bytes)
  } catch (error) {
    if (!(error instanceof XmlInputError)) throw error
    return invalid([{ code: SdiCodes.FormatError, message: error.message, ...location(error.line, error.column) }])
  }
  try {
    return validateDocument(document, options)
  } finally {
    document.dispose()
  }
}

function validateDocument(document: XmlDocument, options: ValidateOptions): ValidationResult {
  const root = document.root
  const schema = invoiceSchemaFor(root.namespaceUri, root.name)
  if (!schema) {
    return invalid([
      {
        code: SdiCodes.FormatError,
        message: `Root element {${root.namespaceUri}}${root.name} is not a FatturaPA 1.2 or simplified 1.0 invoice`,
        path: `/${root.name}`,
      },
    ])
  }
  const versione = root.attr('versione')?.value
  const format = schema.formats.find((candidate) => candidate === versione)
  try {
    compiledSchema(schema.file).validate(document)
  } catch (error) {
    if (!(error instanceof XmlValidateError)) throw error
    const cap = options.maxFormatErrors ?? 50
    const issues: SdiIssue[] = error.details.slice(0, cap).map((detail) => ({
      code: SdiCodes.FormatError,
      message: detail.message.trim(),
      ...(detail.xpath ? { path: detail.xpath } : {}),
      ...location(detail.line, detail.col),
    }))
    if (error.details.length > cap) {
      issues.push({
        code: SdiCodes.TooManyFormatErrors,
        message: `More than ${cap} format errors: the remaining ${error.details.length - cap} are not listed`,
      })
    }
    return { valid: false, ...(format ? { format } : {}), issues }
  }
  return { valid: true, format: format as InvoiceFormat, issues: [] }
}

function invalid(issues: SdiIssue[]): ValidationResult {
  return { valid: false, issues }
}

function location(line: number | undefined, column: number | undefined): Pick<SdiIssue, 'line' | 'column'> {
  return { ...(line ? { line } : {}), ...(column ? { column } : {}) }
}
