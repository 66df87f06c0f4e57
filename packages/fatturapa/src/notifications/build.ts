import { SdiMessageError } from './errors.js'
import type { SdiMessage } from './model.js'
import { type Field, layoutOf, SdiNamespaces, sdiPrefixes } from './vocabulary.js'

export interface BuildSdiMessageOptions {
  /**
   * A serialised `ds:Signature` element to embed as the last child of the root, where every message schema
   * expects it. Without it the output is the unsigned message, ready for an enveloped (XAdES) signer that
   * appends its signature to the root; the schemas of all messages but MT and EC require that signature.
   */
  signature?: string
  /** Adds `<?xml-stylesheet type="text/xsl" href="RC_v1.1.xsl"?>` (per message code) as SDI does. Default true. */
  stylesheet?: boolean
  /** Indentation of child elements (SDI uses four spaces). Default '    '; '' writes everything on one line. */
  indent?: string
}

/**
 * Serialises a message the way SDI writes it: UTF-8, the stylesheet processing instruction, the root element
 * qualified with the vocabulary prefix (`types:` for PA, `ns3:` for B2B), `versione="1.0"` and unqualified
 * children in schema order. Every field the schema requires must be present, including the ones the model
 * leaves optional because real messages omit them; the result then validates against the official schema of
 * its vocabulary (once signed, for the messages whose schema requires a signature).
 *
 * @throws SdiMessageError SDI_MESSAGE_UNKNOWN_ROOT, SDI_MESSAGE_FIELD_MISSING or SDI_MESSAGE_INVALID_VALUE.
 */
export function buildSdiMessage(message: SdiMessage, options: BuildSdiMessageOptions = {}): string {
  const layout = layoutOf(message.vocabulary, message.type)
  if (!layout) {
    throw new SdiMessageError('SDI_MESSAGE_UNKNOWN_ROOT', `No ${String(message.vocabulary)} message is called ${String(message.type)}`)
  }
  const indent = options.indent ?? '    '
  const newline = indent ? '\n' : ''
  const prefix = sdiPrefixes[layout.vocabulary]
  const root = `${prefix}:${layout.type}`
  const values = message as unknown as Record<string, unknown>

  let attributes = ` xmlns:${prefix}="${SdiNamespaces[layout.vocabulary]}"`
  if (layout.signature !== 'none') attributes += ` xmlns:ds="${SdiNamespaces.XmlDsig}"`
  attributes += ' versione="1.0"'
  if (layout.flag && values[layout.flag] !== undefined) {
    if (values[layout.flag] !== 'Si') throw invalid(`/${layout.type}/@${layout.flag}`, 'can only be "Si"')
    attributes += ` ${layout.flag}="Si"`
  }

  const lines = writeFields(values, layout.fields, `/${layout.type}`, indent, indent)
  const stylesheet = options.stylesheet === false ? '' : `<?xml-stylesheet type="text/xsl" href="${layout.code}_v1.1.xsl"?>`
  const signature = options.signature === undefined ? '' : `${options.signature.trim()}${newline}`
  return `<?xml version="1.0" encoding="UTF-8"?>${stylesheet}\n<${root}${attributes}>${newline}${lines.join('')}${signature}</${root}>\n`
}

function writeFields(values: Record<string, unknown>, fields: readonly Field[], path: string, indent: string, step: string): string[] {
  const newline = step ? '\n' : ''
  const out: string[] = []
  for (const field of fields) {
    const fieldPath = `${path}/${field.name}`
    const value = values[field.name]
    if (value === undefined || value === null) {
      if (field.use !== 'optional') throw new SdiMessageError('SDI_MESSAGE_FIELD_MISSING', `Missing ${fieldPath}`, fieldPath)
      continue
    }
    switch (field.kind) {
      case 'token':
      case 'text':
        out.push(`${indent}<${field.name}>${escapeText(requireString(value, fieldPath))}</${field.name}>${newline}`)
        break
      case 'integer':
        if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(fieldPath, 'must be an integer')
        out.push(`${indent}<${field.name}>${value}</${field.name}>${newline}`)
        break
      case 'enum':
        if (typeof value !== 'string' || !field.values.includes(value))
          throw invalid(fieldPath, `must be one of ${field.values.join(', ')}`)
        out.push(`${indent}<${field.name}>${value}</${field.name}>${newline}`)
        break
      case 'group': {
        const version = field.versione ? ' versione="1.0"' : ''
        const inner = writeFields(requireObject(value, fieldPath), field.fields, fieldPath, indent + step, step)
        out.push(`${indent}<${field.name}${version}>${newline}${inner.join('')}${indent}</${field.name}>${newline}`)
        break
      }
      case 'list': {
        if (!Array.isArray(value) || value.length === 0) throw invalid(fieldPath, 'must list at least one item')
        const items = value.flatMap((item: unknown, index) => {
          const itemPath = `${fieldPath}/${field.item}[${index + 1}]`
          const inner = writeFields(requireObject(item, itemPath), field.fields, itemPath, indent + step + step, step)
          return [`${indent}${step}<${field.item}>${newline}`, ...inner, `${indent}${step}</${field.item}>${newline}`]
        })
        out.push(`${indent}<${field.name}>${newline}${items.join('')}${indent}</${field.name}>${newline}`)
        break
      }
    }
  }
  return out
}

/** False for characters XML 1.0 cannot carry at all: C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, lone surrogates. */
function representable(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const unit = value.charCodeAt(index)
    if (unit < 0x20 && unit !== 0x09 && unit !== 0x0a && unit !== 0x0d) return false
    if (unit === 0xfffe || unit === 0xffff) return false
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const low = value.charCodeAt(index + 1)
      if (!(low >= 0xdc00 && low <= 0xdfff)) return false
      index++
    } else if (unit >= 0xdc00 && unit <= 0xdfff) return false
  }
  return true
}

function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalid(path, 'must be a string')
  if (!representable(value)) throw invalid(path, 'contains characters XML cannot represent')
  return value
}

function requireObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(path, 'must be an object')
  return value as Record<string, unknown>
}

/** CR is written as a reference: a literal one would be normalised away by every parser. */
function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;')
}

function invalid(path: string, reason: string): SdiMessageError {
  return new SdiMessageError('SDI_MESSAGE_INVALID_VALUE', `${path} ${reason}`, path)
}
