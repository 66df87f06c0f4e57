import { describe, expect, it } from '@jest/globals'
import {
  bodySchemaFiles,
  buildSoapRequest,
  buildSoapResponse,
  type OperationId,
  Operations,
  parseSoapMessage,
  SoapError,
  SoapNamespaces,
  schemaDirectory,
  type TwoWayOperation,
} from '../src/index.js'
import { officialTypesOf, type Sample, type Service, samples, seeded, wsdlFiles, xmllintVerdicts } from './support.js'

/**
 * Our schemas (packages/sdicoop/schemas, through the product parser and libxml2-wasm) must give the same verdict
 * as the official SDICoop types (read from the shared reference folder, found through each WSDL's xsd:import,
 * run by xmllint) on the same envelopes: every built body, targeted mutations (missing / duplicated / reordered
 * / renamed / namespace-qualified elements, values across every facet: enumerations, 12 digits, file name
 * pattern, base64, dateTime) and seeded random ones.
 */

interface TreeNode {
  name: string
  text?: string
  children?: TreeNode[]
  qualified?: boolean
  attribute?: boolean
}

interface Document {
  name: string
  service: Service
  operation: OperationId
  kind: 'request' | 'response'
  xml: string
}

const randomMutations = Number(process.env.SDICOOP_MUTATIONS ?? 300)

const valuesByField: Record<string, string[]> = {
  IdentificativoSdI: [
    '1234567890123',
    '123456789012',
    '-1',
    '+12',
    '0',
    '000000000000123',
    '0000000000001234',
    'abc',
    '',
    ' 42 ',
    '1.0',
    '12 34',
    '١٢',
  ],
  NomeFile: [
    'IT0123456',
    'IT012345',
    'a'.repeat(50),
    'a'.repeat(51),
    'IT01234567890-00001.xml',
    'IT01234567890 00001.xml',
    ' IT01234567890_00001.xml',
    'ÀT01234567890_00001.xml',
  ],
  File: ['!!!!', 'QUJD', 'QUJ', 'QU JD', '', '====', 'QQ==', 'QQ=', 'Q===', 'QUJD\nRUZH', 'QUJD RUZH', 'Zm9v YmFy'],
  DataOraRicezione: [
    '2026-11-03T10:15:30',
    '2026-11-03',
    '2026-02-30T10:00:00Z',
    '2026-11-03T25:00:00',
    'now',
    '',
    '2026-11-03T10:15:30.5-05:00',
    '2026-11-03T10:15:30+14:01',
  ],
  Errore: ['EI01', 'EI02', 'EI03', 'EI04', 'ei01', '', ' EI01', 'EI00'],
  Esito: ['ES00', 'ES01', 'ES02', 'ES03', 'ER01', 'ER02', 'es01', '', ' ER01'],
}
valuesByField.NomeFileMetadati = valuesByField.NomeFile as string[]
valuesByField.Metadati = valuesByField.File as string[]
const allValues = Object.values(valuesByField).flat()

function toTree(value: unknown): TreeNode[] {
  return Object.entries(value as Record<string, unknown>).map(([name, field]) => {
    if (Buffer.isBuffer(field)) return { name, text: field.toString('base64') }
    if (typeof field === 'object' && field !== null) return { name, children: toTree(field) }
    return { name, text: String(field) }
  })
}

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

function serialize(nodes: readonly TreeNode[]): string {
  return nodes
    .map((node) => {
      const tag = node.qualified ? `types:${node.name}` : node.name
      const attribute = node.attribute ? ' extra="1"' : ''
      const content = node.children ? serialize(node.children) : escapeText(node.text ?? '')
      return `<${tag}${attribute}>${content}</${tag}>`
    })
    .join('')
}

function envelope(sample: Sample, children: readonly TreeNode[], bodyAttribute = false): string {
  const element = Operations[sample.operation][sample.kind] as { namespace: string; name: string }
  const attribute = bodyAttribute ? ' extra="1"' : ''
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SoapNamespaces.Envelope11}"><soapenv:Body><types:${element.name} xmlns:types="${element.namespace}"${attribute}>${serialize(children)}</types:${element.name}></soapenv:Body></soapenv:Envelope>`
}

function built(sample: Sample): string {
  return sample.kind === 'request'
    ? buildSoapRequest(sample.operation, sample.body as never).xml
    : buildSoapResponse(sample.operation as TwoWayOperation, sample.body as never).xml
}

const clone = (nodes: readonly TreeNode[]): TreeNode[] => structuredClone(nodes) as TreeNode[]

/** Paths (index lists) of every element below the body element. */
function paths(nodes: readonly TreeNode[], prefix: number[] = []): number[][] {
  return nodes.flatMap((node, index) => [[...prefix, index], ...(node.children ? paths(node.children, [...prefix, index]) : [])])
}

function locate(nodes: TreeNode[], path: readonly number[]): { siblings: TreeNode[]; index: number; node: TreeNode } {
  let siblings = nodes
  for (let depth = 0; depth < path.length - 1; depth++) siblings = (siblings[path[depth] as number] as TreeNode).children as TreeNode[]
  const index = path[path.length - 1] as number
  return { siblings, index, node: siblings[index] as TreeNode }
}

type Mutation = (nodes: TreeNode[], path: readonly number[], pick: () => number) => string

const mutations: Record<string, Mutation> = {
  drop: (nodes, path) => {
    const { siblings, index } = locate(nodes, path)
    siblings.splice(index, 1)
    return 'drop'
  },
  duplicate: (nodes, path) => {
    const { siblings, index, node } = locate(nodes, path)
    siblings.splice(index, 0, structuredClone(node))
    return 'duplicate'
  },
  swap: (nodes, path) => {
    const { siblings, index, node } = locate(nodes, path)
    const other = index + 1 < siblings.length ? index + 1 : index - 1
    if (other < 0) return 'swap (alone)'
    siblings[index] = siblings[other] as TreeNode
    siblings[other] = node
    return 'swap'
  },
  rename: (nodes, path) => {
    const { node } = locate(nodes, path)
    node.name = `${node.name}X`
    return 'rename'
  },
  qualify: (nodes, path) => {
    locate(nodes, path).node.qualified = true
    return 'qualify'
  },
  attribute: (nodes, path) => {
    locate(nodes, path).node.attribute = true
    return 'attribute'
  },
  append: (nodes, path) => {
    const { siblings, index } = locate(nodes, path)
    siblings.splice(index + 1, 0, { name: 'Extra', text: 'x' })
    return 'append'
  },
  value: (nodes, path, pick) => {
    const { node } = locate(nodes, path)
    const own = valuesByField[node.name] ?? allValues
    const candidates = pick() < 0.8 ? own : allValues
    const value = candidates[Math.floor(pick() * candidates.length)] as string
    delete node.children
    node.text = value
    return `value ${JSON.stringify(value)}`
  },
}

function targeted(sample: Sample, sampleIndex: number): Document[] {
  const tree = toTree(sample.body)
  const documents: Document[] = []
  const add = (what: string, xml: string) =>
    documents.push({
      name: `#${sampleIndex} ${sample.operation} ${sample.kind}: ${what}`,
      service: sample.service,
      operation: sample.operation,
      kind: sample.kind,
      xml,
    })
  add('body attribute', envelope(sample, tree, true))
  for (const path of paths(tree)) {
    const field = locate(tree, path).node.name
    for (const [name, mutation] of Object.entries(mutations)) {
      if (name === 'value') continue
      const copy = clone(tree)
      add(`${field} ${mutation(copy, path, () => 0)}`, envelope(sample, copy))
    }
    for (const value of valuesByField[field] ?? []) {
      const copy = clone(tree)
      const { node } = locate(copy, path)
      delete node.children
      node.text = value
      add(`${field} = ${JSON.stringify(value)}`, envelope(sample, copy))
    }
  }
  return documents
}

function random(seed: number, count: number): Document[] {
  const pick = seeded(seed)
  const names = Object.keys(mutations)
  const documents: Document[] = []
  for (let index = 0; index < count; index++) {
    const sampleIndex = Math.floor(pick() * samples.length)
    const sample = samples[sampleIndex] as Sample
    const tree = toTree(sample.body)
    const applied: string[] = []
    const rounds = 1 + Math.floor(pick() * 3)
    for (let round = 0; round < rounds; round++) {
      const all = paths(tree)
      if (all.length === 0) break
      const path = all[Math.floor(pick() * all.length)] as number[]
      applied.push((mutations[names[Math.floor(pick() * names.length)] as string] as Mutation)(tree, path, pick))
    }
    documents.push({
      name: `random ${index} (#${sampleIndex} ${sample.operation} ${sample.kind}: ${applied.join(', ')})`,
      service: sample.service,
      operation: sample.operation,
      kind: sample.kind,
      xml: envelope(sample, tree),
    })
  }
  return documents
}

function ourVerdict(document: Document): boolean {
  try {
    parseSoapMessage(document.xml, { operation: document.operation, kind: document.kind })
    return true
  } catch (error) {
    if (!(error instanceof SoapError)) throw error
    // Every mutation stays well-formed and inside the body element: only the schema may object.
    expect(error.code).toBe('SOAP_BODY_INVALID')
    return false
  }
}

describe('SDICoop body types: ours against the official WSDL types', () => {
  it('finds each WSDL types schema through its xsd:import', () => {
    expect(officialTypesOf('SdIRiceviFile').file).toMatch(/TrasmissioneTypes_v1\.0\.xsd$/)
    expect(officialTypesOf('TrasmissioneFatture').file).toMatch(/TrasmissioneTypes_v1\.1\.xsd$/)
    expect(officialTypesOf('SdIRiceviNotifica').file).toMatch(/RicezioneTypes_v1\.0\.xsd$/)
    expect(officialTypesOf('RicezioneFatture').file).toMatch(/RicezioneTypes_v1\.0\.xsd$/)
  })

  it('every built envelope validates against the official types and ours (xmllint), and the test tree serializes like the builder', () => {
    for (const service of Object.keys(wsdlFiles) as Service[]) {
      const ofService = samples.filter((sample) => sample.service === service)
      expect(ofService.length).toBeGreaterThan(0)
      const xml = ofService.map(built)
      ofService.forEach((sample, index) => {
        expect(envelope(sample, toTree(sample.body))).toBe(xml[index])
      })
      const official = officialTypesOf(service)
      expect(xmllintVerdicts(official.namespace, official.file, xml)).toEqual(xml.map(() => true))
      const ours = `${schemaDirectory}${bodySchemaFiles[official.namespace]}`
      expect(xmllintVerdicts(official.namespace, ours, xml)).toEqual(xml.map(() => true))
    }
  })

  it('gives the official verdict on every mutated body', () => {
    const documents = [...samples.flatMap(targeted), ...random(20261103, randomMutations)]
    const disagreements: string[] = []
    const counts = { documents: documents.length, valid: 0, invalid: 0 }
    for (const service of Object.keys(wsdlFiles) as Service[]) {
      const ofService = documents.filter((document) => document.service === service)
      const official = officialTypesOf(service)
      const officialVerdicts = xmllintVerdicts(
        official.namespace,
        official.file,
        ofService.map((document) => document.xml),
      )
      const oursByXmllint = xmllintVerdicts(
        official.namespace,
        `${schemaDirectory}${bodySchemaFiles[official.namespace]}`,
        ofService.map((document) => document.xml),
      )
      ofService.forEach((document, index) => {
        const expected = officialVerdicts[index] as boolean
        if (expected) counts.valid++
        else counts.invalid++
        const ours = ourVerdict(document)
        if (ours !== expected || oursByXmllint[index] !== expected) {
          disagreements.push(`${document.name}: official ${expected}, ours ${ours} (xmllint ${oursByXmllint[index]})`)
        }
      })
    }
    console.log(
      `SDICoop differential: ${counts.documents} envelopes, ${counts.valid} valid and ${counts.invalid} invalid for the official types`,
    )
    expect(disagreements).toEqual([])
    // The corpus must exercise both verdicts, or agreement would prove nothing.
    expect(counts.valid).toBeGreaterThan(100)
    expect(counts.invalid).toBeGreaterThan(400)
  })
})
