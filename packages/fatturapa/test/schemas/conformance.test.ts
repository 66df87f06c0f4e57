import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { reference, referenceFiles } from '../support/reference.js'
import { generateMutants } from './mutator.js'
import { compileInvoiceSchema, ourVerdict, type Verdict, xmllintVerdicts } from './validators.js'

/**
 * Differential conformance: our FatturaPA 1.2.3 schema, run by libxml2-wasm, must give the same valid/invalid
 * verdict as xmllint with the official Schema_VFPR12_v1.2.3.xsd on the same bytes: the official corpus
 * (samples, invalid, malicious) plus a few thousand seeded mutants of the official samples and of a synthetic
 * invoice that uses every element of the specification.
 */

// Fixed by default so that the run is reproducible; override to explore more of the space locally.
const SEED = Number(process.env.CONFORMANCE_SEED ?? 20250401)
const MUTANT_COUNT = Number(process.env.CONFORMANCE_MUTANTS ?? 2400)

const officialSchema = reference('fatturapa', 'xsd', 'Schema_VFPR12_v1.2.3.xsd')
const workDirectory = mkdtempSync(join(tmpdir(), 'fatturapa-conformance-'))

afterAll(() => {
  rmSync(workDirectory, { recursive: true, force: true })
})

/** The official files whose root is FatturaElettronica, plus every malicious file (both verdicts: invalid). */
function officialCorpus(): { name: string; bytes: Buffer }[] {
  const corpus: { name: string; bytes: Buffer }[] = []
  for (const folder of ['samples', 'invalid', 'notifications']) {
    for (const path of referenceFiles(`fatturapa/${folder}`)) {
      if (!path.endsWith('.xml')) continue
      const bytes = readFileSync(path)
      // The simplified invoice (FSM10) has its own schema; notifications use the message schemas.
      if (!/<([\w-]+:)?FatturaElettronica[\s>]/.test(bytes.subarray(0, 4096).toString('latin1'))) {
        if (folder !== 'invalid') continue
      }
      corpus.push({ name: `${folder}__${basename(path)}`, bytes })
    }
  }
  for (const path of referenceFiles('fatturapa/malicious')) corpus.push({ name: `malicious__${basename(path)}`, bytes: readFileSync(path) })
  return corpus
}

function signatureOf(xml: string): string | undefined {
  const start = xml.indexOf('<ds:Signature')
  const end = xml.indexOf('</ds:Signature>')
  return start >= 0 && end > start ? xml.slice(start, end + '</ds:Signature>'.length) : undefined
}

interface Case {
  name: string
  path: string
  bytes: Buffer
  origin: string
}

function buildCases(): Case[] {
  const cases: Case[] = []
  for (const { name, bytes } of officialCorpus()) {
    cases.push({ name, path: join(workDirectory, name), bytes, origin: 'official file' })
  }
  const seeds: Record<string, string> = {}
  for (const path of referenceFiles('fatturapa/samples')) {
    if (/_FP[AR]\d+\.xml$/.test(path)) seeds[basename(path, '.xml')] = readFileSync(path, 'utf8')
  }
  seeds['all-elements'] = readFileSync(new URL('./fixtures/all-elements.xml', import.meta.url), 'utf8')
  const signedInvoice = readFileSync(reference('fatturapa', 'notifications', 'ITHVQWPH73P42H501Y_X0024.xml'), 'utf8')
  const signatureXml = signatureOf(signedInvoice)
  const mutants = generateMutants({ seed: SEED, seeds, ...(signatureXml ? { signatureXml } : {}) }, MUTANT_COUNT)
  for (const mutant of mutants) {
    const name = `${mutant.id}.xml`
    cases.push({ name, path: join(workDirectory, name), bytes: Buffer.from(mutant.xml, 'utf8'), origin: mutant.operations.join('; ') })
  }
  return cases
}

describe('FatturaPA 1.2.3 schema, differential conformance against xmllint + official XSD', () => {
  it('gives the same verdict as the official schema on official files and seeded mutants', () => {
    const started = Date.now()
    const cases = buildCases()
    for (const testCase of cases) writeFileSync(testCase.path, testCase.bytes)

    const oracle = xmllintVerdicts(
      officialSchema,
      cases.map((testCase) => testCase.path),
    )
    const validator = compileInvoiceSchema()
    const disagreements: { testCase: Case; ours: Verdict; theirs: Verdict }[] = []
    let validCount = 0
    try {
      for (const testCase of cases) {
        const ours = ourVerdict(validator, testCase.bytes, testCase.name)
        const theirs = oracle.get(testCase.path) ?? { valid: false, error: 'missing xmllint verdict' }
        if (theirs.valid) validCount++
        if (ours.valid !== theirs.valid) disagreements.push({ testCase, ours, theirs })
      }
    } finally {
      validator.dispose()
    }

    const agree = cases.length - disagreements.length
    console.log(
      `conformance: ${agree}/${cases.length} agree (${validCount} valid, ${cases.length - validCount} invalid per xmllint; seed ${SEED}; ${Date.now() - started} ms)`,
    )
    const report = disagreements
      .slice(0, 15)
      .map(
        ({ testCase, ours, theirs }) =>
          `${testCase.name} [${testCase.origin}]\n  ours: ${ours.valid ? 'valid' : `invalid: ${ours.error}`}\n  xmllint: ${theirs.valid ? 'valid' : `invalid: ${theirs.error}`}`,
      )
    expect(report).toEqual([])
    // The mutants must exercise both outcomes, otherwise the comparison says little.
    expect(validCount).toBeGreaterThan(100)
    expect(cases.length - validCount).toBeGreaterThan(1000)
  })
})
