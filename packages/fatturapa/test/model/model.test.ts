import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import {
  buildInvoiceXml,
  type FatturaElettronica,
  FatturaElettronicaSchema,
  InvoiceModelError,
  parseInvoice,
  validateInvoiceModel,
} from '../../src/model/index.js'
import { reference } from '../support/reference.js'
import { xsdErrors } from './canonical.js'

const sample = () => parseInvoice(readFileSync(reference('fatturapa', 'samples', 'IT01234567890_FPA01.xml')))
const documentPath = '/FatturaElettronicaBody/0/DatiGenerali/DatiGeneraliDocumento'

type Body = FatturaElettronica['FatturaElettronicaBody'][number]

/** The sample as an ERP would POST it (plain JSON), after a mutation that may break the types on purpose. */
function json(mutate: (invoice: FatturaElettronica, body: Body) => void = () => {}): unknown {
  const invoice = JSON.parse(JSON.stringify(sample())) as FatturaElettronica
  mutate(invoice, invoice.FatturaElettronicaBody[0] as Body)
  return invoice
}

function errorsOf(input: unknown) {
  const result = validateInvoiceModel(input)
  if (result.ok) throw new Error('expected validation errors')
  return result.errors
}

describe('validateInvoiceModel', () => {
  it('accepts a parsed sample and returns it typed', () => {
    const result = validateInvoiceModel(json())
    expect(result.ok).toBe(true)
    if (result.ok) expect(result.value.FatturaElettronicaBody[0]?.DatiGenerali.DatiGeneraliDocumento.TipoDocumento).toBe('TD01')
  })

  it('points at the missing mandatory field', () => {
    const errors = errorsOf(json((_, body) => Reflect.deleteProperty(body.DatiGenerali.DatiGeneraliDocumento, 'Numero')))
    expect(errors).toEqual([{ path: `${documentPath}/Numero`, code: 'MISSING_ELEMENT', message: 'Numero is required' }])
  })

  it('points at wrong values, unknown properties and empty mandatory arrays', () => {
    const errors = errorsOf(
      json((invoice, body) => {
        Object.assign(body.DatiGenerali.DatiGeneraliDocumento, { ImportoTotaleDocumento: 12.5, TipoDocumento: 'TD99' })
        Object.assign(body.DatiBeniServizi.DettaglioLinee[0] ?? {}, { PrezzoUnitario: '1,50' })
        body.DatiBeniServizi.DatiRiepilogo = []
        Object.assign(invoice.FatturaElettronicaHeader.DatiTrasmissione, { Colore: 'blu' })
      }),
    )
    expect(errors.map((e) => [e.path, e.code])).toEqual(
      expect.arrayContaining([
        [`${documentPath}/ImportoTotaleDocumento`, 'INVALID_VALUE'],
        [`${documentPath}/TipoDocumento`, 'INVALID_VALUE'],
        ['/FatturaElettronicaBody/0/DatiBeniServizi/DettaglioLinee/0/PrezzoUnitario', 'INVALID_VALUE'],
        ['/FatturaElettronicaBody/0/DatiBeniServizi/DatiRiepilogo', 'INVALID_VALUE'],
        ['/FatturaElettronicaHeader/DatiTrasmissione/Colore', 'UNKNOWN_ELEMENT'],
      ]),
    )
    expect(errors.find((e) => e.path.endsWith('TipoDocumento'))?.message).toContain('TD01')
  })

  it('enforces the Denominazione | Nome + Cognome choice', () => {
    const path = '/FatturaElettronicaHeader/CedentePrestatore/DatiAnagrafici/Anagrafica'
    const both = errorsOf(
      json((i) => Object.assign(i.FatturaElettronicaHeader.CedentePrestatore.DatiAnagrafici.Anagrafica, { Nome: 'A', Cognome: 'B' })),
    )
    expect(both).toEqual([expect.objectContaining({ path, code: 'INVALID_VALUE' })])
    const half = errorsOf(
      json((i) => {
        i.FatturaElettronicaHeader.CedentePrestatore.DatiAnagrafici.Anagrafica = { Nome: 'Mario' }
      }),
    )
    expect(half).toEqual([expect.objectContaining({ path })])
  })

  it('never throws on arbitrary input', () => {
    for (const input of [null, undefined, 42, 'x', [], {}, { versione: 'FPR12', FatturaElettronicaBody: 'no' }]) {
      expect(validateInvoiceModel(input).ok).toBe(false)
    }
    expect(errorsOf({})).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/versione', code: 'MISSING_ELEMENT' }),
        expect.objectContaining({ path: '/FatturaElettronicaHeader', code: 'MISSING_ELEMENT' }),
        expect.objectContaining({ path: '/FatturaElettronicaBody', code: 'MISSING_ELEMENT' }),
      ]),
    )
  })
})

describe('buildInvoiceXml', () => {
  it('writes schema order whatever the key order, with the root attributes and namespaces', () => {
    const invoice = sample()
    const reversed = reverseKeys({ ...invoice, SistemaEmittente: 'ERP 2.0' }) as FatturaElettronica
    const xml = buildInvoiceXml(reversed)
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<p:FatturaElettronica ')).toBe(true)
    expect(xml).toContain('xmlns:p="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"')
    expect(xml).toContain('xmlns:ds="http://www.w3.org/2000/09/xmldsig#"')
    expect(xml).toContain('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"')
    expect(xml).toContain('versione="FPA12" SistemaEmittente="ERP 2.0"')
    expect(xml).toBe(buildInvoiceXml({ ...invoice, SistemaEmittente: 'ERP 2.0' }))
    expect(xsdErrors(xml)).toEqual([])
  })

  it('escapes markup characters and keeps them through a round trip', () => {
    const invoice = sample()
    const line = invoice.FatturaElettronicaBody[0]?.DatiBeniServizi.DettaglioLinee[0]
    if (!line) throw new Error('sample without lines')
    line.Descrizione = 'A & B <tag> "quoted" \'single\' ]]> x\r\ny\tz'
    invoice.SistemaEmittente = 'a&"<'
    const xml = buildInvoiceXml(invoice, { validate: false })
    expect(xml).toContain('<Descrizione>A &amp; B &lt;tag&gt; "quoted" \'single\' ]]&gt; x&#13;\ny\tz</Descrizione>')
    expect(xml).toContain('SistemaEmittente="a&amp;&quot;&lt;"')
    expect(parseInvoice(xml, { mode: 'lenient' })).toEqual(invoice)
  })

  it('writes on one line when asked', () => {
    expect(buildInvoiceXml(sample(), { indent: '' }).split('\n')).toHaveLength(2)
  })

  it('refuses a non-conforming model with path-precise errors', () => {
    const invalid = json((i) =>
      Reflect.deleteProperty(i.FatturaElettronicaHeader.DatiTrasmissione, 'CodiceDestinatario'),
    ) as FatturaElettronica
    const error = thrownBy(() => buildInvoiceXml(invalid)) as InvoiceModelError
    expect(error).toBeInstanceOf(InvoiceModelError)
    expect(error.code).toBe('MODEL_INVALID')
    expect(error.issues).toEqual([expect.objectContaining({ path: '/FatturaElettronicaHeader/DatiTrasmissione/CodiceDestinatario' })])
  })

  it('without validation still refuses what cannot be serialised', () => {
    const broken = json((i, body) => {
      Object.assign(body.DatiGenerali.DatiGeneraliDocumento, { Numero: 7, Causale: 'not an array' })
      Object.assign(body.DatiBeniServizi.DettaglioLinee[0] ?? {}, { Descrizione: 'bell \u0007' })
      Object.assign(body.DatiBeniServizi, { Extra: {} })
      Object.assign(i.FatturaElettronicaHeader, { CedentePrestatore: 'nobody' })
    }) as FatturaElettronica
    const error = thrownBy(() => buildInvoiceXml(broken, { validate: false })) as InvoiceModelError
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(
      [
        '/FatturaElettronicaHeader/CedentePrestatore',
        `${documentPath}/Numero`,
        `${documentPath}/Causale`,
        '/FatturaElettronicaBody/0/DatiBeniServizi/DettaglioLinee/0/Descrizione',
        '/FatturaElettronicaBody/0/DatiBeniServizi/Extra',
      ].sort(),
    )
    expect(thrownBy(() => buildInvoiceXml(null as unknown as FatturaElettronica, { validate: false }))).toBeInstanceOf(InvoiceModelError)
  })
})

describe('FatturaElettronicaSchema', () => {
  it('closes every object and documents the main blocks', () => {
    const objects: Array<{ path: string; node: SchemaNode }> = []
    const visit = (node: SchemaNode, path: string) => {
      if (node.type === 'object') {
        objects.push({ path, node })
        for (const [name, child] of Object.entries(node.properties ?? {})) visit(child, `${path}/${name}`)
      }
      if (node.type === 'array' && node.items) visit(node.items, path)
    }
    visit(FatturaElettronicaSchema as unknown as SchemaNode, '')
    expect(objects.length).toBeGreaterThan(50)
    expect(objects.filter((o) => o.node.additionalProperties !== false).map((o) => o.path)).toEqual([])
    const main = [
      '',
      '/FatturaElettronicaHeader',
      '/FatturaElettronicaBody',
      '/FatturaElettronicaBody/DatiGenerali',
      '/FatturaElettronicaBody/DatiPagamento',
    ]
    for (const path of main) expect(objects.find((o) => o.path === path)?.node.description).toEqual(expect.any(String))
  })

  it('is plain JSON Schema (serialisable for OpenAPI)', () => {
    const copy = JSON.parse(JSON.stringify(FatturaElettronicaSchema))
    expect(copy.properties.versione).toMatchObject({ enum: ['FPA12', 'FPR12'], xml: { attribute: true } })
    expect(copy.required).toEqual(['versione', 'FatturaElettronicaHeader', 'FatturaElettronicaBody'])
  })
})

interface SchemaNode {
  type?: string
  properties?: Record<string, SchemaNode>
  items?: SchemaNode
  additionalProperties?: unknown
  description?: string
}

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, child]) => [key, reverseKeys(child)]),
  )
}

function thrownBy(action: () => unknown): unknown {
  try {
    action()
  } catch (error) {
    return error
  }
  throw new Error('expected an exception')
}
