import { InvoiceModelError, type ModelIssue } from './errors.js'
import { FATTURAPA_NS, XMLDSIG_NS, XSI_NS } from './namespaces.js'
import type { FatturaElettronica } from './schema/invoice.js'
import { type ChildShape, invoiceShape, type ObjectShape, pointer } from './shape.js'
import { validateInvoiceModel } from './validate.js'

export interface BuildOptions {
  /** Indentation per level; `''` writes everything on one line. Default two spaces. */
  indent?: string
  /**
   * Run validateInvoiceModel first (default true), so that what leaves is conforming. `false` only checks what
   * serialisation needs (objects, arrays, strings, no unknown keys, characters XML can carry): that is how a
   * leniently parsed real-world invoice is written back as it is.
   */
  validate?: boolean
}

/**
 * Serialises the model to FatturaPA XML: UTF-8 declaration, root `p:FatturaElettronica`, elements in schema order
 * whatever the key order of the object. Throws InvoiceModelError listing every problem with its path.
 */
export function buildInvoiceXml(model: FatturaElettronica, options: BuildOptions = {}): string {
  if (options.validate !== false) {
    const validation = validateInvoiceModel(model)
    if (!validation.ok) throw new InvoiceModelError(validation.errors)
  }
  const writer = new XmlWriter(options.indent ?? '  ')
  const root = model as unknown
  if (!isPlainObject(root)) throw new InvoiceModelError([{ path: '', code: 'INVALID_VALUE', message: 'must be an object' }])
  let attributes = ` xmlns:ds="${XMLDSIG_NS}" xmlns:p="${FATTURAPA_NS}" xmlns:xsi="${XSI_NS}"`
  for (const attribute of invoiceShape.attributes) {
    const value = root[attribute.name]
    if (value === undefined) continue
    const text = writer.text(value, pointer('', attribute.name))
    if (text !== undefined) attributes += ` ${attribute.name}="${escapeAttribute(text)}"`
  }
  writer.line(0, `<p:FatturaElettronica${attributes}>`)
  writer.children(root, invoiceShape, '', 1)
  writer.line(0, '</p:FatturaElettronica>')
  if (writer.issues.length > 0) throw new InvoiceModelError(writer.issues)
  return `<?xml version="1.0" encoding="UTF-8"?>\n${writer.output()}`
}

class XmlWriter {
  readonly issues: ModelIssue[] = []
  private readonly parts: string[] = []

  constructor(private readonly indent: string) {}

  output(): string {
    return this.parts.join('')
  }

  fail(path: string, code: ModelIssue['code'], message: string): void {
    this.issues.push({ path, code, message })
  }

  line(depth: number, content: string): void {
    this.parts.push(this.indent.repeat(depth), content, this.indent ? '\n' : '')
  }

  children(object: Record<string, unknown>, shape: ObjectShape, path: string, depth: number): void {
    for (const key of Object.keys(object)) {
      if (!shape.byName.has(key)) {
        this.fail(pointer(path, key), 'UNKNOWN_ELEMENT', `${key} is not an element of FatturaPA here`)
      }
    }
    for (const child of shape.elements) {
      const value = object[child.name]
      const childPath = pointer(path, child.name)
      if (value === undefined) continue
      if (child.repeated) {
        if (!Array.isArray(value)) {
          this.fail(childPath, 'INVALID_VALUE', 'must be an array')
          continue
        }
        value.forEach((item, index) => {
          this.element(item, child, pointer(childPath, index), depth)
        })
      } else {
        this.element(value, child, childPath, depth)
      }
    }
  }

  private element(value: unknown, child: ChildShape, path: string, depth: number): void {
    if (child.shape.kind === 'leaf') {
      const text = this.text(value, path)
      if (text !== undefined) this.line(depth, `<${child.name}>${escapeText(text)}</${child.name}>`)
      return
    }
    if (!isPlainObject(value)) {
      this.fail(path, 'INVALID_VALUE', 'must be an object')
      return
    }
    const open = this.parts.length
    this.line(depth, `<${child.name}>`)
    const body = this.parts.length
    this.children(value, child.shape, path, depth + 1)
    // An all-optional block with nothing in it (e.g. Contatti: {}) is written as an empty element.
    if (this.parts.length === body) {
      this.parts.splice(open)
      this.line(depth, `<${child.name}/>`)
    } else {
      this.line(depth, `</${child.name}>`)
    }
  }

  text(value: unknown, path: string): string | undefined {
    if (typeof value !== 'string') {
      this.fail(path, 'INVALID_VALUE', 'must be a string (amounts and numbers are written as strings, e.g. "12.50")')
      return undefined
    }
    if (illegalXmlCharacter.test(value)) {
      this.fail(path, 'INVALID_VALUE', 'contains a character that XML 1.0 cannot represent')
      return undefined
    }
    return value
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// Control characters other than TAB/LF/CR, U+FFFE/U+FFFF and lone surrogates have no XML 1.0 representation.
const illegalXmlCharacter =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the purpose of this pattern
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

function escapeText(text: string): string {
  // CR is written as a reference: a literal one would be turned into LF by the reader's line-end normalisation.
  return text.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'))
}

function escapeAttribute(text: string): string {
  return text.replace(
    /[&<>"\t\n\r]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' })[c] ?? c,
  )
}
