import type { Document, Element, Node } from '@xmldom/xmldom'
import { DOMParser, XMLSerializer } from '@xmldom/xmldom'

/**
 * Seeded mutator for FatturaPA instance files. It produces structurally and lexically broken (or accidentally still
 * valid) variants of well-formed seed invoices, to compare two schema implementations on the same bytes. Everything
 * derives from the seed, so a disagreement can be reproduced from its mutant id alone.
 */

/** mulberry32: tiny, fast, good enough for test-case generation, identical on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface Mutant {
  id: string
  /** Human-readable list of the mutations applied, for the disagreement report. */
  operations: string[]
  xml: string
}

const ELEMENT_NODE = 1
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#'

/** Lengths around the size limits of the specification (1, 2, 5..12, 13..17, 20, 28, 35, 60, 80, 100, 200, 256, 1000). */
const BOUNDARY_LENGTHS = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 20, 21, 28, 29, 34, 35, 36, 60, 61, 80, 81, 100, 101, 200, 201, 256, 257, 1000,
  1001,
]

/** Codes of every code list, valid and invalid, to try in any coded field. */
const CODES = [
  'TD01',
  'TD04',
  'TD06',
  'TD07',
  'TD15',
  'TD16',
  'TD20',
  'TD27',
  'TD28',
  'TD29',
  'TD30',
  'td01',
  'RF01',
  'RF03',
  'RF19',
  'RF20',
  'RF21',
  'MP01',
  'MP22',
  'MP23',
  'MP24',
  'TP01',
  'TP03',
  'TP04',
  'RT01',
  'RT06',
  'RT07',
  'TC01',
  'TC22',
  'TC23',
  'N1',
  'N2',
  'N2.1',
  'N2.2',
  'N2.3',
  'N3',
  'N3.6',
  'N3.7',
  'N6',
  'N6.9',
  'N7',
  'N8',
  'n1',
  'SC',
  'MG',
  'PR',
  'AB',
  'AC',
  'XX',
  'SI',
  'si',
  'NO',
  'SU',
  'SM',
  'LS',
  'LN',
  'CC',
  'TZ',
  'I',
  'D',
  'S',
  'X',
  'A',
  'F',
  'L1',
  'M2',
  'ZO',
  'Z0',
  'FPA12',
  'FPR12',
  'FSM10',
  'fpa12',
  'EUR',
  'eur',
  'EURO',
  'IT',
  'it',
  'ITA',
  'RM',
  'EXW',
  '0000000',
  'XXXXXXX',
  'AAAAAA',
  'aaaaaa',
  'ABC12345',
]

const DECIMALS = [
  '0',
  '1',
  '10',
  '1.0',
  '1.5',
  '1.00',
  '1.000',
  '1.12345678',
  '1.123456789',
  '1,00',
  '+1.00',
  '-1.00',
  '-0.00',
  '.50',
  '1.',
  '1e2',
  '1.00 ',
  ' 1.00',
  '0.00',
  '99.99',
  '100.00',
  '100.01',
  '101.00',
  '999.00',
  '1000.00',
  '1234.5',
  '12345.1',
  '12345.12',
  '99999999999.00',
  '123456789012.00',
  '123456789012.12345678',
  '1234567890123.00',
  '-99999999999.99',
  '0.1',
  '0.01',
  'NaN',
  'INF',
]

const INTEGERS = ['0', '1', '01', '+1', '-1', '1.0', '2', '99', '999', '1000', '9999', '10000', '12345', ' 7 ', 'x']

const DATES = [
  '2024-02-29',
  '2023-02-29',
  '2024-04-31',
  '2024-13-01',
  '2024-00-10',
  '1969-12-31',
  '1970-01-01',
  '1970-01-02',
  '2024-1-01',
  '24-01-01',
  '2024-01-01Z',
  '2024-01-01+01:00',
  '1970-01-01+02:00',
  '1970-01-01-02:00',
  '2024-01-01T10:00:00',
  '2024-01-01T24:00:00',
  '2024-01-01T10:00',
  '2024-01-01T10:00:00.5Z',
  '10:00:00',
  '0000-01-01',
  '-0001-01-01',
  '12024-01-01',
  '2024/01/01',
  '01-01-2024',
  ' 2024-01-01 ',
]

const TEXTS = [
  '',
  ' ',
  '  ',
  'A',
  'AB',
  'Ω',
  'ÀÈÌÒÙ',
  'ÿ',
  'Ā',
  '€',
  '中文',
  '😀',
  'a\tb',
  'a\nb',
  ' x ',
  'x  y',
  '"quoted"',
  'a@b.it',
  'a@b',
  'ab@cd.ef',
  'x@y.z',
  'a.b@c',
  '"[]!#-a"@b',
  'nome@[1.2.3.4]',
  'a b@c.it',
  'é@x.it',
  '0612345',
  '+39 06 1234',
  'IT60X0542811101000000123456',
  'it60x0542811101000000123456',
  'IT60X054281110',
  'IT60X05428111010000001234567890123',
  'BPPIITRR',
  'BPPIITRRXXX',
  'BPPIIT1R',
  'BPPIITROXXX',
  'bppiitrr',
  '12345',
  '1234',
  '123456',
  'ABCDE',
  'RSSMRA80A01H501U',
  'rssmra80a01h501u',
  '1234567890',
  '12345678901',
  'SGVsbG8=',
  'SGVsbG8',
  '!!!',
]

function pick<T>(random: () => number, values: readonly T[]): T {
  const value = values[Math.floor(random() * values.length)]
  if (value === undefined) throw new Error('pick from an empty list')
  return value
}

function elementChildren(node: Node): Element[] {
  const result: Element[] = []
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === ELEMENT_NODE) result.push(child as Element)
  }
  return result
}

function allElements(root: Element): Element[] {
  const result: Element[] = []
  const visit = (element: Element) => {
    for (const child of elementChildren(element)) {
      result.push(child)
      visit(child)
    }
  }
  visit(root)
  return result
}

function isLeaf(element: Element): boolean {
  return elementChildren(element).length === 0
}

function textOf(element: Element): string {
  return element.textContent ?? ''
}

function setText(document: Document, element: Element, value: string): void {
  while (element.firstChild) element.removeChild(element.firstChild)
  if (value !== '') element.appendChild(document.createTextNode(value))
}

function repeatTo(seed: string, length: number): string {
  const base = seed.trim() === '' ? 'A' : seed
  let out = ''
  while (out.length < length) out += base
  return out.slice(0, length)
}

/** Candidate replacement values for a leaf, chosen by what the current value looks like. */
function valueVariants(random: () => number, current: string): string {
  const kind = /^-?\d+\.\d+$/.test(current)
    ? 'decimal'
    : /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(current)
      ? 'date'
      : /^\d{1,4}$/.test(current) && !/^0\d/.test(current)
        ? 'integer'
        : 'text'
  const roll = random()
  if (roll < 0.12) return repeatTo(current, pick(random, BOUNDARY_LENGTHS))
  if (roll < 0.2) return current.toLowerCase() === current ? current.toUpperCase() : current.toLowerCase()
  if (roll < 0.3) return pick(random, CODES)
  if (roll < 0.38) return pick(random, TEXTS)
  if (roll < 0.44) return `${current}${pick(random, ['é', 'Ω', ' ', '\t', '\n', '€', 'ā'])}`
  if (roll < 0.48) return `${pick(random, [' ', 'Ω', 'é', '\t'])}${current}`
  if (roll < 0.52) return ''
  if (kind === 'decimal' || roll < 0.62) return roll < 0.8 ? pick(random, DECIMALS) : decimalShift(random, current)
  if (kind === 'date' || roll < 0.72) return pick(random, DATES)
  if (kind === 'integer' || roll < 0.82) return pick(random, INTEGERS)
  return pick(random, [...DECIMALS, ...DATES, ...INTEGERS])
}

/** Keeps the magnitude of an amount but breaks (or keeps) its decimal format. */
function decimalShift(random: () => number, current: string): string {
  const [integer = '0', fraction = ''] = current.replace(/^-/, '').split('.')
  const sign = current.startsWith('-') ? '-' : pick(random, ['', '', '-'])
  const decimals = pick(random, [0, 1, 2, 2, 3, 8, 9])
  const digits = `${fraction}000000000`.slice(0, decimals)
  const widened = pick(random, [integer, integer, `9${integer}`, '99999999999', '123456789012'])
  return decimals === 0 ? `${sign}${widened}` : `${sign}${widened}.${digits}`
}

type Operation = (random: () => number, document: Document, root: Element) => string | undefined

const dropElement: Operation = (random, _document, root) => {
  const target = pick(random, allElements(root))
  target.parentNode?.removeChild(target)
  return `drop ${target.tagName}`
}

const duplicateElement: Operation = (random, _document, root) => {
  const target = pick(random, allElements(root))
  const copy = target.cloneNode(true)
  target.parentNode?.insertBefore(copy, target.nextSibling)
  return `duplicate ${target.tagName}`
}

const swapSiblings: Operation = (random, _document, root) => {
  const candidates = allElements(root).filter((element) => elementChildren(element.parentNode as Node).length > 1)
  if (candidates.length === 0) return undefined
  const target = pick(random, candidates)
  const siblings = elementChildren(target.parentNode as Node)
  const index = siblings.indexOf(target)
  const other = siblings[index + 1] ?? siblings[index - 1]
  if (!other) return undefined
  const parent = target.parentNode as Node
  if (other === siblings[index + 1]) parent.insertBefore(other, target)
  else parent.insertBefore(target, other)
  return `swap ${target.tagName} with ${other.tagName}`
}

const moveElement: Operation = (random, _document, root) => {
  const target = pick(random, allElements(root))
  const parent = target.parentNode as Node
  const siblings = elementChildren(parent).filter((element) => element !== target)
  if (siblings.length === 0) return undefined
  const anchor = pick(random, [...siblings, null])
  parent.insertBefore(target, anchor)
  return `move ${target.tagName} before ${anchor ? anchor.tagName : '(end)'}`
}

const alterValue: Operation = (random, document, root) => {
  const leaves = allElements(root).filter(isLeaf)
  const target = pick(random, leaves)
  const before = textOf(target)
  const after = valueVariants(random, before)
  setText(document, target, after)
  return `set ${target.tagName} ${JSON.stringify(before).slice(0, 40)} -> ${JSON.stringify(after).slice(0, 60)}`
}

/** Moves a leaf value to another leaf: realistic "wrong field" errors with values of plausible shape. */
const crossValue: Operation = (random, document, root) => {
  const leaves = allElements(root).filter(isLeaf)
  const from = pick(random, leaves)
  const to = pick(random, leaves)
  setText(document, to, textOf(from))
  return `copy value of ${from.tagName} into ${to.tagName}`
}

/** Renames an element (typo, case, another element's name) or moves it into the invoice namespace. */
const renameElement: Operation = (random, document, root) => {
  const elements = allElements(root)
  const target = pick(random, elements)
  const local = target.localName ?? target.tagName
  const choice = pick(random, ['lower', 'suffix', 'truncate', 'other', 'qualified'] as const)
  const name =
    choice === 'lower'
      ? local.toLowerCase()
      : choice === 'suffix'
        ? `${local}X`
        : choice === 'truncate'
          ? local.slice(0, -1) || 'X'
          : choice === 'other'
            ? (pick(random, elements).localName ?? 'X')
            : `p:${local}`
  // The original namespace is kept, except for the "qualified" case, which puts the element in the invoice namespace.
  const namespace = choice === 'qualified' ? (root.namespaceURI ?? null) : (target.namespaceURI ?? null)
  const prefix = choice === 'qualified' || !target.prefix ? '' : `${target.prefix}:`
  const renamed = document.createElementNS(namespace, `${prefix}${name}`)
  while (target.firstChild) renamed.appendChild(target.firstChild)
  target.parentNode?.replaceChild(renamed, target)
  return `rename ${target.tagName} -> ${renamed.tagName}`
}

/** Content the schema never declares: unknown elements, foreign namespaces, text inside element-only content. */
const insertForeign: Operation = (random, document, root) => {
  const target = pick(random, [root, ...allElements(root)])
  const choice = pick(random, ['unknown', 'namespaced', 'text', 'comment', 'whitespace'] as const)
  let node: Node
  if (choice === 'unknown') node = document.createElementNS(null, 'Sconosciuto')
  else if (choice === 'namespaced') node = document.createElementNS('urn:example:other', 'o:Estensione')
  else if (choice === 'text') node = document.createTextNode('testo')
  else if (choice === 'comment') node = document.createComment('commento')
  else node = document.createTextNode('\n   \t')
  const children = elementChildren(target)
  target.insertBefore(node, children.length > 0 ? pick(random, [...children, null]) : null)
  return `insert ${choice} into ${target.tagName}`
}

const alterAttribute: Operation = (random, _document, root) => {
  const target = random() < 0.7 ? root : pick(random, allElements(root))
  const choice = pick(random, ['versione', 'versione', 'removeVersione', 'sistema', 'unknown', 'xsiType', 'xsiNil'] as const)
  if (target !== root && (choice === 'versione' || choice === 'removeVersione')) {
    target.setAttribute('versione', 'FPA12')
    return `add versione to ${target.tagName}`
  }
  switch (choice) {
    case 'versione': {
      const value = pick(random, ['FPA12', 'FPR12', 'FSM10', '1.2.3', 'fpr12', ' FPR12', 'FPR12 ', ''])
      target.setAttribute('versione', value)
      return `versione=${JSON.stringify(value)}`
    }
    case 'removeVersione':
      target.removeAttribute('versione')
      return 'remove versione'
    case 'sistema': {
      const value = pick(random, ['', 'X', 'ERP 1.0', '0123456789', '01234567890', 'Sistemà', 'a\tb'])
      target.setAttribute('SistemaEmittente', value)
      return `SistemaEmittente=${JSON.stringify(value)} on ${target.tagName}`
    }
    case 'unknown':
      target.setAttribute('Extra', 'x')
      return `unknown attribute on ${target.tagName}`
    case 'xsiType':
      target.setAttributeNS('http://www.w3.org/2001/XMLSchema-instance', 'xsi:type', pick(random, ['xs:string', 'Bogus']))
      return `xsi:type on ${target.tagName}`
    case 'xsiNil':
      target.setAttributeNS('http://www.w3.org/2001/XMLSchema-instance', 'xsi:nil', 'true')
      return `xsi:nil on ${target.tagName}`
  }
}

/** Attaches an XAdES ds:Signature (from a real signed file) at the end of the root or at a wrong place. */
function attachSignature(signature: Element | undefined): Operation {
  return (random, document, root) => {
    if (!signature) return undefined
    const copy = document.importNode(signature, true) as Element
    const placement = pick(random, ['end', 'end', 'end', 'beforeBody', 'inHeader', 'twice'] as const)
    const children = elementChildren(root)
    if (placement === 'end') root.appendChild(copy)
    else if (placement === 'beforeBody') root.insertBefore(copy, children[1] ?? null)
    else if (placement === 'inHeader') children[0]?.appendChild(copy)
    else {
      root.appendChild(copy)
      root.appendChild(document.importNode(signature, true))
    }
    // Half of the time, break the signature itself as well.
    if (random() < 0.5) {
      const inner = pick(random, [dropElement, duplicateElement, swapSiblings, alterValue, insertForeign, alterAttribute])
      const detail = inner(random, document, copy)
      return `signature ${placement}${detail ? `, inside: ${detail}` : ''}`
    }
    return `signature ${placement}`
  }
}

export interface MutatorOptions {
  seed: number
  /** Seeds, by name: the text of well-formed invoices. */
  seeds: Record<string, string>
  /** A ds:Signature element serialized as XML, attached by one of the operations. */
  signatureXml?: string
}

/**
 * Generates `count` mutants. Each mutant starts from one seed and applies 1 to 3 operations; the operation mix
 * favours value changes, where the two schemas are most likely to differ.
 */
export function generateMutants(options: MutatorOptions, count: number): Mutant[] {
  const random = seededRandom(options.seed)
  const parser = new DOMParser()
  const serializer = new XMLSerializer()
  const seedNames = Object.keys(options.seeds).sort()
  const signature = options.signatureXml
    ? (parser.parseFromString(options.signatureXml, 'text/xml').documentElement ?? undefined)
    : undefined
  const weighted: [Operation, number][] = [
    [dropElement, 10],
    [duplicateElement, 8],
    [swapSiblings, 8],
    [moveElement, 4],
    [alterValue, 45],
    [crossValue, 6],
    [renameElement, 4],
    [insertForeign, 4],
    [alterAttribute, 5],
    [attachSignature(signature && signature.namespaceURI === DSIG_NS ? signature : undefined), 6],
  ]
  const totalWeight = weighted.reduce((sum, [, weight]) => sum + weight, 0)
  const chooseOperation = (): Operation => {
    let roll = random() * totalWeight
    for (const [operation, weight] of weighted) {
      roll -= weight
      if (roll < 0) return operation
    }
    return alterValue
  }

  const mutants: Mutant[] = []
  for (let index = 0; index < count; index++) {
    const seedName = pick(random, seedNames)
    const document = parser.parseFromString(options.seeds[seedName] ?? '', 'text/xml')
    const root = document.documentElement
    if (!root) throw new Error(`seed ${seedName} has no root element`)
    const operations: string[] = []
    const steps = random() < 0.7 ? 1 : random() < 0.7 ? 2 : 3
    for (let attempt = 0; operations.length < steps && attempt < 10; attempt++) {
      const detail = chooseOperation()(random, document, root)
      if (detail) operations.push(detail)
    }
    mutants.push({ id: `m${String(index).padStart(4, '0')}-${seedName}`, operations, xml: serializer.serializeToString(document) })
  }
  return mutants
}
