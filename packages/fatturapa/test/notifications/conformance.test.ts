import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { buildSdiMessage } from '../../src/notifications/index.js'
import { reference, referenceFiles } from '../support/reference.js'
import { fullMessages, minimalMessages, signMessage } from './fixtures.js'
import { mutate, seeded } from './mutate.js'
import { officialVerdicts, ourVerdict, type SchemaName } from './oracle.js'
import { sdiAttachments } from './pec.js'

/**
 * Our schemas must give the same verdict as the official ones on the same bytes: the official files (read from
 * the shared reference folder, through xmllint) are the oracle, ours run through libxml2-wasm. Each corpus mixes
 * genuine documents (valid or not), everything our builder produces, and seeded mutations of all of them.
 */

interface Sample {
  name: string
  bytes: Uint8Array
}

const unsignedTypes = new Set(['MetadatiInvioFile', 'FileMetadati'])
// Overridable for longer local runs: SDI_MUTATIONS=5000 SDI_MUTATION_SEED=7 jest ...
const mutationsPerSchema = Number(process.env.SDI_MUTATIONS ?? 400)
const seedOffset = Number(process.env.SDI_MUTATION_SEED ?? 0)

function built(vocabulary: 'PA' | 'B2B'): Sample[] {
  return [...fullMessages, ...minimalMessages]
    .filter((message) => message.vocabulary === vocabulary)
    .map((message, index) => {
      const xml = buildSdiMessage(message)
      return { name: `built ${message.type} #${index}`, bytes: Buffer.from(unsignedTypes.has(message.type) ? xml : signMessage(xml)) }
    })
}

const adeExamples: Sample[] = referenceFiles('fatturapa/notifications')
  .filter((file) => /_(RC|NS|MC|MT)_001(\.variant)?\.xml$/.test(file))
  .map((file) => ({ name: basename(file), bytes: readFileSync(file) }))

const pecMessages: Sample[] = referenceFiles('fatturapa/pec').flatMap((file) =>
  sdiAttachments(file).map((attachment) => ({ name: `${basename(file)}: ${attachment.fileName}`, bytes: attachment.bytes })),
)

const fsm10: Sample = { name: 'IT01234567890_FSM10.xml', bytes: readFileSync(reference('fatturapa', 'samples', 'IT01234567890_FSM10.xml')) }
const otherInvoices: Sample[] = referenceFiles('fatturapa/samples')
  .filter((file) => !file.endsWith('FSM10.xml'))
  .map((file) => ({ name: basename(file), bytes: readFileSync(file) }))

function withMutations(seeds: readonly Sample[], seed: number): Sample[] {
  const random = seeded(seed + seedOffset)
  const mutated: Sample[] = []
  for (let index = 0; index < mutationsPerSchema; index++) {
    const origin = seeds[index % seeds.length] as Sample
    const text = mutate(new TextDecoder().decode(origin.bytes), random)
    mutated.push({ name: `${origin.name} mutation ${index}`, bytes: Buffer.from(text) })
  }
  return [...seeds, ...mutated]
}

function agreement(schema: SchemaName, samples: readonly Sample[]) {
  const official = officialVerdicts(
    schema,
    samples.map((sample) => sample.bytes),
  )
  const disagreements: string[] = []
  let valid = 0
  samples.forEach((sample, index) => {
    const ours = ourVerdict(schema, sample.bytes)
    if (official[index]) valid++
    if (ours !== official[index]) disagreements.push(`${sample.name}: official ${official[index]}, ours ${ours}`)
  })
  console.log(
    `${schema}: ${samples.length - disagreements.length}/${samples.length} verdicts agree (${valid} valid per the official schema)`,
  )
  return { disagreements, valid, total: samples.length }
}

describe('schema conformance with the official XSDs', () => {
  it('PA vocabulary (messaggi-types-v1.1.xsd vs MessaggiTypes_v1.1.xsd)', () => {
    const seeds = built('PA')
    const result = agreement('PA', [...withMutations(seeds, 1), ...adeExamples, ...pecMessages])
    expect(result.disagreements).toEqual([])
    expect(result.valid).toBeGreaterThan(seeds.length)
  })

  it('B2B vocabulary (messaggi-fattura-types-v1.0.xsd vs MessaggiFatturaTypes_v1.0.xsd)', () => {
    const seeds = [...built('B2B'), ...adeExamples, ...pecMessages]
    const result = agreement('B2B', withMutations(seeds, 2))
    expect(result.disagreements).toEqual([])
    // The AdE examples are invalid per their own schema, and so are the test-environment PEC messages (MT without
    // Hash, RC with an empty Destinatario); only the production MC conforms. The verdicts agree all the same.
    expect(
      officialVerdicts(
        'B2B',
        adeExamples.map((sample) => sample.bytes),
      ),
    ).toEqual(adeExamples.map(() => false))
    expect(pecMessages.map((sample) => [sample.name, officialVerdicts('B2B', [sample.bytes])[0]])).toEqual(
      pecMessages.map((sample) => [sample.name, sample.name.endsWith('_MC_001.xml')]),
    )
  })

  it('simplified invoice (fatturapa-semplificata-v1.0.xsd vs Schema_VFSM10.xsd)', () => {
    const result = agreement('FSM10', [...withMutations([fsm10], 3), ...otherInvoices])
    expect(result.disagreements).toEqual([])
    expect(officialVerdicts('FSM10', [fsm10.bytes])).toEqual([true])
  })
})
