import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { XmlBufferInputProvider, XmlDocument, XmlValidateError, XsdValidator, xmlRegisterInputProvider } from 'libxml2-wasm'
import { hardenedParseOptions } from '../../src/xml/parse.js'

/** The schemas under test, as shipped by the package. */
export const schemaFolder = fileURLToPath(new URL('../../schemas/', import.meta.url))
export const invoiceSchemaFile = 'fatturapa-v1.2.3.xsd'

/** The production parse options, so the differential test judges exactly what the validator does. */
export const safeParseOptions = hardenedParseOptions

let providerRegistered = false

/**
 * Compiles our FatturaPA schema with libxml2-wasm. The xmldsig import (schemaLocation "xmldsig-core.xsd") is
 * served from memory, so compilation reads nothing but the two files of the package.
 */
export function compileInvoiceSchema(): XsdValidator {
  if (!providerRegistered) {
    xmlRegisterInputProvider(new XmlBufferInputProvider({ 'xmldsig-core.xsd': readFileSync(join(schemaFolder, 'xmldsig-core.xsd')) }))
    providerRegistered = true
  }
  const schemaDocument = XmlDocument.fromBuffer(readFileSync(join(schemaFolder, invoiceSchemaFile)), {
    url: invoiceSchemaFile,
    option: safeParseOptions,
  })
  try {
    return XsdValidator.fromDoc(schemaDocument)
  } finally {
    schemaDocument.dispose()
  }
}

export interface Verdict {
  valid: boolean
  /** First parser or validation message, when invalid. */
  error?: string
}

/** Our verdict on a file's bytes: parse failures and validation failures both count as invalid. */
export function ourVerdict(validator: XsdValidator, bytes: Uint8Array, url: string): Verdict {
  let document: XmlDocument
  try {
    document = XmlDocument.fromBuffer(bytes, { url, option: safeParseOptions })
  } catch (error) {
    return { valid: false, error: `parse: ${(error as Error).message.split('\n')[0]}` }
  }
  try {
    validator.validate(document)
    return { valid: true }
  } catch (error) {
    if (error instanceof XmlValidateError) return { valid: false, error: error.details[0]?.message.trim() ?? error.message }
    return { valid: false, error: (error as Error).message }
  } finally {
    document.dispose()
  }
}

/**
 * The oracle: system xmllint with the official schema, run once over a whole batch. xmllint prints
 * "<file> validates" or "<file> fails to validate" per file; a file that does not parse gets only parser errors,
 * so anything without a "validates" line is invalid. Returns, per file, the verdict and the first message.
 */
export function xmllintVerdicts(schemaPath: string, files: string[]): Map<string, Verdict> {
  const result = spawnSync('xmllint', ['--noout', '--nonet', '--schema', schemaPath, ...files], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  })
  if (result.error) throw result.error
  const output = `${result.stderr}\n${result.stdout}`
  if (/failed to compile|WXS schema .* failed/.test(output)) throw new Error(`xmllint could not compile ${schemaPath}`)
  const verdicts = new Map<string, Verdict>()
  const firstMessage = new Map<string, string>()
  const known = new Set(files)
  for (const line of output.split('\n')) {
    const file = /^([^:]+):/.exec(line)?.[1]
    if (file && known.has(file) && !firstMessage.has(file)) firstMessage.set(file, line.slice(file.length + 1).trim())
  }
  const valid = new Set(
    output
      .split('\n')
      .filter((line) => line.endsWith(' validates'))
      .map((line) => line.slice(0, -' validates'.length)),
  )
  for (const file of files) {
    verdicts.set(
      file,
      valid.has(file) ? { valid: true } : { valid: false, error: firstMessage.get(file) ?? `(no message for ${basename(file)})` },
    )
  }
  return verdicts
}
