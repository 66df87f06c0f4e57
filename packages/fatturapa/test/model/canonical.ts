import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DOMParser, type Element, type Node, XMLSerializer } from '@xmldom/xmldom'
import { XmlC14NMode, XmlDocument } from 'libxml2-wasm'
import { reference } from '../support/reference.js'

const XSI = 'http://www.w3.org/2001/XMLSchema-instance'
const XMLNS = 'http://www.w3.org/2000/xmlns/'

/**
 * Exclusive C14N of an invoice after the normalisations the round trip is allowed to differ by: whitespace-only
 * text nodes (indentation), the root's namespace prefix, and xsi:schemaLocation (a location hint the model does not
 * carry; the official samples point it at an obsolete URL). Exclusive C14N also drops unused xmlns declarations.
 */
export function canonicalInvoice(xml: string): string {
  const document = new DOMParser().parseFromString(xml, 'text/xml')
  const original = document.documentElement
  if (!original) throw new Error('no root element')
  stripWhitespace(original)
  const root = document.createElementNS(original.namespaceURI, `p:${original.localName}`)
  for (let i = 0; i < original.attributes.length; i++) {
    const attribute = original.attributes.item(i)
    if (!attribute || attribute.namespaceURI === XMLNS) continue
    if (attribute.namespaceURI === XSI && attribute.localName === 'schemaLocation') continue
    root.setAttributeNS(attribute.namespaceURI, attribute.name, attribute.value)
  }
  while (original.firstChild) root.appendChild(original.firstChild)
  document.replaceChild(root, original)
  const parsed = XmlDocument.fromString(new XMLSerializer().serializeToString(document))
  try {
    return parsed.canonicalizeToString({ mode: XmlC14NMode.XML_C14N_EXCLUSIVE_1_0 })
  } finally {
    parsed.dispose()
  }
}

function stripWhitespace(element: Element): void {
  let node: Node | null = element.firstChild
  while (node) {
    const next: Node | null = node.nextSibling
    if (node.nodeType === 3 && (node.nodeValue ?? '').trim() === '') element.removeChild(node)
    else if (node.nodeType === 1) stripWhitespace(node as Element)
    node = next
  }
}

/** Validates with the system xmllint against the local 1.2.3 XSD, network off; returns xmllint's complaints. */
export function xsdErrors(xml: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'fatturapa-model-'))
  const file = join(dir, 'invoice.xml')
  writeFileSync(file, xml)
  try {
    execFileSync('xmllint', ['--noout', '--nonet', '--schema', reference('fatturapa', 'xsd', 'Schema_VFPR12_v1.2.3.xsd'), file], {
      stdio: 'pipe',
    })
    return []
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? error)
    return stderr.split('\n').filter((line) => line.includes('error'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
