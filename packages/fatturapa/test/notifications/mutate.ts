import { DOMParser, type Element, type Node, XMLSerializer } from '@xmldom/xmldom'
import { seededRandom } from '../schemas/mutator.js'

/** The same seeded PRNG as the invoice mutator, so every run mutates the same way. */
export const seeded = seededRandom

const dsig = 'http://www.w3.org/2000/09/xmldsig#'

// Replacement values chosen to cross the facets the schemas use: lengths, patterns, numbers, dates, enumerations.
const values = [
  '',
  ' ',
  'X',
  '0',
  '-1',
  '+12',
  '1234567890123',
  '123456789012',
  '007',
  'abc',
  'ABC123',
  'ABC1234',
  'abc1234',
  'UFY9MH',
  'EC01',
  'EC03',
  'EN00',
  'EN02',
  'SI',
  'si',
  'FSM10',
  'FPR12',
  'TD07',
  'TD01',
  'RF03',
  'RF19',
  'N2.2',
  'N6',
  'IT',
  'it',
  'EUR',
  '00100',
  '1234',
  '22.00',
  '100.00',
  '100.01',
  '5.5',
  '-25.00',
  '123456789012.00',
  '2024-02-29',
  '2023-02-29',
  '1969-12-31',
  '2018-06-16T18:34:00.000+02:00',
  '2018-06-16 18:34',
  'a@b.it',
  'not an email',
  'QUJD',
  'QUJ',
  'x'.repeat(37),
  'y'.repeat(51),
  'z'.repeat(256),
  'w'.repeat(1001),
  'Città',
  '€uro',
  '1.0',
  '1.1',
  'Si',
  'No',
]

const operations = ['drop', 'duplicate', 'swap', 'value', 'value', 'attribute', 'rename'] as const

function elements(root: Element, includeSignature: boolean): Element[] {
  const found: Element[] = []
  const visit = (node: Node) => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType !== 1) continue
      const element = child as Element
      if (element.namespaceURI === dsig && !includeSignature) {
        // The signature is mutated as a whole (dropped, duplicated, moved), never inside.
        found.push(element)
        continue
      }
      found.push(element)
      visit(element)
    }
  }
  visit(root)
  return found
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T
}

/** Applies one to three random structural or value mutations; returns the new document text. */
export function mutate(xml: string, random: () => number): string {
  const document = new DOMParser().parseFromString(xml, 'text/xml')
  const root = document.documentElement
  if (!root) return xml
  const steps = 1 + Math.floor(random() * 3)
  for (let step = 0; step < steps; step++) {
    const candidates = elements(root, false)
    const operation = pick(random, operations)
    if (operation === 'attribute') {
      const choice = random()
      if (choice < 0.4) root.removeAttribute('versione')
      else if (choice < 0.7) root.setAttribute('versione', pick(random, values))
      else if (choice < 0.85)
        root.setAttribute(pick(random, ['IntermediarioConDupliceRuolo', 'FlussoSemplificato', 'SistemaEmittente']), pick(random, values))
      else root.setAttribute('Sconosciuto', 'x')
      continue
    }
    if (candidates.length === 0) break
    const target = pick(random, candidates)
    const parent = target.parentNode
    if (!parent) continue
    switch (operation) {
      case 'drop':
        parent.removeChild(target)
        break
      case 'duplicate':
        parent.insertBefore(target.cloneNode(true), target.nextSibling)
        break
      case 'swap': {
        let next = target.nextSibling
        while (next && next.nodeType !== 1) next = next.nextSibling
        if (next) parent.insertBefore(next, target)
        break
      }
      case 'value': {
        if (target.namespaceURI === dsig) break
        const hasElementChildren = Array.from({ length: target.childNodes.length }, (_, i) => target.childNodes.item(i)).some(
          (c) => c?.nodeType === 1,
        )
        if (hasElementChildren && random() < 0.7) break
        while (target.firstChild) target.removeChild(target.firstChild)
        const value = pick(random, values)
        if (value) target.appendChild(document.createTextNode(value))
        break
      }
      case 'rename': {
        if (target.namespaceURI === dsig) break
        const renamed = document.createElementNS(target.namespaceURI, `${target.prefix ? `${target.prefix}:` : ''}${target.localName}X`)
        while (target.firstChild) renamed.appendChild(target.firstChild)
        parent.replaceChild(renamed, target)
        break
      }
    }
  }
  return new XMLSerializer().serializeToString(document)
}
