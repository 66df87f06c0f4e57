import { XmlElement } from 'libxml2-wasm'
import { SdiMessageError } from './errors.js'
import type { SdiMessage } from './model.js'
import { type Field, layoutOf, vocabularyOfNamespace } from './vocabulary.js'
import { parseMessageXml } from './xml-input.js'

type Values = Record<string, unknown>

/**
 * Parses any SDI message of either vocabulary into the typed model.
 *
 * Lenient by design, because genuine SDI messages deviate from their own schemas (the AdE examples lack the
 * `versione` attribute and `Suggerimento`, production receipts carry an empty `<Destinatario/>`, test-environment
 * metadata lack `Hash`): the message kind comes from the root local name and namespace only (any prefix),
 * unknown elements, element order and the `ds:Signature` are ignored, and only the fields the model requires
 * must be present. DTDs are refused and external entities never loaded.
 *
 * @throws SdiMessageError with code SDI_MESSAGE_MALFORMED, SDI_MESSAGE_DTD_FORBIDDEN, SDI_MESSAGE_UNKNOWN_ROOT,
 *   SDI_MESSAGE_FIELD_MISSING or SDI_MESSAGE_INVALID_VALUE.
 */
export function parseSdiMessage(input: string | Uint8Array): SdiMessage {
  const document = parseMessageXml(input)
  try {
    const root = document.root
    const vocabulary = vocabularyOfNamespace(root.namespaceUri)
    const layout = vocabulary ? layoutOf(vocabulary, root.name) : undefined
    if (!vocabulary || !layout) {
      const name = root.namespaceUri ? `{${root.namespaceUri}}${root.name}` : root.name
      throw new SdiMessageError('SDI_MESSAGE_UNKNOWN_ROOT', `${name} is not an SDI message of the PA or B2B vocabulary`, `/${root.name}`)
    }
    const message: Values = { vocabulary, type: layout.type, ...readFields(root, layout.fields, `/${root.name}`) }
    if (layout.flag && root.attr(layout.flag)?.value.trim() === 'Si') message[layout.flag] = 'Si'
    return message as unknown as SdiMessage
  } finally {
    document.dispose()
  }
}

function readFields(parent: XmlElement, fields: readonly Field[], path: string): Values {
  const children = childElements(parent)
  const values: Values = {}
  for (const field of fields) {
    const fieldPath = `${path}/${field.name}`
    const element = children.find((child) => child.name === field.name)
    if (!element) {
      if (field.use === 'required') throw new SdiMessageError('SDI_MESSAGE_FIELD_MISSING', `Missing element ${fieldPath}`, fieldPath)
      continue
    }
    values[field.name] = readField(element, field, fieldPath)
  }
  return values
}

function readField(element: XmlElement, field: Field, path: string): unknown {
  switch (field.kind) {
    case 'token':
      return element.content.trim()
    case 'text':
      return element.content
    case 'integer': {
      const lexical = element.content.trim()
      const value = Number(lexical)
      if (!/^[+-]?\d+$/.test(lexical) || !Number.isSafeInteger(value)) {
        throw new SdiMessageError('SDI_MESSAGE_INVALID_VALUE', `${path} is not an integer: "${lexical}"`, path)
      }
      return value
    }
    case 'enum': {
      const value = element.content.trim()
      if (!field.values.includes(value)) {
        throw new SdiMessageError('SDI_MESSAGE_INVALID_VALUE', `${path} must be one of ${field.values.join(', ')}: "${value}"`, path)
      }
      return value
    }
    case 'group':
      return readFields(element, field.fields, path)
    case 'list':
      return childElements(element)
        .filter((child) => child.name === field.item)
        .map((item, index) => readFields(item, field.fields, `${path}/${field.item}[${index + 1}]`))
  }
}

function childElements(parent: XmlElement): XmlElement[] {
  const elements: XmlElement[] = []
  for (let node = parent.firstChild; node; node = node.next) {
    if (node instanceof XmlElement) elements.push(node)
  }
  return elements
}
