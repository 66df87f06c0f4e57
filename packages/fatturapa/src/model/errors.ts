/**
 * One problem found in an invoice, located by a JSON Pointer into the model (RFC 6901), e.g.
 * `/FatturaElettronicaBody/0/DatiGenerali/DatiGeneraliDocumento/Numero`. The same pointer addresses the JSON a
 * client sent and, element for element, the XML.
 */
export interface ModelIssue {
  path: string
  message: string
  code: ModelIssueCode
}

export type ModelIssueCode =
  /** A mandatory element (or attribute) is absent. */
  | 'MISSING_ELEMENT'
  /** An element, attribute or JSON property the format does not define. */
  | 'UNKNOWN_ELEMENT'
  /** Elements present but not in schema order. */
  | 'ELEMENT_ORDER'
  /** A non-repeatable element occurs more than once; the first occurrence is kept. */
  | 'DUPLICATE_ELEMENT'
  /** Text where only elements are allowed, or elements inside a value. */
  | 'UNEXPECTED_CONTENT'
  /** Element in the wrong namespace (e.g. children of a default-namespace root). */
  | 'NAMESPACE'
  /** A value breaking a pattern, length, enumeration or type. */
  | 'INVALID_VALUE'
  /** The bytes did not decode cleanly in the declared encoding. */
  | 'ENCODING'

export type InvoiceXmlErrorCode =
  | 'XML_MALFORMED'
  | 'XML_DTD_FORBIDDEN'
  | 'XML_ENCODING_UNSUPPORTED'
  | 'XML_ENCODING_INVALID'
  /** Well-formed XML whose root is not a FatturaPA 1.2 FatturaElettronica (e.g. FSM10, SDI messages). */
  | 'NOT_AN_INVOICE'

/** The input cannot be read as XML at all, or is not a FatturaPA invoice; no partial result exists. */
export class InvoiceXmlError extends Error {
  override readonly name = 'InvoiceXmlError'

  constructor(
    readonly code: InvoiceXmlErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/** The XML was read but breaks the FatturaPA schema (strict parsing only; lenient parsing returns the issues). */
export class InvoiceSchemaError extends Error {
  override readonly name = 'InvoiceSchemaError'
  readonly code = 'INVOICE_INVALID'

  constructor(readonly issues: ModelIssue[]) {
    super(summary('Invoice does not conform to FatturaPA 1.2.3', issues))
  }
}

/** buildInvoiceXml was given an object that does not have the shape of the model. */
export class InvoiceModelError extends Error {
  override readonly name = 'InvoiceModelError'
  readonly code = 'MODEL_INVALID'

  constructor(readonly issues: ModelIssue[]) {
    super(summary('Invoice model cannot be serialised', issues))
  }
}

function summary(prefix: string, issues: ModelIssue[]): string {
  const first = issues.slice(0, 3).map((issue) => `${issue.path || '/'}: ${issue.message}`)
  const more = issues.length > 3 ? ` (+${issues.length - 3} more)` : ''
  return `${prefix}: ${first.join('; ')}${more}`
}
