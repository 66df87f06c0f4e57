import { describe, expect, it } from '@jest/globals'
import {
  buildSoapRequest,
  buildSoapResponse,
  decodeMtom,
  encodeMtom,
  type FileSdIConMetadati,
  parseMediaType,
  parseSoapHttp,
  parseSoapMessage,
  SoapError,
  splitMultipart,
} from '../src/index.js'
import { binary } from './support.js'

const metadata: FileSdIConMetadati = {
  IdentificativoSdI: '123456789',
  NomeFile: 'IT01234567890_00001.xml.p7m',
  File: binary,
  NomeFileMetadati: 'IT01234567890_00001_MT_001.xml',
  Metadati: Buffer.from('<MetadatiInvioFile>\r\n--uuid:not-the-boundary\r\n</MetadatiInvioFile>'),
}

function codeOf(action: () => unknown): string {
  try {
    action()
  } catch (error) {
    if (error instanceof SoapError) return error.code
    throw error
  }
  return 'no error'
}

describe('MTOM/XOP', () => {
  it('round-trips binaries that contain CRLF and boundary-like text', () => {
    const envelope = buildSoapRequest('RicezioneFatture.RiceviFatture', metadata)
    const mtom = encodeMtom(envelope.xml)
    const media = parseMediaType(mtom.contentType)
    expect(media.type).toBe('multipart/related')
    expect(media.params.type).toBe('application/xop+xml')
    expect(media.params['start-info']).toBe('text/xml')
    // The binaries travel raw, not base64.
    expect(mtom.body.includes(binary)).toBe(true)
    expect(mtom.body.includes(binary.toString('base64'))).toBe(false)
    expect(mtom.body.toString('latin1')).toMatch(/<xop:Include [^>]*href="cid:1\.[^"]+"/)
    const xml = decodeMtom(mtom.contentType, mtom.body)
    expect(parseSoapMessage(xml, { service: 'RicezioneFatture' })).toEqual({
      kind: 'request',
      operation: 'RicezioneFatture.RiceviFatture',
      body: metadata,
    })
    expect(parseSoapHttp(mtom.contentType, mtom.body, { operation: 'RicezioneFatture.RiceviFatture' })).toMatchObject({ body: metadata })
  })

  it('round-trips with a chosen boundary that the content imitates, and refuses one the content contains', () => {
    const file = Buffer.concat([Buffer.from('\r\n--MIMEBoundaryX\r\n--MIMEBoundary_'), binary, Buffer.from('\r\n--MIMEBoundary')])
    const envelope = buildSoapResponse('SdIRiceviNotifica.NotificaEsito', {
      Esito: 'ES00',
      ScartoEsito: { NomeFile: 'IT01234567890_00001_SE_001.xml', File: file },
    })
    expect(() => encodeMtom(envelope.xml, { boundary: 'MIMEBoundary' })).toThrow(/occurs in the content/)
    // "--MIMEBoundar" is a prefix of the look-alikes, so the content holds it too.
    expect(() => encodeMtom(envelope.xml, { boundary: 'MIMEBoundar' })).toThrow(/occurs in the content/)
    // The content ends with "\r\n--MIMEBoundary" right before the real "\r\n--MIMEBoundaryZ" delimiter.
    const mtom = encodeMtom(envelope.xml, { boundary: 'MIMEBoundaryZ' })
    expect(mtom.contentType).toContain('boundary="MIMEBoundaryZ"')
    expect(parseSoapHttp(mtom.contentType, mtom.body, { operation: 'SdIRiceviNotifica.NotificaEsito' })).toEqual({
      kind: 'response',
      operation: 'SdIRiceviNotifica.NotificaEsito',
      body: { Esito: 'ES00', ScartoEsito: { NomeFile: 'IT01234567890_00001_SE_001.xml', File: file } },
    })
  })

  it('decodes a production-like SDI answer: preamble, quoted boundary, Content-ID in angle brackets', () => {
    const se = Buffer.concat([Buffer.from('<?xml version="1.0"?>\r\n<ScartoEsitoCommittente/>\r\n'), binary])
    const boundary = 'uuid:6b62cda8-3d85-4a1d-a1a1-0c2cb4b0bc33'
    const body = Buffer.concat([
      Buffer.from(
        'This is a multi-part message in MIME format.\r\n' +
          `--${boundary}\r\n` +
          'Content-Type: application/xop+xml; charset=UTF-8; type="text/xml"\r\n' +
          'Content-Transfer-Encoding: binary\r\n' +
          'Content-ID: <root.message@cxf.apache.org>\r\n' +
          '\r\n' +
          '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
          '<ns2:rispostaSdINotificaEsito xmlns:ns2="http://www.fatturapa.gov.it/sdi/ws/ricezione/v1.0/types"><Esito>ES00</Esito>' +
          '<ScartoEsito><NomeFile>IT01234567890_00001_SE_001.xml</NomeFile><File>' +
          '<xop:Include xmlns:xop="http://www.w3.org/2004/08/xop/include" href="cid:ae5f1e5e-6f4e-4a0e-9a3f-3c3e8e6b1d2a-2@www.fatturapa.gov.it"/>' +
          '</File></ScartoEsito></ns2:rispostaSdINotificaEsito></soap:Body></soap:Envelope>\r\n' +
          `--${boundary}\r\n` +
          'Content-Type: application/octet-stream\r\n' +
          'Content-Transfer-Encoding: binary\r\n' +
          'Content-ID: <ae5f1e5e-6f4e-4a0e-9a3f-3c3e8e6b1d2a-2@www.fatturapa.gov.it>\r\n' +
          '\r\n',
        'latin1',
      ),
      se,
      Buffer.from(`\r\n--${boundary}--\r\nepilogue\r\n`, 'latin1'),
    ])
    const contentType = `multipart/related; type="application/xop+xml"; boundary="${boundary}"; start="<root.message@cxf.apache.org>"; start-info="text/xml"`
    expect(parseSoapHttp(contentType, body, { operation: 'SdIRiceviNotifica.NotificaEsito' })).toEqual({
      kind: 'response',
      operation: 'SdIRiceviNotifica.NotificaEsito',
      body: { Esito: 'ES00', ScartoEsito: { NomeFile: 'IT01234567890_00001_SE_001.xml', File: se } },
    })
  })

  it('decodes variants: bare Content-IDs, URL-encoded cid, base64 parts, LF line ends, no start, root not first', () => {
    const root =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><t:fileSdIAccoglienza xmlns:t="http://www.fatturapa.gov.it/sdi/ws/trasmissione/v1.0/types">' +
      '<NomeFile>IT01234567890_00001.xml</NomeFile><File><inc:Include xmlns:inc="http://www.w3.org/2004/08/xop/include" href="cid:file%40example"/></File>' +
      '</t:fileSdIAccoglienza></s:Body></s:Envelope>'
    const payload = Buffer.from('fattura\r\n--b1\r\n')
    const attachment = `Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\nContent-ID: file@example\n\n${payload.toString('base64').replace(/(.{4})/g, '$1\n')}`
    const rootPart = `Content-Type: application/xop+xml;\n type="text/xml"\nContent-ID: <root>\n\n${root}`
    const lf = Buffer.from(`--b1\n${attachment}\n--b1\n${rootPart}\n--b1--`, 'latin1')
    const expected = {
      kind: 'request',
      operation: 'SdIRiceviFile.RiceviFile',
      body: { NomeFile: 'IT01234567890_00001.xml', File: payload },
    }
    expect(
      parseSoapHttp('Multipart/Related; boundary=b1; start=root; type="application/xop+xml"', lf, { service: 'SdIRiceviFile' }),
    ).toEqual(expected)
    const firstIsRoot = Buffer.from(
      `--b1\r\n${rootPart.replace(/\n/g, '\r\n')}\r\n--b1\r\n${attachment.replace(/\n/g, '\r\n')}\r\n--b1--\r\n`,
      'latin1',
    )
    expect(parseSoapHttp('multipart/related;boundary="b1"', firstIsRoot, { service: 'SdIRiceviFile' })).toEqual(expected)
  })

  it('splits parts only at real delimiters', () => {
    const body = Buffer.from('--b\r\n\r\none\r\n--bb\r\n--b \t\r\nX-A: 1\r\n\r\ntwo--b\r\n--b--')
    expect(splitMultipart(body, 'b').map((part) => [part.headers, part.body.toString()])).toEqual([
      [{}, 'one\r\n--bb'],
      [{ 'x-a': '1' }, 'two--b'],
    ])
  })

  it('refuses broken packages with SOAP_MTOM_INVALID', () => {
    const ok = encodeMtom(buildSoapRequest('SdIRiceviFile.RiceviFile', { NomeFile: 'IT01234567890_00001.xml', File: Buffer.from('x') }).xml)
    const boundary = parseMediaType(ok.contentType).params.boundary as string
    expect(codeOf(() => decodeMtom('multipart/related', ok.body))).toBe('SOAP_MTOM_INVALID')
    expect(codeOf(() => decodeMtom(ok.contentType, ok.body.subarray(0, ok.body.length - 10)))).toBe('SOAP_MTOM_INVALID')
    expect(codeOf(() => decodeMtom(ok.contentType.replace(boundary, 'other'), ok.body))).toBe('SOAP_MTOM_INVALID')
    expect(codeOf(() => decodeMtom(ok.contentType.replace(/start="[^"]+"/, 'start="<missing>"'), ok.body))).toBe('SOAP_MTOM_INVALID')
    const missingPart = Buffer.from(ok.body.toString('latin1').replace(/href="cid:[^"]+"/, 'href="cid:nowhere"'), 'latin1')
    expect(codeOf(() => decodeMtom(ok.contentType, missingPart))).toBe('SOAP_MTOM_INVALID')
    expect(codeOf(() => decodeMtom(ok.contentType.replace('text/xml', 'application/soap+xml'), ok.body))).toBe('SOAP_VERSION_MISMATCH')
    expect(codeOf(() => decodeMtom(ok.contentType, ok.body, { maxBytes: 10 }))).toBe('SOAP_TOO_LARGE')
    const doctype = Buffer.from(
      ok.body.toString('latin1').replace('<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE x [<!ENTITY a "b">]>'),
      'latin1',
    )
    expect(codeOf(() => decodeMtom(ok.contentType, doctype))).toBe('SOAP_DTD_FORBIDDEN')
    expect(codeOf(() => parseSoapHttp('application/json', ok.body, { service: 'SdIRiceviFile' }))).toBe('SOAP_UNSUPPORTED_MEDIA_TYPE')
  })

  it('refuses a package whose one part is referenced again and again (bounded inlining)', () => {
    const part = Buffer.alloc(64 * 1024, 7)
    const ok = encodeMtom(buildSoapRequest('SdIRiceviFile.RiceviFile', { NomeFile: 'IT01234567890_00001.xml', File: part }).xml)
    const include = /<xop:Include [^>]*\/>/.exec(ok.body.toString('latin1'))?.[0] as string
    // The same attachment named 40 times: 2.5 MB of base64 out of a 90 kB package.
    const amplified = Buffer.from(ok.body.toString('latin1').replace(include, include.repeat(40)), 'latin1')
    expect(codeOf(() => decodeMtom(ok.contentType, amplified, { maxBytes: 1024 * 1024 }))).toBe('SOAP_TOO_LARGE')
    expect(() => decodeMtom(ok.contentType, ok.body, { maxBytes: 1024 * 1024 })).not.toThrow()
  })
})
