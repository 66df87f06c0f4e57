import { fileURLToPath } from 'node:url'
import { compileXsdFile } from '@fatturapa-hub/fatturapa'
import { type XmlElement, XmlValidateError, type XsdValidator } from 'libxml2-wasm'
import { SoapError } from './errors.js'
import { SoapNamespaces } from './namespaces.js'

/** Folder of the schemas written for this package (shipped with it, next to `dist`). */
export const schemaDirectory = fileURLToPath(new URL('../schemas/', import.meta.url))

/** Our schema file for each body namespace. */
export const bodySchemaFiles: Readonly<Record<string, string>> = {
  [SoapNamespaces.Trasmissione]: 'sdicoop-trasmissione-types.xsd',
  [SoapNamespaces.Ricezione]: 'sdicoop-ricezione-types.xsd',
}

const validators = new Map<string, XsdValidator>()

/** The compiled validator of a body namespace, built once per process and reused for every message. */
export function bodyValidator(namespace: string): XsdValidator {
  let validator = validators.get(namespace)
  if (validator) return validator
  const file = bodySchemaFiles[namespace]
  if (!file) throw new SoapError('SOAP_UNKNOWN_OPERATION', `No SDICoop schema for namespace ${namespace}`)
  validator = compileXsdFile(`${schemaDirectory}${file}`)
  validators.set(namespace, validator)
  return validator
}

/** Schema messages for a body element (empty when it conforms). */
export function bodyIssues(element: XmlElement): string[] {
  try {
    bodyValidator(element.namespaceUri).validate(element)
    return []
  } catch (error) {
    if (!(error instanceof XmlValidateError)) throw error
    return error.details.map((detail) => detail.message.trim())
  }
}

/** Throws SOAP_BODY_INVALID with the schema messages when the body element does not conform. */
export function assertValidBody(element: XmlElement): void {
  const issues = bodyIssues(element)
  if (issues.length > 0) {
    throw new SoapError('SOAP_BODY_INVALID', `${element.name} does not conform to the SDICoop types: ${issues[0]}`, { details: issues })
  }
}
