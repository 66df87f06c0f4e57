import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { parseSdiMessage, parseSdiMessageFileName, SdiMessageError, sdiMessageFileName } from '../../src/notifications/index.js'
import { reference, referenceFiles } from '../support/reference.js'
import { sdiAttachments } from './pec.js'

const notification = (name: string) => readFileSync(reference('fatturapa', 'notifications', name))
const hash00022 = readFileSync(reference('fatturapa', 'notifications', 'Hash_00022.txt'), 'utf8').trim()

function parseError(input: string | Uint8Array): SdiMessageError {
  try {
    parseSdiMessage(input)
  } catch (error) {
    if (error instanceof SdiMessageError) return error
    throw error
  }
  throw new Error('expected an SdiMessageError')
}

describe('parseSdiMessage on the AdE examples (which fail their own schema)', () => {
  it('reads the RicevutaConsegna', () => {
    expect(parseSdiMessage(notification('ITHVQWPH73P42H501Y_00022_RC_001.xml'))).toEqual({
      vocabulary: 'B2B',
      type: 'RicevutaConsegna',
      IdentificativoSdI: '724999',
      NomeFile: 'ITHVQWPH73P42H501Y_00022.xml',
      Hash: hash00022,
      DataOraRicezione: '2018-06-16T18:34:00.000+02:00',
      DataOraConsegna: '2018-06-16T18:35:42.000+02:00',
      Destinatario: { Codice: '0000000', Descrizione: 'prova@pec.it' },
      MessageId: '1413855',
      Note: '',
    })
  })

  it('reads the RicevutaScarto without Suggerimento, and its variant', () => {
    for (const name of ['ITHVQWPH73P42H501Y_00022_NS_001.xml', 'ITHVQWPH73P42H501Y_00022_NS_001.variant.xml']) {
      const message = parseSdiMessage(notification(name))
      expect(message).toEqual({
        vocabulary: 'B2B',
        type: 'RicevutaScarto',
        IdentificativoSdI: '724999',
        NomeFile: 'ITHVQWPH73P42H501Y_00022.xml',
        Hash: hash00022,
        DataOraRicezione: '2018-06-16T18:34:00.000+02:00',
        ListaErrori: [{ Codice: '00002', Descrizione: 'Nome file duplicato' }],
        MessageId: '1413856',
      })
    }
  })

  it('reads the RicevutaImpossibilitaRecapito with its non-ASCII description', () => {
    const message = parseSdiMessage(notification('ITHVQWPH73P42H501Y_00022_MC_001.xml'))
    if (message.type !== 'RicevutaImpossibilitaRecapito') throw new Error(message.type)
    expect(message).toMatchObject({
      vocabulary: 'B2B',
      IdentificativoSdI: '724999',
      Hash: hash00022,
      DataMessaADisposizione: '2018-06-17',
      MessageId: '1413857',
    })
    expect(message.Descrizione).toContain('“Data Messa a Disposizione”')
  })

  it('reads the unsigned FileMetadati (CRLF file)', () => {
    expect(parseSdiMessage(notification('ITHVQWPH73P42H501Y_00022_MT_001.xml'))).toEqual({
      vocabulary: 'B2B',
      type: 'FileMetadati',
      IdentificativoSdI: '724999',
      NomeFile: 'ITHVQWPH73P42H501Y_00022.xml',
      Hash: hash00022,
      CodiceDestinatario: '0000000',
      Formato: 'FPR12',
      TentativiInvio: 1,
      MessageId: '918929440',
    })
  })

  it('refuses the invoices of the same folder with UNKNOWN_ROOT', () => {
    const invoices = referenceFiles('fatturapa/notifications').filter((file) => /_[0-9X]{5}\.xml$/.test(file))
    expect(invoices.length).toBe(2)
    for (const file of invoices) expect(parseError(readFileSync(file)).code).toBe('SDI_MESSAGE_UNKNOWN_ROOT')
  })
})

describe('parseSdiMessage on messages carried by real PEC deliveries', () => {
  const attachments = referenceFiles('fatturapa/pec').flatMap((file) => sdiAttachments(file))

  it('finds the three SDI messages (7bit, quoted-printable, base64) and the broken copy', () => {
    expect(attachments.map((attachment) => attachment.fileName).sort()).toEqual([
      'IT02652600210_00007_MT_002.xml',
      'IT02652600210_00007_MT_002.xml',
      'IT03339130126_00009_RC_003.xml',
      'IT14627831002_02621_MC_001.xml',
    ])
  })

  it('reads each one with the expected fields, tolerating what the schema would refuse', () => {
    const parsed = new Map(attachments.map((attachment) => [attachment.fileName, parseSdiMessage(attachment.bytes)]))
    // Test environment metadata: no Hash, no CodiceDestinatario.
    expect(parsed.get('IT02652600210_00007_MT_002.xml')).toEqual({
      vocabulary: 'B2B',
      type: 'FileMetadati',
      IdentificativoSdI: '7339338',
      NomeFile: 'IT02652600210_00007.xml',
      Formato: 'FPR12',
      TentativiInvio: 1,
      MessageId: '1809491993',
    })
    // Production receipt: empty Destinatario, no Hash, signature with a ds prefix other than the root's.
    expect(parsed.get('IT03339130126_00009_RC_003.xml')).toEqual({
      vocabulary: 'B2B',
      type: 'RicevutaConsegna',
      IdentificativoSdI: '6782414',
      NomeFile: 'IT03339130126_00009.xml',
      DataOraRicezione: '2018-11-13T16:47:26.000+01:00',
      DataOraConsegna: '2018-11-13T16:47:32.000+01:00',
      Destinatario: {},
      MessageId: '1269788243',
    })
    expect(parsed.get('IT14627831002_02621_MC_001.xml')).toMatchObject({
      vocabulary: 'B2B',
      type: 'RicevutaImpossibilitaRecapito',
      IdentificativoSdI: '141107829',
      NomeFile: 'IT14627831002_02621.xml',
      Hash: '91e8b555478dfe9b2ea8fe6223e63ebcbc15f4f95a123d908de14fdb97228c1f',
      DataMessaADisposizione: '2019-01-05',
      PecMessageId: 'opec2891.20190104200105.26626.212.1.62@pec.aruba.it',
      Note: '',
    })
  })

  it('file names of PEC attachments tell the message kind', () => {
    expect(attachments.map((attachment) => parseSdiMessageFileName(attachment.fileName)?.code).sort()).toEqual(['MC', 'MT', 'MT', 'RC'])
  })
})

describe('parseSdiMessage leniency', () => {
  const b2b = 'http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fattura/messaggi/v1.0'
  const pa = 'http://www.fatturapa.gov.it/sdi/messaggi/v1.0'

  it('accepts any prefix or a default namespace, unknown elements, any order and surrounding whitespace', () => {
    const xml = `<FileMetadati xmlns="${b2b}"><Extra>x</Extra><MessageId> 9 </MessageId><Formato>FPR12</Formato>
      <NomeFile>\n IT01234567890_1.xml </NomeFile><TentativiInvio> 3 </TentativiInvio><IdentificativoSdI>77</IdentificativoSdI></FileMetadati>`
    expect(parseSdiMessage(xml)).toEqual({
      vocabulary: 'B2B',
      type: 'FileMetadati',
      IdentificativoSdI: '77',
      NomeFile: 'IT01234567890_1.xml',
      Formato: 'FPR12',
      TentativiInvio: 3,
      MessageId: '9',
    })
  })

  it('dispatches on the namespace: the same root name gives the PA or the B2B receipt', () => {
    const body =
      '<IdentificativoSdI>1</IdentificativoSdI><NomeFile>f.xml</NomeFile><DataOraRicezione>2024-01-01T00:00:00Z</DataOraRicezione><DataOraConsegna>2024-01-01T00:00:01Z</DataOraConsegna><Destinatario><Codice>UFY9MH</Codice><Descrizione>Ufficio</Descrizione></Destinatario><MessageId>1</MessageId>'
    expect(
      parseSdiMessage(`<p:RicevutaConsegna xmlns:p="${pa}" IntermediarioConDupliceRuolo="Si">${body}</p:RicevutaConsegna>`),
    ).toMatchObject({
      vocabulary: 'PA',
      IntermediarioConDupliceRuolo: 'Si',
    })
    expect(parseSdiMessage(`<q:RicevutaConsegna xmlns:q="${b2b}" FlussoSemplificato="Si">${body}</q:RicevutaConsegna>`)).toMatchObject({
      vocabulary: 'B2B',
      FlussoSemplificato: 'Si',
    })
  })

  it('reads a UTF-8 BOM, UTF-16 and a windows-1252 declaration', () => {
    const xml = (encoding: string) =>
      `<?xml version="1.0" encoding="${encoding}"?><n:NotificaMancataConsegna xmlns:n="${pa}"><IdentificativoSdI>5</IdentificativoSdI><NomeFile>f.xml</NomeFile><DataOraRicezione>2024-01-01T00:00:00Z</DataOraRicezione><Descrizione>Città €</Descrizione><MessageId>1</MessageId></n:NotificaMancataConsegna>`
    const expected = { type: 'NotificaMancataConsegna', Descrizione: 'Città €' }
    expect(parseSdiMessage(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml('UTF-8'))]))).toMatchObject(expected)
    expect(parseSdiMessage(Buffer.from(`\ufeff${xml('UTF-16')}`, 'utf16le'))).toMatchObject(expected)
    // windows-1252: 'à' is 0xE0 as in latin1, '€' is 0x80.
    expect(parseSdiMessage(Buffer.from(xml('windows-1252').replace('€', '\x80'), 'latin1'))).toMatchObject(expected)
    // A string is already decoded: its declared encoding is ignored.
    expect(parseSdiMessage(`\ufeff${xml('windows-1252')}`)).toMatchObject(expected)
  })

  it('reads the embedded EsitoCommittente of a NotificaEsito', () => {
    const xml = `<types:NotificaEsito xmlns:types="${pa}" versione="1.0"><IdentificativoSdI>12</IdentificativoSdI><NomeFile>f.xml</NomeFile>
      <EsitoCommittente versione="1.0"><IdentificativoSdI>12</IdentificativoSdI><RiferimentoFattura><NumeroFattura>1/A</NumeroFattura><AnnoFattura>2024</AnnoFattura></RiferimentoFattura><Esito>EC02</Esito></EsitoCommittente>
      <MessageId>3</MessageId></types:NotificaEsito>`
    expect(parseSdiMessage(xml)).toEqual({
      vocabulary: 'PA',
      type: 'NotificaEsito',
      IdentificativoSdI: '12',
      NomeFile: 'f.xml',
      EsitoCommittente: { IdentificativoSdI: '12', RiferimentoFattura: { NumeroFattura: '1/A', AnnoFattura: 2024 }, Esito: 'EC02' },
      MessageId: '3',
    })
  })
})

describe('parseSdiMessage errors', () => {
  const pa = 'http://www.fatturapa.gov.it/sdi/messaggi/v1.0'

  it('broken XML gives SDI_MESSAGE_MALFORMED', () => {
    expect(parseError(readFileSync(reference('fatturapa', 'invalid', 'malformed.xml'))).code).toBe('SDI_MESSAGE_MALFORMED')
    expect(parseError('<a><b></a>').code).toBe('SDI_MESSAGE_MALFORMED')
    expect(parseError('').code).toBe('SDI_MESSAGE_MALFORMED')
    expect(parseError(new Uint8Array([0xff, 0xfe, 0x00])).code).toBe('SDI_MESSAGE_MALFORMED')
  })

  it('refuses DTDs and entities, including every malicious reference file', () => {
    expect(
      parseError(
        `<!DOCTYPE x [<!ENTITY e "1">]><t:MetadatiInvioFile xmlns:t="${pa}"><IdentificativoSdI>&e;</IdentificativoSdI></t:MetadatiInvioFile>`,
      ).code,
    ).toBe('SDI_MESSAGE_DTD_FORBIDDEN')
    for (const file of referenceFiles('fatturapa/malicious')) {
      // The jumbo files are invoices without a DTD: parsed, then refused by their root.
      const expected = basename(file).startsWith('jumbo_') ? 'SDI_MESSAGE_UNKNOWN_ROOT' : 'SDI_MESSAGE_DTD_FORBIDDEN'
      expect([basename(file), parseError(readFileSync(file)).code]).toEqual([basename(file), expected])
    }
  })

  it('an unknown root or namespace gives SDI_MESSAGE_UNKNOWN_ROOT', () => {
    expect(parseError(`<t:Fattura xmlns:t="${pa}"/>`).code).toBe('SDI_MESSAGE_UNKNOWN_ROOT')
    expect(parseError('<RicevutaConsegna><IdentificativoSdI>1</IdentificativoSdI></RicevutaConsegna>').code).toBe(
      'SDI_MESSAGE_UNKNOWN_ROOT',
    )
    // NotificaScarto is a PA root only.
    expect(parseError('<x:NotificaScarto xmlns:x="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fattura/messaggi/v1.0"/>').code).toBe(
      'SDI_MESSAGE_UNKNOWN_ROOT',
    )
    expect(parseError(readFileSync(reference('fatturapa', 'samples', 'IT01234567890_FSM10.xml'))).code).toBe('SDI_MESSAGE_UNKNOWN_ROOT')
  })

  it('missing required fields and bad values are typed errors with a path', () => {
    const missing = parseError(`<t:MetadatiInvioFile xmlns:t="${pa}"><IdentificativoSdI>1</IdentificativoSdI></t:MetadatiInvioFile>`)
    expect([missing.code, missing.path]).toEqual(['SDI_MESSAGE_FIELD_MISSING', '/MetadatiInvioFile/NomeFile'])
    const esito = parseError(
      `<t:NotificaEsitoCommittente xmlns:t="${pa}"><IdentificativoSdI>1</IdentificativoSdI><Esito>EC03</Esito></t:NotificaEsitoCommittente>`,
    )
    expect([esito.code, esito.path]).toEqual(['SDI_MESSAGE_INVALID_VALUE', '/NotificaEsitoCommittente/Esito'])
    const count = parseError(
      `<t:MetadatiInvioFile xmlns:t="${pa}"><IdentificativoSdI>1</IdentificativoSdI><NomeFile>f</NomeFile><CodiceDestinatario>UFY9MH</CodiceDestinatario><Formato>FPA12</Formato><TentativiInvio>due</TentativiInvio><MessageId>1</MessageId></t:MetadatiInvioFile>`,
    )
    expect([count.code, count.path]).toEqual(['SDI_MESSAGE_INVALID_VALUE', '/MetadatiInvioFile/TentativiInvio'])
  })
})

describe('SDI message file names', () => {
  it('recognises every message code and ignores invoices', () => {
    expect(parseSdiMessageFileName('IT01234567890_11111_RC_001.xml')).toEqual({
      fileBase: 'IT01234567890_11111',
      code: 'RC',
      progressivo: '001',
    })
    expect(parseSdiMessageFileName('/tmp/in/ITHVQWPH73P42H501Y_00022_NS_001.xml')?.code).toBe('NS')
    for (const code of ['RC', 'NS', 'MC', 'NE', 'DT', 'AT', 'EC', 'SE', 'MT']) {
      expect(parseSdiMessageFileName(`IT01234567890_ab1Z9_${code}_a1Z.xml`)?.code).toBe(code)
    }
    expect(parseSdiMessageFileName('IT01234567890_11111.xml')).toBeUndefined()
    expect(parseSdiMessageFileName('IT01234567890_11111_XX_001.xml')).toBeUndefined()
    expect(parseSdiMessageFileName('IT01234567890_11111_RC_0001.xml')).toBeUndefined()
    expect(parseSdiMessageFileName('IT01234567890_11111_RC_001.xml.p7m')).toBeUndefined()
  })

  it('names a message after the received file, without extension, truncated to 36 characters', () => {
    expect(sdiMessageFileName('IT01234567890_11111.xml.p7m', 'RC', 1)).toBe('IT01234567890_11111_RC_001.xml')
    expect(sdiMessageFileName('ITAAABBB99T99X999W_00001.zip', 'NS', '1')).toBe('ITAAABBB99T99X999W_00001_NS_1.xml')
    expect(sdiMessageFileName(`${'A'.repeat(40)}.xml`, 'NS', 1)).toBe(`${'A'.repeat(36)}_NS_001.xml`)
    expect(() => sdiMessageFileName('a.xml', 'RC', 1000)).toThrow(SdiMessageError)
  })
})
