import { decodeXml } from './decode.js'
import type { FatturaElettronica } from './schema/invoice.js'
import { type ChildShape, invoiceShape, type ObjectShape } from './shape.js'

/*
 * A single-pass reader for documents that libxml2 has ALREADY parsed and validated against the schema: it can
 * rely on well-formedness, on the absence of any DTD (refused before parsing), hence on only the five XML
 * entities and character references, and on the schema's element order and cardinalities. What it must still
 * handle: namespace prefixes, attributes (quoted values may hold '>'), comments, processing instructions,
 * CDATA sections, self-closing elements, and elements it does not model (ds:Signature), which it skips.
 */

const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (_, entity: string) =>
    entity.startsWith('#x')
      ? String.fromCodePoint(Number.parseInt(entity.slice(2), 16))
      : entity.startsWith('#')
        ? String.fromCodePoint(Number.parseInt(entity.slice(1), 10))
        : (named[entity] as string),
  )
}

class Scanner {
  position = 0
  constructor(readonly text: string) {}

  /** Skips comments, PIs, the declaration and whitespace; stops at the next element tag or text. */
  skipMarkup(): void {
    const text = this.text
    for (;;) {
      if (text.startsWith('<!--', this.position)) this.position = text.indexOf('-->', this.position) + 3
      else if (text.startsWith('<?', this.position)) this.position = text.indexOf('?>', this.position) + 2
      else return
    }
  }

  /** At '<name …>': returns the local name, the attributes, and whether the element is empty ('/>'). */
  openTag(): { name: string; attributes: Record<string, string>; empty: boolean } {
    const text = this.text
    let end = this.position + 1
    let code = text.charCodeAt(end)
    while (code !== 62 && code !== 47 && code !== 32 && code !== 10 && code !== 13 && code !== 9) code = text.charCodeAt(++end)
    const qualified = text.slice(this.position + 1, end)
    const attributes: Record<string, string> = {}
    let cursor = end
    // Only the root carries attributes in an invoice: the loop is skipped for every other element.
    for (;;) {
      code = text.charCodeAt(cursor)
      while (code === 32 || code === 10 || code === 13 || code === 9) code = text.charCodeAt(++cursor)
      if (code === 62 || code === 47) break
      const equals = text.indexOf('=', cursor)
      const attributeName = text.slice(cursor, equals).trim()
      let quote = equals + 1
      while (text[quote] !== '"' && text[quote] !== "'") quote++
      const close = text.indexOf(text[quote] as string, quote + 1)
      attributes[localName(attributeName)] = decodeEntities(text.slice(quote + 1, close))
      cursor = close + 1
    }
    const empty = code === 47
    this.position = empty ? cursor + 2 : cursor + 1
    return { name: localName(qualified), attributes, empty }
  }

  /** Text content up to the end tag of a leaf element, with CDATA sections and comments. */
  leafText(): string {
    const text = this.text
    let result = ''
    for (;;) {
      const next = text.indexOf('<', this.position)
      result += decodeEntities(text.slice(this.position, next))
      this.position = next
      if (text.charCodeAt(next + 1) === 47) {
        this.position = text.indexOf('>', next) + 1 // the end tag
        return result
      }
      if (text.startsWith('<![CDATA[', next)) {
        const close = text.indexOf(']]>', next)
        result += text.slice(next + 9, close)
        this.position = close + 3
      } else if (text.startsWith('<!--', next) || text.startsWith('<?', next)) {
        this.skipMarkup()
      } else {
        this.position = text.indexOf('>', next) + 1 // the end tag
        return result
      }
    }
  }

  /** Skips a whole element whose open tag was just read. */
  skipElement(empty: boolean): void {
    if (empty) return
    let depth = 1
    const text = this.text
    while (depth > 0) {
      const next = text.indexOf('<', this.position)
      this.position = next
      if (text.startsWith('<![CDATA[', next)) this.position = text.indexOf(']]>', next) + 3
      else if (text.startsWith('<!--', next) || text.startsWith('<?', next)) this.skipMarkup()
      else if (text[next + 1] === '/') {
        depth--
        this.position = text.indexOf('>', next) + 1
      } else if (this.openTag().empty === false) depth++
    }
  }

  /** Children of an object element, until its end tag. */
  object(shape: ObjectShape, attributes: Record<string, string>): Record<string, unknown> {
    const result: Record<string, unknown> = {}
    for (const attribute of shape.attributes) {
      const value = attributes[attribute.name]
      if (value !== undefined) result[attribute.name] = value
    }
    const text = this.text
    for (;;) {
      const next = text.indexOf('<', this.position)
      this.position = next
      const second = text.charCodeAt(next + 1)
      if (second === 33 || second === 63) {
        // '<!' here can only be a comment: CDATA is not allowed between elements.
        this.skipMarkup()
        continue
      }
      if (second === 47) {
        this.position = text.indexOf('>', next) + 1
        return result
      }
      const tag = this.openTag()
      const child: ChildShape | undefined = shape.byName.get(tag.name)
      if (!child) {
        this.skipElement(tag.empty)
        continue
      }
      const value =
        child.shape.kind === 'object' ? (tag.empty ? {} : this.object(child.shape, tag.attributes)) : tag.empty ? '' : this.leafText()
      if (child.repeated) {
        const list = (result[child.name] as unknown[] | undefined) ?? []
        list.push(value)
        result[child.name] = list
      } else {
        result[child.name] = value
      }
    }
  }
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':')
  return colon < 0 ? qualified : qualified.slice(colon + 1)
}

/**
 * Reads an invoice that has ALREADY passed schema validation into the typed model, without building a DOM:
 * several times faster and lighter than `parseInvoice`. For anything not validated use `parseInvoice` /
 * `readInvoice`, which report every deviation.
 */
export function readValidatedInvoice(xml: Uint8Array | string): FatturaElettronica {
  const scanner = new Scanner(decodeXml(xml, false).text)
  scanner.skipMarkup()
  scanner.position = scanner.text.indexOf('<', scanner.position)
  scanner.skipMarkup()
  const root = scanner.openTag()
  if (root.name !== 'FatturaElettronica') throw new Error(`not a FatturaElettronica document (root ${root.name})`)
  return scanner.object(invoiceShape, root.attributes) as unknown as FatturaElettronica
}
