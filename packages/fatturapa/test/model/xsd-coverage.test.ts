import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { DOMParser, type Element } from '@xmldom/xmldom'
import { FatturaElettronicaSchema } from '../../src/model/index.js'
import { reference } from '../support/reference.js'

/*
 * Oracle test: walks the official XSD (read in place) and checks that the TypeBox schema has exactly the same
 * elements, in the same order, with the same cardinality (optional / mandatory, single / repeated), and objects
 * exactly where the XSD has complex types.
 */

const XS = 'http://www.w3.org/2001/XMLSchema'
const xsd = new DOMParser().parseFromString(readFileSync(reference('fatturapa', 'xsd', 'Schema_VFPR12_v1.2.3.xsd'), 'utf8'), 'text/xml')
const complexTypes = new Map<string, Element>()
for (const type of Array.from(xsd.getElementsByTagNameNS(XS, 'complexType'))) {
  const name = type.getAttribute('name')
  if (name) complexTypes.set(name, type)
}

interface XsdElement {
  name: string
  type: string
  required: boolean
  repeated: boolean
}

function flatten(container: Element, optional: boolean): XsdElement[] {
  const result: XsdElement[] = []
  for (const child of Array.from(container.childNodes)) {
    if (child.nodeType !== 1 || (child as Element).namespaceURI !== XS) continue
    const element = child as Element
    const min = element.getAttribute('minOccurs') ?? '1'
    const max = element.getAttribute('maxOccurs') ?? '1'
    if (element.localName === 'element') {
      const name = element.getAttribute('name')
      if (!name) continue // ref="ds:Signature", deliberately not part of the model
      result.push({ name, type: element.getAttribute('type') ?? '', required: !optional && min !== '0', repeated: max !== '1' })
    } else if (element.localName === 'sequence') {
      result.push(...flatten(element, optional || min === '0'))
    } else if (element.localName === 'choice') {
      // The branches of a choice become optional properties; the choice itself is a oneOf on the object.
      result.push(...flatten(element, true))
    }
  }
  return result
}

interface SchemaNode {
  type?: string
  properties?: Record<string, SchemaNode>
  required?: string[]
  items?: SchemaNode
  minItems?: number
  xml?: { attribute?: boolean }
}

function compare(typeName: string, node: SchemaNode, path: string, visited: string[]): void {
  const complexType = complexTypes.get(typeName) as Element
  visited.push(typeName)
  const expected = flatten(complexType, false)
  const properties = node.properties ?? {}
  const elements = Object.keys(properties).filter((name) => !properties[name]?.xml?.attribute)
  expect({ path, elements }).toEqual({ path, elements: expected.map((e) => e.name) })
  for (const element of expected) {
    const property = properties[element.name] as SchemaNode
    const where = `${path}/${element.name}`
    expect({ where, repeated: property.type === 'array', required: (node.required ?? []).includes(element.name) }).toEqual({
      where,
      repeated: element.repeated,
      required: element.required,
    })
    if (element.repeated && element.required) expect({ where, minItems: property.minItems }).toEqual({ where, minItems: 1 })
    const item = element.repeated ? (property.items as SchemaNode) : property
    const complex = complexTypes.has(element.type)
    expect({ where, object: item.type === 'object' }).toEqual({ where, object: complex })
    if (complex) compare(element.type, item, where, visited)
  }
}

describe('FatturaElettronicaSchema against Schema_VFPR12_v1.2.3.xsd', () => {
  it('has every element, in order, with the XSD cardinalities', () => {
    const visited: string[] = []
    compare('FatturaElettronicaType', FatturaElettronicaSchema as unknown as SchemaNode, '', visited)
    // Every complex type of the XSD is reached (they are all used by the invoice).
    expect([...complexTypes.keys()].filter((name) => !visited.includes(name))).toEqual([])
  })

  it('has the root attributes', () => {
    const root = FatturaElettronicaSchema as unknown as SchemaNode
    const attributes = Object.entries(root.properties ?? {}).filter(([, property]) => property.xml?.attribute)
    expect(attributes.map(([name]) => name)).toEqual(['versione', 'SistemaEmittente'])
    expect(root.required).toContain('versione')
    expect(root.required).not.toContain('SistemaEmittente')
  })
})
