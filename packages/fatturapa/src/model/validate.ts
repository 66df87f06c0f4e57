import { Compile, type Validator } from 'typebox/compile'
import type { ModelIssue } from './errors.js'
import { type FatturaElettronica, FatturaElettronicaSchema } from './schema/invoice.js'
import { pointer } from './shape.js'

export type ValidationResult = { ok: true; value: FatturaElettronica } | { ok: false; errors: ModelIssue[] }

// Compiled on first use: building the validator costs a few milliseconds that plain imports should not pay.
let compiled: Validator | undefined

/**
 * Checks JSON (e.g. the body an ERP posts) against the model: structure, mandatory elements, enumerations and
 * the cheap lexical constraints. Errors carry a JSON Pointer to the offending value, or to the missing property.
 * Business rules (totals, VAT coherence, SDI control codes) are out of scope here.
 */
export function validateInvoiceModel(json: unknown): ValidationResult {
  compiled ??= Compile(FatturaElettronicaSchema) as Validator
  if (compiled.Check(json)) return { ok: true, value: json as FatturaElettronica }
  return { ok: false, errors: collectErrors(compiled.Errors(json) as unknown as RawError[]) }
}

interface RawError {
  keyword: string
  schemaPath: string
  instancePath: string
  params: Record<string, unknown>
  message: string
}

function collectErrors(raw: Iterable<RawError>): ModelIssue[] {
  const issues: ModelIssue[] = []
  const seen = new Set<string>()
  const add = (issue: ModelIssue) => {
    const key = `${issue.path}\u0000${issue.code}`
    if (seen.has(key)) return
    seen.add(key)
    issues.push(issue)
  }
  for (const error of raw) {
    // The branches of the Denominazione | Nome+Cognome choice are reported once, through the oneOf error.
    if (error.schemaPath.includes('/oneOf/')) continue
    switch (error.keyword) {
      case 'required':
        for (const name of (error.params.requiredProperties as string[] | undefined) ?? []) {
          add({ path: pointer(error.instancePath, name), code: 'MISSING_ELEMENT', message: `${name} is required` })
        }
        break
      case 'additionalProperties':
        for (const name of (error.params.additionalProperties as string[] | undefined) ?? []) {
          add({ path: pointer(error.instancePath, name), code: 'UNKNOWN_ELEMENT', message: `${name} is not an element of FatturaPA here` })
        }
        break
      case 'boolean':
        // "schema is false" is how additionalProperties: false reports each extra property; handled above.
        break
      case 'oneOf':
        add({
          path: error.instancePath,
          code: 'INVALID_VALUE',
          message: 'either Denominazione or both Nome and Cognome are required, not both',
        })
        break
      case 'enum':
        add({
          path: error.instancePath,
          code: 'INVALID_VALUE',
          message: `must be one of ${((error.params.allowedValues as unknown[] | undefined) ?? []).join(', ')}`,
        })
        break
      default:
        add({ path: error.instancePath, code: 'INVALID_VALUE', message: error.message })
    }
  }
  return issues
}
