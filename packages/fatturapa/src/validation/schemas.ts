import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { XmlBufferInputProvider, type XsdValidator, xmlRegisterInputProvider } from 'libxml2-wasm'
import { compileXsdFile } from '../xml/xsd.js'
import type { InvoiceFormat } from './issues.js'

/** Folder of the schemas written for this package (shipped with it, next to `dist`). */
export const schemaDirectory = fileURLToPath(new URL('../../schemas/', import.meta.url))

export const Namespaces = {
  FatturaPA: 'http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2',
  FatturaSemplificata: 'http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.0',
  XmlDsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const

interface RootSchema {
  file: string
  formats: InvoiceFormat[]
}

const invoiceRoots: Record<string, RootSchema> = {
  [`{${Namespaces.FatturaPA}}FatturaElettronica`]: { file: 'fatturapa-v1.2.3.xsd', formats: ['FPA12', 'FPR12'] },
  [`{${Namespaces.FatturaSemplificata}}FatturaElettronicaSemplificata`]: { file: 'fatturapa-semplificata-v1.0.xsd', formats: ['FSM10'] },
}

let providerRegistered = false
const validators = new Map<string, XsdValidator>()

/**
 * libxml2 resolves `xs:import schemaLocation` through registered input providers: every schema of the
 * package is served from memory by its file name, so compilation never touches the network or the cwd.
 */
function registerSchemaProvider(): void {
  if (providerRegistered) return
  const files: Record<string, Uint8Array> = {}
  for (const name of readdirSync(schemaDirectory)) {
    if (name.endsWith('.xsd')) files[name] = readFileSync(`${schemaDirectory}${name}`)
  }
  xmlRegisterInputProvider(new XmlBufferInputProvider(files))
  providerRegistered = true
}

/** The compiled validator of a schema file, built once per process and reused for every document. */
export function compiledSchema(file: string): XsdValidator {
  let validator = validators.get(file)
  if (!validator) {
    registerSchemaProvider()
    validator = compileXsdFile(`${schemaDirectory}${file}`)
    validators.set(file, validator)
  }
  return validator
}

export function invoiceSchemaFor(namespace: string, localName: string): RootSchema | undefined {
  return invoiceRoots[`{${namespace}}${localName}`]
}
