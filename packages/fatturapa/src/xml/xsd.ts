import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { ParseOption, XmlDocument, XsdValidator } from 'libxml2-wasm'

/**
 * Compiles a schema file once into a reusable validator: no network and no external entities while reading it,
 * and the parsed schema document freed as soon as the validator exists. Imports are resolved by file name
 * through libxml2's input providers, when the caller registered them.
 */
export function compileXsdFile(path: string): XsdValidator {
  const schemaDocument = XmlDocument.fromBuffer(readFileSync(path), {
    url: basename(path),
    option: ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE,
  })
  try {
    return XsdValidator.fromDoc(schemaDocument)
  } finally {
    schemaDocument.dispose()
  }
}
