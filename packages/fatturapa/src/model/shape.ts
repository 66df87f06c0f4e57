import type { TSchema } from 'typebox'
import { FatturaElettronicaSchema } from './schema/invoice.js'

/*
 * The XML shape of the format, derived once from the TypeBox schema so that the schema stays the single source of
 * truth: `properties` order is element order, `type: 'array'` is maxOccurs > 1, and `xml.attribute` marks the root
 * attributes (minOccurs is the validator's business). Anything that is not an object is a text-only leaf.
 */

export interface LeafShape {
  readonly kind: 'leaf'
}

export interface ObjectShape {
  readonly kind: 'object'
  /** Child elements in schema order. */
  readonly elements: readonly ChildShape[]
  readonly attributes: readonly ChildShape[]
  readonly byName: ReadonlyMap<string, ChildShape>
}

export interface ChildShape {
  readonly name: string
  /** Position in schema order, for the order check. */
  readonly index: number
  readonly repeated: boolean
  readonly shape: ObjectShape | LeafShape
}

interface JsonSchemaNode {
  type?: unknown
  properties?: Record<string, JsonSchemaNode>
  items?: JsonSchemaNode
  xml?: { attribute?: boolean }
}

const leaf: LeafShape = { kind: 'leaf' }

function shapeOf(schema: JsonSchemaNode): ObjectShape | LeafShape {
  if (schema.type !== 'object' || !schema.properties) return leaf
  const elements: ChildShape[] = []
  const attributes: ChildShape[] = []
  const byName = new Map<string, ChildShape>()
  for (const [name, property] of Object.entries(schema.properties)) {
    const repeated = property.type === 'array'
    const itemSchema = repeated && property.items ? property.items : property
    const child: ChildShape = { name, index: elements.length, repeated, shape: shapeOf(itemSchema) }
    if (property.xml?.attribute) attributes.push(child)
    else elements.push(child)
    byName.set(name, child)
  }
  return { kind: 'object', elements, attributes, byName }
}

export const invoiceShape = shapeOf(FatturaElettronicaSchema as TSchema as JsonSchemaNode) as ObjectShape

/** Escapes a property name for a JSON Pointer segment (RFC 6901). */
export function pointer(parent: string, segment: string | number): string {
  return `${parent}/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`
}
