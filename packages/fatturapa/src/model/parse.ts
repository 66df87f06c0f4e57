import { DOMParser, type Element, type Node } from '@xmldom/xmldom'
import { hasDoctype } from '../xml/prolog.js'
import { decodeXml } from './decode.js'
import { InvoiceSchemaError, InvoiceXmlError, type ModelIssue } from './errors.js'
import { FATTURAPA_LEGACY_NS, FATTURAPA_NS, XMLDSIG_NS, XMLNS_NS, XSI_NS } from './namespaces.js'
import type { FatturaElettronica } from './schema/invoice.js'
import { type ChildShape, invoiceShape, type ObjectShape, pointer } from './shape.js'
import { validateInvoiceModel } from './validate.js'

export interface ParseOptions {
  /**
   * `strict` (default) throws InvoiceSchemaError unless the file conforms to the model: right elements, in schema
   * order, mandatory ones present, values matching the lexical constraints. `lenient` returns whatever could be
   * read from real-world files that break the schema (wrong order, unknown elements, legacy namespace, bad
   * encoding declaration); the issues are available from readInvoice.
   */
  mode?: 'strict' | 'lenient'
}

export interface ReadResult {
  /** Best-effort model; it conforms to FatturaElettronicaSchema only when `issues` is empty. */
  invoice: FatturaElettronica
  issues: ModelIssue[]
}

const ELEMENT_NODE = 1
const TEXT_NODE = 3
const CDATA_SECTION_NODE = 4

/**
 * Parses a FatturaPA 1.2.x file (FPA12 / FPR12) into the typed model.
 * Throws InvoiceXmlError when the input is not readable XML or not an invoice, and, in strict mode,
 * InvoiceSchemaError listing every schema issue.
 */
export function parseInvoice(xml: string | Uint8Array, options: ParseOptions = {}): FatturaElettronica {
  const { invoice, issues } = readInvoice(xml, options)
  if (options.mode !== 'lenient' && issues.length > 0) throw new InvoiceSchemaError(issues)
  return invoice
}

/** Like parseInvoice, but returns the schema issues instead of throwing on them (in either mode). */
export function readInvoice(xml: string | Uint8Array, options: ParseOptions = {}): ReadResult {
  const lenient = options.mode === 'lenient'
  const decoded = decodeXml(xml, lenient)
  const root = parseDocument(decoded.text)
  const reader = new ElementReader()
  reader.issues.push(...decoded.issues)
  const invoice = reader.readRoot(root) as FatturaElettronica
  const validation = validateInvoiceModel(invoice)
  if (!validation.ok) reader.issues.push(...validation.errors.filter((error) => !reader.reported(error)))
  return { invoice, issues: reader.issues }
}

function parseDocument(text: string): Element {
  if (hasDoctype(text)) throw new InvoiceXmlError('XML_DTD_FORBIDDEN', 'DOCTYPE declarations are not allowed in FatturaPA files')
  let firstError: string | undefined
  try {
    const document = new DOMParser({
      onError: (level, message) => {
        if (level === 'warning') return
        firstError ??= message
        // Stops the parser: an error (undefined entity, duplicate attribute, …) makes the XML untrustworthy.
        throw new Error(message)
      },
    }).parseFromString(text, 'text/xml')
    if (document.doctype) throw new InvoiceXmlError('XML_DTD_FORBIDDEN', 'DOCTYPE declarations are not allowed in FatturaPA files')
    const root = document.documentElement
    if (!root) throw new InvoiceXmlError('XML_MALFORMED', 'The document has no root element')
    return root
  } catch (error) {
    if (error instanceof InvoiceXmlError) throw error
    const detail = firstError ?? (error instanceof Error ? error.message : String(error))
    throw new InvoiceXmlError('XML_MALFORMED', `XML is not well-formed: ${detail.split('\n')[0]}`)
  }
}

/** Walks the DOM guided by the shape, building plain objects and collecting issues instead of stopping. */
class ElementReader {
  readonly issues: ModelIssue[] = []
  private readonly keys = new Set<string>()
  /** Namespace the children of the root are (wrongly) qualified with, when the root uses a default namespace. */
  private rootNamespace: string | null = null

  reported(issue: ModelIssue): boolean {
    return this.keys.has(`${issue.path}\u0000${issue.code}`)
  }

  private report(issue: ModelIssue): void {
    this.keys.add(`${issue.path}\u0000${issue.code}`)
    this.issues.push(issue)
  }

  readRoot(root: Element): Record<string, unknown> {
    if (root.localName !== 'FatturaElettronica') {
      throw new InvoiceXmlError('NOT_AN_INVOICE', `Root element <${root.nodeName}> is not a FatturaPA 1.2 FatturaElettronica`)
    }
    const namespace = root.namespaceURI
    if (namespace !== FATTURAPA_NS) {
      if (namespace !== null && namespace !== FATTURAPA_LEGACY_NS) {
        throw new InvoiceXmlError('NOT_AN_INVOICE', `Root element is in namespace ${namespace}, not ${FATTURAPA_NS}`)
      }
      this.report({
        path: '',
        code: 'NAMESPACE',
        message: `Root element must be in namespace ${FATTURAPA_NS}, found ${namespace ?? 'none'}`,
      })
    }
    this.rootNamespace = namespace
    const result: Record<string, unknown> = {}
    for (let i = 0; i < root.attributes.length; i++) {
      const attribute = root.attributes.item(i)
      if (!attribute || attribute.namespaceURI === XMLNS_NS || attribute.namespaceURI === XSI_NS) continue
      const child = attribute.namespaceURI === null ? invoiceShape.attributes.find((a) => a.name === attribute.localName) : undefined
      if (child) result[child.name] = attribute.value
      else this.report({ path: pointer('', attribute.name), code: 'UNKNOWN_ELEMENT', message: `Unexpected attribute ${attribute.name}` })
    }
    this.readChildren(root, invoiceShape, '', result, true)
    return inSchemaOrder(result, invoiceShape)
  }

  private readObject(element: Element, shape: ObjectShape, path: string): Record<string, unknown> {
    this.checkNoAttributes(element, path)
    const result: Record<string, unknown> = {}
    this.readChildren(element, shape, path, result, false)
    return inSchemaOrder(result, shape)
  }

  private readChildren(element: Element, shape: ObjectShape, path: string, result: Record<string, unknown>, atRoot: boolean): void {
    let last: ChildShape | undefined
    for (let node: Node | null = element.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) {
        if ((node.nodeValue ?? '').trim() !== '') {
          this.report({ path, code: 'UNEXPECTED_CONTENT', message: `Unexpected text inside <${element.localName}>` })
        }
        continue
      }
      if (node.nodeType !== ELEMENT_NODE) continue // comments and processing instructions carry no data
      const child = node as Element
      const name = child.localName ?? child.nodeName
      // The enveloped XAdES signature is verified elsewhere; it is not part of the invoice data.
      if (atRoot && child.namespaceURI === XMLDSIG_NS && name === 'Signature') continue
      const childPath = pointer(path, name)
      const definition = shape.byName.get(name)
      if (!definition || shape.attributes.includes(definition) || !this.acceptNamespace(child, childPath)) {
        this.report({
          path: childPath,
          code: 'UNKNOWN_ELEMENT',
          message: `<${child.nodeName}> is not expected inside <${element.localName}>`,
        })
        continue
      }
      if (last && definition.index < last.index) {
        this.report({ path: childPath, code: 'ELEMENT_ORDER', message: `<${name}> must come before <${last.name}>` })
      }
      if (!last || definition.index > last.index) last = definition
      if (definition.repeated) {
        const list = (result[name] as unknown[] | undefined) ?? []
        result[name] = list
        list.push(this.readValue(child, definition, pointer(childPath, list.length)))
      } else if (name in result) {
        this.report({ path: childPath, code: 'DUPLICATE_ELEMENT', message: `<${name}> occurs more than once; the first one is kept` })
      } else {
        result[name] = this.readValue(child, definition, childPath)
      }
    }
  }

  private readValue(element: Element, definition: ChildShape, path: string): unknown {
    if (definition.shape.kind === 'object') return this.readObject(element, definition.shape, path)
    this.checkNoAttributes(element, path)
    let text = ''
    for (let node: Node | null = element.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) text += node.nodeValue ?? ''
      else if (node.nodeType === ELEMENT_NODE) {
        this.report({ path, code: 'UNEXPECTED_CONTENT', message: `<${element.localName}> holds a value, not elements` })
      }
    }
    return text
  }

  /** Children must be unqualified; the root's own namespace is tolerated (with an issue), others are foreign. */
  private acceptNamespace(element: Element, path: string): boolean {
    const namespace = element.namespaceURI
    if (namespace === null) return true
    if (namespace !== this.rootNamespace) return false
    this.report({ path, code: 'NAMESPACE', message: `<${element.localName}> must not be namespace-qualified` })
    return true
  }

  private checkNoAttributes(element: Element, path: string): void {
    for (let i = 0; i < element.attributes.length; i++) {
      const attribute = element.attributes.item(i)
      if (!attribute || attribute.namespaceURI === XMLNS_NS || attribute.namespaceURI === XSI_NS) continue
      this.report({ path, code: 'UNKNOWN_ELEMENT', message: `Unexpected attribute ${attribute.name} on <${element.localName}>` })
    }
  }
}

/** Re-keys an object in schema order, so that JSON output is stable whatever order the file used. */
function inSchemaOrder(object: Record<string, unknown>, shape: ObjectShape): Record<string, unknown> {
  const ordered: Record<string, unknown> = {}
  for (const child of [...shape.attributes, ...shape.elements]) {
    if (child.name in object) ordered[child.name] = object[child.name]
  }
  return ordered
}
