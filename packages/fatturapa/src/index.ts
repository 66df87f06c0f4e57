// Check digits live in the platform package (auth checks VAT numbers too); re-exported for library users.
export { codiceFiscaleCheckCharacter, isValidCodiceFiscale, isValidPartitaIva } from '@fatturapa-hub/shared/identifiers'
export * from './checks/index.js'
export {
  type BuildOptions,
  buildInvoiceXml,
  FATTURAPA_LEGACY_NS,
  FATTURAPA_NS,
  type FatturaElettronica,
  FatturaElettronicaBodySchema,
  FatturaElettronicaHeaderSchema,
  FatturaElettronicaSchema,
  InvoiceModelError,
  InvoiceSchemaError,
  InvoiceXmlError,
  type InvoiceXmlErrorCode,
  type ModelIssue,
  type ModelIssueCode,
  type ParseOptions,
  parseInvoice,
  type ReadResult,
  readInvoice,
  readValidatedInvoice,
  type ValidationResult as ModelValidationResult,
  validateInvoiceModel,
  XMLDSIG_NS,
} from './model/index.js'
export * from './names/index.js'
export * from './notifications/index.js'
export { type InvoiceView, invoiceView, renderInvoiceHtml, renderInvoicePdf, renderViewHtml, renderViewPdf } from './render/index.js'
export * from './signature/index.js'
export * from './validation/index.js'
export { maxInvoiceBytes, parseUntrustedXml, XmlInputError } from './xml/parse.js'
export { compileXsdFile } from './xml/xsd.js'
