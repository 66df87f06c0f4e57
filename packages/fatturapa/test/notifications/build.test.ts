import { describe, expect, it } from '@jest/globals'
import {
  buildSdiMessage,
  codeOfSdiMessage,
  parseSdiMessage,
  type SdiMessage,
  SdiMessageError,
  sdiVocabularyOfFormat,
  validateSdiMessage,
} from '../../src/notifications/index.js'
import { fullMessages, minimalMessages, signMessage } from './fixtures.js'
import { officialVerdicts, ourVerdict } from './oracle.js'

const unsignedTypes = new Set(['MetadatiInvioFile', 'FileMetadati', 'NotificaEsitoCommittente'])
const label = (message: SdiMessage) => `${message.vocabulary} ${message.type}`

function buildError(message: SdiMessage): SdiMessageError {
  try {
    buildSdiMessage(message)
  } catch (error) {
    if (error instanceof SdiMessageError) return error
    throw error
  }
  throw new Error('expected an SdiMessageError')
}

describe('buildSdiMessage', () => {
  const all = [...fullMessages, ...minimalMessages]

  it('covers every message type of both vocabularies', () => {
    const types = new Set(fullMessages.map(label))
    expect(types.size).toBe(13)
    expect(new Set(minimalMessages.map(label))).toEqual(types)
    expect(fullMessages.map(codeOfSdiMessage)).toEqual(['RC', 'NS', 'MC', 'NE', 'DT', 'AT', 'MT', 'EC', 'SE', 'RC', 'NS', 'MC', 'MT'])
    expect(['FPA12', 'FPR12', 'FSM10'].map(sdiVocabularyOfFormat)).toEqual(['PA', 'B2B', 'B2B'])
  })

  it('writes the SDI layout: stylesheet, vocabulary prefix, versione, unqualified children', () => {
    const xml = buildSdiMessage(fullMessages[0] as SdiMessage)
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?><\?xml-stylesheet type="text\/xsl" href="RC_v1.1.xsl"\?>\n<types:RicevutaConsegna xmlns:types="http:\/\/www.fatturapa.gov.it\/sdi\/messaggi\/v1.0" xmlns:ds="http:\/\/www.w3.org\/2000\/09\/xmldsig#" versione="1.0" IntermediarioConDupliceRuolo="Si">\n {4}<IdentificativoSdI>123456789012<\/IdentificativoSdI>/,
    )
    const b2b = buildSdiMessage(fullMessages[12] as SdiMessage, { stylesheet: false, indent: '' })
    expect(b2b).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ns3:FileMetadati xmlns:ns3="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fattura/messaggi/v1.0" versione="1.0"><IdentificativoSdI>725002</IdentificativoSdI><NomeFile>IT02652600210_00007.xml</NomeFile><Hash>ef912599ea43cddf0c9ee59e30e38b2a91f0793ef046e61aa120a9d3ee0b5992</Hash><CodiceDestinatario>ABC1234</CodiceDestinatario><Formato>FSM10</Formato><TentativiInvio>1</TentativiInvio><MessageId>918929440</MessageId><Note>mt</Note></ns3:FileMetadati>\n',
    )
  })

  it('produces messages valid against the official schema (xmllint) and ours, once signed where required', () => {
    const outputs = all.map((message) => {
      const unsigned = buildSdiMessage(message)
      const xml = unsignedTypes.has(message.type) ? unsigned : signMessage(unsigned)
      return { message, bytes: Buffer.from(xml) }
    })
    // EC may also be signed.
    const ec = all.filter((message) => message.type === 'NotificaEsitoCommittente')
    outputs.push(...ec.map((message) => ({ message, bytes: Buffer.from(signMessage(buildSdiMessage(message))) })))
    for (const vocabulary of ['PA', 'B2B'] as const) {
      const mine = outputs.filter((output) => output.message.vocabulary === vocabulary)
      const official = officialVerdicts(
        vocabulary,
        mine.map((output) => output.bytes),
      )
      expect(mine.map((output, index) => [label(output.message), official[index]])).toEqual(
        mine.map((output) => [label(output.message), true]),
      )
      expect(mine.map((output) => [label(output.message), ourVerdict(vocabulary, output.bytes)])).toEqual(
        mine.map((output) => [label(output.message), true]),
      )
      for (const output of mine) expect(validateSdiMessage(output.bytes)).toEqual({ valid: true, vocabulary, issues: [] })
    }
  })

  it('without a signature, the messages whose schema requires one are refused by both schemas', () => {
    const signed = fullMessages.filter((message) => !unsignedTypes.has(message.type))
    for (const vocabulary of ['PA', 'B2B'] as const) {
      const bytes = signed.filter((message) => message.vocabulary === vocabulary).map((message) => Buffer.from(buildSdiMessage(message)))
      expect(officialVerdicts(vocabulary, bytes).every((verdict) => !verdict)).toBe(true)
      expect(bytes.every((document) => !ourVerdict(vocabulary, document))).toBe(true)
    }
  })

  it('embeds a given ds:Signature as the last child', () => {
    const unsigned = buildSdiMessage(fullMessages[1] as SdiMessage)
    const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signMessage(unsigned))?.[0] as string
    const xml = buildSdiMessage(fullMessages[1] as SdiMessage, { signature })
    expect(xml).toMatch(/<\/Note>\n<ds:Signature[\s\S]*<\/ds:Signature>\n<\/types:NotificaScarto>\n$/)
    expect(validateSdiMessage(xml).valid).toBe(true)
  })

  it('round trips: parse(build(m)) deep-equals m for every type, signed or not', () => {
    for (const message of all) {
      const unsigned = buildSdiMessage(message)
      expect(parseSdiMessage(unsigned)).toEqual(message)
      expect(parseSdiMessage(signMessage(unsigned))).toEqual(message)
      expect(parseSdiMessage(buildSdiMessage(message, { indent: '', stylesheet: false }))).toEqual(message)
    }
  })

  it('keeps special characters and line breaks of free text', () => {
    const message = { ...(fullMessages[2] as SdiMessage), Note: 'a < b & c > d\r\nriga "due" \'tre\' ]]> è €' } as SdiMessage
    expect(parseSdiMessage(buildSdiMessage(message))).toEqual(message)
    expect(parseSdiMessage(Buffer.from(buildSdiMessage(message)))).toEqual(message)
  })
})

describe('buildSdiMessage refusals', () => {
  const rc = fullMessages[9] as SdiMessage
  const ns = fullMessages[10] as SdiMessage

  it('requires what the schema requires, even where parsing is lenient', () => {
    const { Hash: _hash, ...noHash } = rc as Extract<SdiMessage, { Hash?: string }>
    expect([buildError(noHash as SdiMessage).code, buildError(noHash as SdiMessage).path]).toEqual([
      'SDI_MESSAGE_FIELD_MISSING',
      '/RicevutaConsegna/Hash',
    ])
    const noCodice = { ...rc, Destinatario: {} } as SdiMessage
    expect(buildError(noCodice).path).toBe('/RicevutaConsegna/Destinatario/Codice')
    const noSuggerimento = { ...ns, ListaErrori: [{ Codice: '00200', Descrizione: 'x' }] } as SdiMessage
    expect(buildError(noSuggerimento).path).toBe('/RicevutaScarto/ListaErrori/Errore[1]/Suggerimento')
    const paRc = { ...(fullMessages[0] as SdiMessage), Destinatario: { Codice: 'UFY9MH' } } as SdiMessage
    expect(buildError(paRc).path).toBe('/RicevutaConsegna/Destinatario/Descrizione')
  })

  it('refuses values that cannot be written', () => {
    expect(buildError({ ...ns, ListaErrori: [] } as SdiMessage).code).toBe('SDI_MESSAGE_INVALID_VALUE')
    expect(buildError({ ...rc, Note: 'bell\u0007' } as SdiMessage).code).toBe('SDI_MESSAGE_INVALID_VALUE')
    expect(buildError({ ...rc, FlussoSemplificato: 'No' } as unknown as SdiMessage).code).toBe('SDI_MESSAGE_INVALID_VALUE')
    expect(buildError({ ...(fullMessages[7] as SdiMessage), Esito: 'EC03' } as unknown as SdiMessage).code).toBe(
      'SDI_MESSAGE_INVALID_VALUE',
    )
    expect(buildError({ ...(fullMessages[6] as SdiMessage), TentativiInvio: 1.5 } as SdiMessage).code).toBe('SDI_MESSAGE_INVALID_VALUE')
    expect(buildError({ ...rc, IdentificativoSdI: 42 } as unknown as SdiMessage).code).toBe('SDI_MESSAGE_INVALID_VALUE')
    expect(buildError({ ...rc, vocabulary: 'PA', type: 'RicevutaScarto' } as unknown as SdiMessage).code).toBe('SDI_MESSAGE_UNKNOWN_ROOT')
  })
})
