import { XmlValidateError } from 'libxml2-wasm'
import { compiledSchema } from '../validation/schemas.js'
import type { SdiVocabulary } from './model.js'
import { vocabularyOfNamespace } from './vocabulary.js'
import { parseMessageXml } from './xml-input.js'

/** Schema files of this package (in `schemas/`), one per vocabulary. */
export const sdiMessageSchemaFiles: Record<SdiVocabulary, string> = {
  PA: 'messaggi-types-v1.1.xsd',
  B2B: 'messaggi-fattura-types-v1.0.xsd',
}

export interface SdiSchemaIssue {
  message: string
  line?: number
}

export interface SdiSchemaResult {
  valid: boolean
  /** Undefined when the root belongs to neither vocabulary. */
  vocabulary?: SdiVocabulary
  issues: SdiSchemaIssue[]
}

/**
 * Strict check of a message against the schema of its vocabulary (chosen by the root namespace). Incoming SDI
 * messages should not be gated on it (they often fail, see parseSdiMessage); it is for what we produce and for
 * the outcome (EC) a recipient sends, which SDI refuses with EN00 when it does not conform.
 *
 * @throws SdiMessageError SDI_MESSAGE_MALFORMED or SDI_MESSAGE_DTD_FORBIDDEN when the input is not usable XML.
 */
export function validateSdiMessage(input: string | Uint8Array): SdiSchemaResult {
  const document = parseMessageXml(input)
  try {
    const vocabulary = vocabularyOfNamespace(document.root.namespaceUri)
    if (!vocabulary) {
      return {
        valid: false,
        issues: [{ message: `Root {${document.root.namespaceUri}}${document.root.name} belongs to no SDI message vocabulary` }],
      }
    }
    try {
      compiledSchema(sdiMessageSchemaFiles[vocabulary]).validate(document)
    } catch (error) {
      if (!(error instanceof XmlValidateError)) throw error
      const issues = error.details.map((detail) => ({ message: detail.message.trim(), ...(detail.line ? { line: detail.line } : {}) }))
      return { valid: false, vocabulary, issues }
    }
    return { valid: true, vocabulary, issues: [] }
  } finally {
    document.dispose()
  }
}
