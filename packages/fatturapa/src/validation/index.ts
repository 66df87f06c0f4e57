export * from './issues.js'
export { validateInvoice } from './pipeline.js'
export { compiledSchema, Namespaces, schemaDirectory } from './schemas.js'
export { type ValidateOptions, validateInvoiceFormat } from './validate.js'
