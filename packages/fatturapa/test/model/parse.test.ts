import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import {
  buildInvoiceXml,
  InvoiceModelError,
  InvoiceSchemaError,
  InvoiceXmlError,
  parseInvoice,
  readInvoice,
} from '../../src/model/index.js'
import { reference, referenceFiles } from '../support/reference.js'

const sample = (name: string) => readFileSync(reference('fatturapa', 'samples', name), 'utf8')
const fpr01 = sample('IT01234567890_FPR01.xml')
const NS = 'http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2'

function thrown(action: () => unknown): unknown {
  try {
    action()
  } catch (error) {
    return error
  }
  throw new Error('expected an exception')
}

/** Re-prefixes the root of a sample: `ns2:`, or the default namespace (optionally with unqualified children). */
function withRoot(xml: string, prefix: string | null, unqualifyChildren = true): string {
  const open = prefix === null ? 'FatturaElettronica' : `${prefix}:FatturaElettronica`
  const declaration = prefix === null ? `xmlns="${NS}"` : `xmlns:${prefix}="${NS}"`
  return xml
    .replace(/<p:FatturaElettronica (.*?)xmlns:p="[^"]*"/, `<${open} $1${declaration}`)
    .replace('</p:FatturaElettronica>', `</${open}>`)
    .replace(/<(FatturaElettronicaHeader|FatturaElettronicaBody)>/g, prefix === null && unqualifyChildren ? '<$1 xmlns="">' : '<$1>')
}

describe('namespaces and structure', () => {
  it('reads the same invoice whatever the root prefix', () => {
    const expected = parseInvoice(fpr01)
    expect(parseInvoice(withRoot(fpr01, 'ns2'))).toEqual(expected)
    expect(parseInvoice(withRoot(fpr01, null))).toEqual(expected)
  })

  it('tolerates children qualified by a default-namespace root only in lenient mode', () => {
    const xml = withRoot(fpr01, null, false)
    const error = thrown(() => parseInvoice(xml)) as InvoiceSchemaError
    expect(error).toBeInstanceOf(InvoiceSchemaError)
    expect(error.issues[0]).toMatchObject({ path: '/FatturaElettronicaHeader', code: 'NAMESPACE' })
    expect(parseInvoice(xml, { mode: 'lenient' })).toEqual(parseInvoice(fpr01))
  })

  it('makes repeatable elements arrays even when they occur once', () => {
    const invoice = parseInvoice(fpr01)
    const body = invoice.FatturaElettronicaBody[0]
    expect(invoice.FatturaElettronicaBody).toHaveLength(1)
    expect(Array.isArray(body?.DatiBeniServizi.DatiRiepilogo)).toBe(true)
    expect(Array.isArray(body?.DatiPagamento?.[0]?.DettaglioPagamento)).toBe(true)
    expect(invoice.FatturaElettronicaHeader.DatiTrasmissione.IdTrasmittente).toEqual({ IdPaese: 'IT', IdCodice: '01234567890' })
  })

  it('keeps amounts and text exactly as written, including entities and CDATA', () => {
    const xml = fpr01
      .replace(/<Descrizione>[^<]*<\/Descrizione>/, '<Descrizione>Caff&#232; &amp; t&#xE8; <![CDATA[<extra>]]> 1 &lt; 2</Descrizione>')
      .replace(/<PrezzoUnitario>[^<]*</, '<PrezzoUnitario>1.50000000<')
    const line = parseInvoice(xml, { mode: 'lenient' }).FatturaElettronicaBody[0]?.DatiBeniServizi.DettaglioLinee[0]
    expect(line?.Descrizione).toBe('Caffè & tè <extra> 1 < 2')
    expect(line?.PrezzoUnitario).toBe('1.50000000')
  })

  it('ignores an enveloped ds:Signature', () => {
    const signed = fpr01.replace(
      '</p:FatturaElettronica>',
      '<ds:Signature Id="sig"><ds:SignedInfo/><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature></p:FatturaElettronica>',
    )
    expect(readInvoice(signed).issues).toEqual([])
    expect(parseInvoice(signed)).toEqual(parseInvoice(fpr01))
  })

  it('refuses a document that is not a FatturaPA 1.2 invoice', () => {
    expect(thrown(() => parseInvoice(sample('IT01234567890_FSM10.xml')))).toMatchObject({ code: 'NOT_AN_INVOICE' })
    expect(thrown(() => parseInvoice('<a/>'))).toMatchObject({ code: 'NOT_AN_INVOICE' })
    expect(thrown(() => parseInvoice(fpr01.replace(`xmlns:p="${NS}"`, 'xmlns:p="urn:other"')))).toMatchObject({ code: 'NOT_AN_INVOICE' })
  })

  it('reads the legacy 1.1 namespace leniently only', () => {
    const legacy = fpr01.replace(`xmlns:p="${NS}"`, 'xmlns:p="http://www.fatturapa.gov.it/sdi/fatturapa/v1.1"')
    expect(thrown(() => parseInvoice(legacy))).toBeInstanceOf(InvoiceSchemaError)
    expect(parseInvoice(legacy, { mode: 'lenient' })).toEqual(parseInvoice(fpr01))
  })
})

describe('encodings', () => {
  it('accepts a UTF-8 BOM in bytes and in strings', () => {
    const expected = parseInvoice(fpr01)
    expect(parseInvoice(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(fpr01)]))).toEqual(expected)
    expect(parseInvoice(`\uFEFF${fpr01}`)).toEqual(expected)
  })

  it('decodes UTF-16 with a BOM', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(fpr01.replace('UTF-8', 'UTF-16'), 'utf16le')])
    expect(parseInvoice(utf16)).toEqual(parseInvoice(fpr01))
  })

  it('decodes a declared windows-1252 file, accented characters included', () => {
    const cp1252 = (description: string) =>
      encodeWindows1252(
        fpr01
          .replace('encoding="UTF-8"', 'encoding="windows-1252"')
          .replace(/<Descrizione>[^<]*<\/Descrizione>/, `<Descrizione>${description}</Descrizione>`),
      )
    const line = parseInvoice(cp1252('Perché più caffè')).FatturaElettronicaBody[0]?.DatiBeniServizi.DettaglioLinee[0]
    expect(line?.Descrizione).toBe('Perché più caffè')
    // 0x80–0x9F are where windows-1252 differs from Latin-1. The XSD only allows Latin-1 there, hence lenient mode.
    const { invoice, issues } = readInvoice(cp1252('Prezzo – 5 €'), { mode: 'lenient' })
    expect(invoice.FatturaElettronicaBody[0]?.DatiBeniServizi.DettaglioLinee[0]?.Descrizione).toBe('Prezzo – 5 €')
    expect(issues).toEqual([expect.objectContaining({ path: '/FatturaElettronicaBody/0/DatiBeniServizi/DettaglioLinee/0/Descrizione' })])
  })

  it('falls back to windows-1252 in lenient mode when a file declared UTF-8 is not', () => {
    const bytes = encodeWindows1252(fpr01.replace(/<Descrizione>[^<]*<\/Descrizione>/, '<Descrizione>Però</Descrizione>'))
    expect(thrown(() => parseInvoice(bytes))).toMatchObject({ code: 'XML_ENCODING_INVALID' })
    const { invoice, issues } = readInvoice(bytes, { mode: 'lenient' })
    expect(issues).toEqual([expect.objectContaining({ code: 'ENCODING' })])
    expect(invoice.FatturaElettronicaBody[0]?.DatiBeniServizi.DettaglioLinee[0]?.Descrizione).toBe('Però')
  })

  it('refuses an unknown encoding label', () => {
    const bytes = Buffer.from(fpr01.replace('encoding="UTF-8"', 'encoding="x-klingon"'))
    expect(thrown(() => parseInvoice(bytes))).toMatchObject({ code: 'XML_ENCODING_UNSUPPORTED' })
  })
})

describe('real-world invalid files (lenient mode)', () => {
  const utf8 = readFileSync(reference('fatturapa', 'invalid', 'IT02182030391_32.xml'))
  const cp1252 = readFileSync(reference('fatturapa', 'invalid', 'IT02182030391_32.windows-1252.xml'))

  it('strict mode reports every schema issue with its path', () => {
    const error = thrown(() => parseInvoice(utf8)) as InvoiceSchemaError
    expect(error).toBeInstanceOf(InvoiceSchemaError)
    expect(error.code).toBe('INVOICE_INVALID')
    expect(error.issues).toEqual(
      expect.arrayContaining([
        {
          path: '/FatturaElettronicaBody/0/DatiGenerali/DatiGeneraliDocumento/DatiRitenuta',
          code: 'ELEMENT_ORDER',
          message: '<DatiRitenuta> must come before <ScontoMaggiorazione>',
        },
        // xmllint complains about NumeroLicenzaGuida because the carrier has no Anagrafica at all.
        expect.objectContaining({
          path: '/FatturaElettronicaBody/0/DatiGenerali/DatiTrasporto/DatiAnagraficiVettore/Anagrafica',
          code: 'MISSING_ELEMENT',
        }),
        expect.objectContaining({
          path: '/FatturaElettronicaBody/0/DatiBeniServizi/DettaglioLinee/1/CodiceArticolo',
          code: 'ELEMENT_ORDER',
        }),
        expect.objectContaining({
          path: '/FatturaElettronicaBody/0/DatiBeniServizi/DettaglioLinee/0/ScontoMaggiorazione/0/Importo',
          code: 'INVALID_VALUE',
        }),
      ]),
    )
  })

  it('lenient mode returns the whole invoice, elements put back in schema order', () => {
    const invoice = parseInvoice(utf8, { mode: 'lenient' })
    expect(invoice.FatturaElettronicaBody).toHaveLength(2)
    const document = invoice.FatturaElettronicaBody[0]?.DatiGenerali.DatiGeneraliDocumento
    expect(document?.DatiRitenuta?.[0]).toEqual({
      TipoRitenuta: 'RT02',
      ImportoRitenuta: '27.55',
      AliquotaRitenuta: '20.00',
      CausalePagamento: 'A',
    })
    expect(document?.ScontoMaggiorazione).toHaveLength(2)
    expect(Object.keys(document ?? {}).indexOf('DatiRitenuta')).toBeLessThan(Object.keys(document ?? {}).indexOf('ScontoMaggiorazione'))
    // Rebuilding writes the schema order, so only the content problems remain.
    expect(() => buildInvoiceXml(invoice)).toThrow(InvoiceModelError)
    const remaining = readInvoice(buildInvoiceXml(invoice, { validate: false })).issues
    expect(remaining.length).toBeGreaterThan(0)
    expect(remaining.filter((issue) => issue.code !== 'INVALID_VALUE')).toEqual([
      expect.objectContaining({
        code: 'MISSING_ELEMENT',
        path: '/FatturaElettronicaBody/0/DatiGenerali/DatiTrasporto/DatiAnagraficiVettore/Anagrafica',
      }),
      expect.objectContaining({
        code: 'MISSING_ELEMENT',
        path: '/FatturaElettronicaBody/1/DatiGenerali/DatiTrasporto/DatiAnagraficiVettore/Anagrafica',
      }),
    ])
  })

  it('the windows-1252 copy parses to the same invoice as the UTF-8 one', () => {
    expect(parseInvoice(cp1252, { mode: 'lenient' })).toEqual(parseInvoice(utf8, { mode: 'lenient' }))
  })

  it('lenient mode also keeps the first of duplicated single elements and skips unknown ones', () => {
    const xml = fpr01
      .replace('<Divisa>EUR</Divisa>', '<Divisa>EUR</Divisa><Divisa>USD</Divisa><Colore>blu</Colore>')
      .replace('<DatiTrasmissione>', '<DatiTrasmissione foo="bar">')
    const { invoice, issues } = readInvoice(xml, { mode: 'lenient' })
    expect(invoice.FatturaElettronicaBody[0]?.DatiGenerali.DatiGeneraliDocumento.Divisa).toBe('EUR')
    expect(issues.map((issue) => [issue.code, issue.path])).toEqual([
      ['UNKNOWN_ELEMENT', '/FatturaElettronicaHeader/DatiTrasmissione'],
      ['DUPLICATE_ELEMENT', '/FatturaElettronicaBody/0/DatiGenerali/DatiGeneraliDocumento/Divisa'],
      ['UNKNOWN_ELEMENT', '/FatturaElettronicaBody/0/DatiGenerali/DatiGeneraliDocumento/Colore'],
    ])
  })
})

describe('files missing a mandatory element', () => {
  const header = '/FatturaElettronicaHeader'
  const trasmissione = `${header}/DatiTrasmissione`
  const documento = '/FatturaElettronicaBody/0/DatiGenerali/DatiGeneraliDocumento'
  const expected: Record<string, string> = {
    'missing_CedentePrestatore.xml': `${header}/CedentePrestatore`,
    'missing_CessionarioCommittente.xml': `${header}/CessionarioCommittente`,
    'missing_CodiceDestinatario.xml': `${trasmissione}/CodiceDestinatario`,
    'missing_DatiBeniServizi.xml': '/FatturaElettronicaBody/0/DatiBeniServizi',
    'missing_DatiGenerali.xml': '/FatturaElettronicaBody/0/DatiGenerali',
    'missing_DatiGeneraliDocumento.xml': documento,
    'missing_DatiGeneraliDocumento_Data.xml': `${documento}/Data`,
    'missing_DatiGeneraliDocumento_Divisa.xml': `${documento}/Divisa`,
    'missing_DatiGeneraliDocumento_Numero.xml': `${documento}/Numero`,
    'missing_DatiGeneraliDocumento_TipoDocumento.xml': `${documento}/TipoDocumento`,
    'missing_DatiTrasmissione.xml': trasmissione,
    'missing_FatturaElettronicaBody.xml': '/FatturaElettronicaBody',
    'missing_FatturaElettronicaHeader.xml': header,
    'missing_FormatoTrasmissione.xml': `${trasmissione}/FormatoTrasmissione`,
    'missing_IdTrasmittente.xml': `${trasmissione}/IdTrasmittente`,
    'missing_IdTrasmittente_IdCodice.xml': `${trasmissione}/IdTrasmittente/IdCodice`,
    'missing_IdTrasmittente_IdPaese.xml': `${trasmissione}/IdTrasmittente/IdPaese`,
    'missing_ProgressivoInvio.xml': `${trasmissione}/ProgressivoInvio`,
  }
  const files = referenceFiles('fatturapa/invalid').filter((file) => basename(file).startsWith('missing_'))

  it('covers every missing_* fixture', () => {
    expect(files.map((file) => basename(file)).sort()).toEqual(Object.keys(expected).sort())
  })

  it.each(files.map((file) => [basename(file), file]))('%s is rejected with the path of the missing element', (name, file) => {
    const error = thrown(() => parseInvoice(readFileSync(file))) as InvoiceSchemaError
    expect(error).toBeInstanceOf(InvoiceSchemaError)
    expect(error.issues).toContainEqual(expect.objectContaining({ path: expected[name], code: 'MISSING_ELEMENT' }))
  })
})

describe('hostile and broken input', () => {
  it.each(referenceFiles('fatturapa/malicious').map((file) => [basename(file), file]))('%s is refused or read safely', (_, file) => {
    const bytes = readFileSync(file)
    let outcome: unknown
    try {
      outcome = parseInvoice(bytes, { mode: 'lenient' })
    } catch (error) {
      outcome = error
    }
    if (bytes.includes('<!DOCTYPE')) expect(outcome).toMatchObject({ code: 'XML_DTD_FORBIDDEN' })
    // The jumbo files are big but legal XML (e.g. 19 801 Causale): reading them is fine, size limits belong upstream.
    else if (outcome instanceof Error) expect(outcome).toBeInstanceOf(InvoiceXmlError)
    else expect(outcome).toHaveProperty('FatturaElettronicaHeader')
  })

  it('reports malformed XML with a typed error', () => {
    const outcome = thrown(() => parseInvoice(readFileSync(reference('fatturapa', 'invalid', 'malformed.xml'))))
    expect(outcome).toBeInstanceOf(InvoiceXmlError)
    expect(outcome).toMatchObject({ code: 'XML_MALFORMED' })
    for (const junk of ['', 'not xml', '<p:FatturaElettronica>', `${fpr01}<extra/>`, fpr01.replace('<Numero>', '<Numero>&bogus;')]) {
      expect(thrown(() => parseInvoice(junk))).toBeInstanceOf(InvoiceXmlError)
    }
  })

  it('does not take a DOCTYPE inside a comment for a real one', () => {
    const xml = fpr01.replace('<p:FatturaElettronica', '<!-- <!DOCTYPE x> --><p:FatturaElettronica')
    expect(parseInvoice(xml)).toEqual(parseInvoice(fpr01))
  })
})

/** Test-side encoder: the Latin-1 range maps to itself, plus the few windows-1252 extras the tests use. */
function encodeWindows1252(text: string): Buffer {
  const extras: Record<string, number> = { '€': 0x80, '–': 0x96, '’': 0x92 }
  return Buffer.from(
    [...text].map((char) => {
      const code = char.codePointAt(0) as number
      if (code < 0x100) return code
      const mapped = extras[char]
      if (mapped === undefined) throw new Error(`cannot encode ${char}`)
      return mapped
    }),
  )
}
