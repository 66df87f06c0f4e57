import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { buildSoapRequest, parseSoapHttp, parseSoapMessage, SoapError, type SoapErrorCode } from '../src/index.js'
import { reference } from './support.js'

const soap11 = 'http://schemas.xmlsoap.org/soap/envelope/'
const types = 'http://www.fatturapa.gov.it/sdi/ws/trasmissione/v1.0/types'
const valid = buildSoapRequest('SdIRiceviFile.RiceviFile', { NomeFile: 'IT01234567890_00001.xml', File: Buffer.from('fattura') }).xml
const body = valid.replace(/^.*<soapenv:Body>/, '').replace(/<\/soapenv:Body>.*$/, '')

/** The error code of a parse, which must also be fast: hostile input is refused, not processed. */
function codeOf(input: string | Uint8Array): SoapErrorCode {
  const started = performance.now()
  try {
    parseSoapMessage(input, { service: 'SdIRiceviFile' })
  } catch (error) {
    // A hang guard against expansion attacks, not a speed target.
    expect(performance.now() - started).toBeLessThan(10_000)
    if (error instanceof SoapError) return error.code
    throw error
  }
  throw new Error('parsed hostile input')
}

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE soapenv:Envelope [
 <!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<soapenv:Envelope xmlns:soapenv="${soap11}"><soapenv:Body><t:fileSdIAccoglienza xmlns:t="${types}"><NomeFile>&i;</NomeFile><File>QQ==</File></t:fileSdIAccoglienza></soapenv:Body></soapenv:Envelope>`

describe('hostile SOAP input', () => {
  it('refuses DOCTYPEs: external entities (XXE), billion laughs, DOCTYPE after comments, UTF-16', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><soapenv:Envelope xmlns:soapenv="${soap11}"><soapenv:Body><t:fileSdIAccoglienza xmlns:t="${types}"><NomeFile>&xxe;</NomeFile><File>QQ==</File></t:fileSdIAccoglienza></soapenv:Body></soapenv:Envelope>`
    expect(codeOf(xxe)).toBe('SOAP_DTD_FORBIDDEN')
    expect(codeOf(billionLaughs)).toBe('SOAP_DTD_FORBIDDEN')
    expect(codeOf(Buffer.from(billionLaughs))).toBe('SOAP_DTD_FORBIDDEN')
    expect(
      codeOf(
        `<?xml version="1.0"?><!-- hi --><?pi x?>\n<!DOCTYPE soapenv:Envelope SYSTEM "http://127.0.0.1:9/x.dtd">${valid.slice(valid.indexOf('<soapenv:Envelope'))}`,
      ),
    ).toBe('SOAP_DTD_FORBIDDEN')
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(billionLaughs.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>'), 'utf16le'),
    ])
    expect(codeOf(utf16)).toBe('SOAP_DTD_FORBIDDEN')
  })

  it('refuses every file of the shared malicious corpus', () => {
    const folder = reference('fatturapa', 'malicious')
    for (const name of readdirSync(folder)) {
      expect([name, codeOf(readFileSync(`${folder}/${name}`))]).toEqual([name, expect.stringMatching(/^SOAP_(DTD_FORBIDDEN|MALFORMED)$/)])
    }
  })

  it('refuses undeclared entities and absurd nesting as malformed', () => {
    expect(codeOf(valid.replace('IT01234567890_00001.xml', '&lol9;'))).toBe('SOAP_MALFORMED')
    const deep = `<soapenv:Envelope xmlns:soapenv="${soap11}"><soapenv:Body>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</soapenv:Body></soapenv:Envelope>`
    expect(codeOf(deep)).toBe('SOAP_MALFORMED')
  })

  it('refuses SOAP 1.2 envelopes and media type', () => {
    const soap12 = valid.replace(soap11, 'http://www.w3.org/2003/05/soap-envelope')
    expect(codeOf(soap12)).toBe('SOAP_VERSION_MISMATCH')
    expect(() => parseSoapHttp('application/soap+xml; charset=utf-8', Buffer.from(valid), { service: 'SdIRiceviFile' })).toThrow(
      expect.objectContaining({ code: 'SOAP_VERSION_MISMATCH' }),
    )
    expect(codeOf(valid.replace(soap11, 'urn:not-soap'))).toBe('SOAP_VERSION_MISMATCH')
  })

  it('refuses a 10 MB body before parsing it', () => {
    const huge = valid.replace('<File>', `<File>${'A'.repeat(10 * 1024 * 1024)}`)
    const hugeBytes = Buffer.from(huge)
    const started = performance.now()
    expect(codeOf(huge)).toBe('SOAP_TOO_LARGE')
    expect(codeOf(hugeBytes)).toBe('SOAP_TOO_LARGE')
    expect(performance.now() - started).toBeLessThan(10_000)
    expect(() => parseSoapMessage(valid, { service: 'SdIRiceviFile' }, { maxBytes: 100 })).toThrow(
      expect.objectContaining({ code: 'SOAP_TOO_LARGE' }),
    )
  })

  it('refuses garbage and broken envelopes with typed errors', () => {
    for (const garbage of [
      '',
      '   ',
      'hello',
      '<',
      '{"json":true}',
      randomBytes(4096),
      Buffer.from([0, 0, 0, 0]),
      valid.slice(0, valid.length / 2),
    ]) {
      expect(codeOf(garbage)).toBe('SOAP_MALFORMED')
    }
    const envelope = (inner: string) => `<soapenv:Envelope xmlns:soapenv="${soap11}">${inner}</soapenv:Envelope>`
    expect(codeOf(body)).toBe('SOAP_MALFORMED')
    expect(codeOf(envelope(''))).toBe('SOAP_MALFORMED')
    expect(codeOf(envelope('<soapenv:Header/>'))).toBe('SOAP_MALFORMED')
    expect(codeOf(envelope('<soapenv:Body/>'))).toBe('SOAP_MALFORMED')
    expect(codeOf(envelope(`<soapenv:Body>${body}${body}</soapenv:Body>`))).toBe('SOAP_MALFORMED')
    expect(codeOf(envelope(`<soapenv:Body>text${body}</soapenv:Body>`))).toBe('SOAP_MALFORMED')
    expect(codeOf(envelope(`<soapenv:Body>${body}</soapenv:Body><x/>`))).toBe('SOAP_MALFORMED')
    expect(codeOf(envelope(`<Body>${body}</Body>`))).toBe('SOAP_MALFORMED')
    expect(codeOf(envelope('<soapenv:Body><x:RiceviFile xmlns:x="urn:other"/></soapenv:Body>'))).toBe('SOAP_UNKNOWN_OPERATION')
    expect(codeOf(envelope('<soapenv:Body><soapenv:Fault><faultstring>x</faultstring></soapenv:Fault></soapenv:Body>'))).toBe(
      'SOAP_MALFORMED',
    )
  })

  it('reports schema violations as SOAP_BODY_INVALID with the messages', () => {
    const error = (() => {
      try {
        parseSoapMessage(valid.replace('<File>ZmF0dHVyYQ==</File>', '<File>not base64!</File>'), { service: 'SdIRiceviFile' })
      } catch (caught) {
        return caught as SoapError
      }
      throw new Error('accepted')
    })()
    expect(error.code).toBe('SOAP_BODY_INVALID')
    expect(error.details[0]).toMatch(/base64Binary/)
  })
})
