import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ParseOption, XmlDocument, XmlValidateError } from 'libxml2-wasm'
import { compiledSchema } from '../../src/validation/schemas.js'
import { reference } from '../support/reference.js'

export type SchemaName = 'PA' | 'B2B' | 'FSM10'

const official: Record<SchemaName, string> = {
  PA: reference('fatturapa', 'xsd', 'MessaggiTypes_v1.1.xsd'),
  B2B: reference('fatturapa', 'xsd', 'MessaggiFatturaTypes_v1.0.xsd'),
  FSM10: reference('fatturapa', 'xsd', 'Schema_VFSM10.xsd'),
}

const ours: Record<SchemaName, string> = {
  PA: 'messaggi-types-v1.1.xsd',
  B2B: 'messaggi-fattura-types-v1.0.xsd',
  FSM10: 'fatturapa-semplificata-v1.0.xsd',
}

/**
 * Verdicts of the official schema through xmllint (--nonet), one process for the whole batch: xmllint prints
 * "<file> validates" or "<file> fails to validate" for each file. Documents that are not well-formed count as
 * invalid.
 */
export function officialVerdicts(schema: SchemaName, documents: readonly Uint8Array[]): boolean[] {
  const folder = mkdtempSync(join(tmpdir(), 'sdi-oracle-'))
  try {
    const files = documents.map((bytes, index) => {
      const file = join(folder, `${String(index).padStart(5, '0')}.xml`)
      writeFileSync(file, bytes)
      return file
    })
    // xmllint reports on stderr, with exit status 3/4 when some file is invalid or not well-formed.
    const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', official[schema], ...files], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    })
    if (run.error) throw run.error
    const output = run.stderr
    const verdicts = new Map<string, boolean>()
    for (const line of output.split('\n')) {
      const validates = / validates$/.exec(line)
      if (validates) verdicts.set(line.slice(0, -' validates'.length), true)
      else if (line.endsWith(' fails to validate')) verdicts.set(line.slice(0, -' fails to validate'.length), false)
    }
    return files.map((file) => verdicts.get(file) ?? false)
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}

/** Verdict of our schema through libxml2-wasm (not well-formed counts as invalid). */
export function ourVerdict(schema: SchemaName, bytes: Uint8Array): boolean {
  let document: XmlDocument
  try {
    document = XmlDocument.fromBuffer(bytes, { option: ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE })
  } catch {
    return false
  }
  try {
    compiledSchema(ours[schema]).validate(document)
    return true
  } catch (error) {
    if (error instanceof XmlValidateError) return false
    throw error
  } finally {
    document.dispose()
  }
}
