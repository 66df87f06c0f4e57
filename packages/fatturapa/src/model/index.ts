export { type BuildOptions, buildInvoiceXml } from './build.js'
export {
  InvoiceModelError,
  InvoiceSchemaError,
  InvoiceXmlError,
  type InvoiceXmlErrorCode,
  type ModelIssue,
  type ModelIssueCode,
} from './errors.js'
export { readValidatedInvoice } from './fast-read.js'
export { FATTURAPA_LEGACY_NS, FATTURAPA_NS, XMLDSIG_NS } from './namespaces.js'
export { type ParseOptions, parseInvoice, type ReadResult, readInvoice } from './parse.js'
export { FatturaElettronicaBodySchema } from './schema/body.js'
export { FatturaElettronicaHeaderSchema } from './schema/header.js'
export { type FatturaElettronica, FatturaElettronicaSchema } from './schema/invoice.js'
export { type ValidationResult, validateInvoiceModel } from './validate.js'
