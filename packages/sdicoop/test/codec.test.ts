import { describe, expect, it } from '@jest/globals'
import {
  buildSoapFault,
  buildSoapRequest,
  buildSoapResponse,
  type FileSdI,
  type OperationId,
  Operations,
  operationIds,
  parseSoapMessage,
  SoapError,
  soapActionHeader,
  soapActionOf,
  soapFaultFromError,
  type TwoWayOperation,
} from '../src/index.js'
import { samples } from './support.js'

function thrown(action: () => unknown): SoapError {
  try {
    action()
  } catch (error) {
    if (error instanceof SoapError) return error
    throw error
  }
  throw new Error('expected a SoapError')
}

const fileSdI: FileSdI = { IdentificativoSdI: '42', NomeFile: 'IT01234567890_00001_NE_001.xml', File: Buffer.from('esito') }

describe('SDICoop envelopes', () => {
  it.each(samples.map((sample, index) => [`#${index} ${sample.operation} ${sample.kind}`, sample] as const))(
    'round-trips %s',
    (_, sample) => {
      const envelope =
        sample.kind === 'request'
          ? buildSoapRequest(sample.operation, sample.body as never)
          : buildSoapResponse(sample.operation as TwoWayOperation, sample.body as never)
      expect(envelope.xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true)
      expect(envelope.soapAction).toBe(Operations[sample.operation].soapAction)
      expect(envelope.contentType).toBe('text/xml; charset=utf-8')
      const bytes = Buffer.from(envelope.xml, 'utf8')
      const byOperation = parseSoapMessage(
        bytes,
        { operation: sample.operation, kind: sample.kind },
        { soapAction: envelope.soapActionHeader },
      )
      expect(byOperation).toEqual({ kind: sample.kind, operation: sample.operation, body: sample.body })
      // Dispatch by service alone finds the same operation (element names are unique within a service).
      expect(parseSoapMessage(envelope.xml, { service: sample.service })).toEqual(byOperation)
    },
  )

  it('uses the SOAPAction URIs of the WSDL bindings', () => {
    expect(soapActionOf('SdIRiceviFile.RiceviFile')).toBe('http://www.fatturapa.it/SdIRiceviFile/RiceviFile')
    expect(soapActionOf('SdIRiceviNotifica.NotificaEsito')).toBe('http://www.fatturapa.it/SdIRicezioneNotifiche/NotificaEsito')
    expect(soapActionOf('TrasmissioneFatture.AttestazioneTrasmissioneFattura')).toBe(
      'http://www.fatturapa.it/TrasmissioneFatture/AttestazioneTrasmissioneFattura',
    )
    expect(soapActionOf('RicezioneFatture.RiceviFatture')).toBe('http://www.fatturapa.it/RicezioneFatture/RiceviFattureSdI')
    expect(soapActionOf('RicezioneFatture.NotificaDecorrenzaTermini')).toBe(
      'http://www.fatturapa.it/RicezioneFatture/NotificaDecorrenzaTermini',
    )
    expect(soapActionHeader('SdIRiceviFile.RiceviFile')).toBe('"http://www.fatturapa.it/SdIRiceviFile/RiceviFile"')
    expect(operationIds).toHaveLength(10)
  })

  it('writes unqualified children under a prefixed body element, binaries in base64', () => {
    const { xml } = buildSoapRequest('TrasmissioneFatture.NotificaScarto', fileSdI)
    expect(xml).toContain(
      '<types:notificaScarto xmlns:types="http://www.fatturapa.gov.it/sdi/ws/trasmissione/v1.0/types"><IdentificativoSdI>42</IdentificativoSdI><NomeFile>IT01234567890_00001_NE_001.xml</NomeFile><File>ZXNpdG8=</File></types:notificaScarto>',
    )
  })

  it('tells the same element apart by service: fileSdI is NotificaEsito for SdIRiceviNotifica, DT for RicezioneFatture', () => {
    const { xml } = buildSoapRequest('RicezioneFatture.NotificaDecorrenzaTermini', fileSdI)
    expect(
      parseSoapMessage(xml, { service: 'SdIRiceviNotifica' }).kind === 'request' && parseSoapMessage(xml, { service: 'SdIRiceviNotifica' }),
    ).toMatchObject({
      operation: 'SdIRiceviNotifica.NotificaEsito',
    })
    expect(parseSoapMessage(xml, { service: 'RicezioneFatture' })).toMatchObject({
      operation: 'RicezioneFatture.NotificaDecorrenzaTermini',
    })
  })

  it('carries the largest invoice SDI accepts (5 MB)', () => {
    const large = Buffer.alloc(5 * 1024 * 1024, 0xa7)
    const { xml } = buildSoapRequest('SdIRiceviFile.RiceviFile', { NomeFile: 'IT01234567890_00001.xml', File: large })
    const message = parseSoapMessage(xml, { operation: 'SdIRiceviFile.RiceviFile' })
    expect(message.kind === 'request' && message.body.File.equals(large)).toBe(true)
  })

  it('types the body by operation (checked by tsc on the tests)', () => {
    const xml = buildSoapRequest('RicezioneFatture.RiceviFatture', {
      IdentificativoSdI: '7',
      NomeFile: 'IT01234567890_00001.xml',
      File: Buffer.from('f'),
      NomeFileMetadati: 'IT01234567890_00001_MT_001.xml',
      Metadati: Buffer.from('m'),
    }).xml
    const message = parseSoapMessage(xml, { service: 'RicezioneFatture' })
    let metadati: Buffer | undefined
    if (message.kind === 'request' && message.operation === 'RicezioneFatture.RiceviFatture') metadati = message.body.Metadati
    expect(metadati?.toString()).toBe('m')
  })

  it('canonicalizes IdentificativoSdI and keeps DataOraRicezione as sent', () => {
    const xml = buildSoapResponse('SdIRiceviFile.RiceviFile', {
      IdentificativoSdI: '000123',
      DataOraRicezione: '2026-11-03T10:15:30.000+01:00',
    }).xml
    const message = parseSoapMessage(xml, { operation: 'SdIRiceviFile.RiceviFile' })
    expect(message).toEqual({
      kind: 'response',
      operation: 'SdIRiceviFile.RiceviFile',
      body: { IdentificativoSdI: '123', DataOraRicezione: '2026-11-03T10:15:30.000+01:00' },
    })
  })

  it('refuses to build bodies the types reject, with the schema messages', () => {
    const tooLong = thrown(() =>
      buildSoapRequest('TrasmissioneFatture.RicevutaConsegna', { ...fileSdI, IdentificativoSdI: '1234567890123' }),
    )
    expect(tooLong.code).toBe('SOAP_BODY_INVALID')
    expect(tooLong.details.join('\n')).toMatch(/totalDigits/)
    const badName = thrown(() => buildSoapRequest('SdIRiceviFile.RiceviFile', { NomeFile: 'fattura 1.xml', File: Buffer.from('x') }))
    expect(badName.details.join('\n')).toMatch(/pattern/)
    const badEnum = thrown(() => buildSoapResponse('SdIRiceviNotifica.NotificaEsito', { Esito: 'ES03' as never }))
    expect(badEnum.details.join('\n')).toMatch(/enumeration/)
    const missing = thrown(() => buildSoapRequest('SdIRiceviFile.RiceviFile', { NomeFile: 'IT01234567890_00001.xml' } as never))
    expect(missing.message).toMatch(/File is required/)
    const notBuffer = thrown(() =>
      buildSoapRequest('SdIRiceviFile.RiceviFile', { NomeFile: 'IT01234567890_00001.xml', File: 'text' } as never),
    )
    expect(notBuffer.message).toMatch(/must be a Buffer/)
    expect(
      buildSoapRequest('TrasmissioneFatture.RicevutaConsegna', { ...fileSdI, IdentificativoSdI: '1234567890123' }, { validate: false }).xml,
    ).toContain('1234567890123')
  })

  it('rejects a body of another operation, a response where a request is expected, and a wrong SOAPAction', () => {
    const { xml } = buildSoapRequest('TrasmissioneFatture.RicevutaConsegna', fileSdI)
    expect(thrown(() => parseSoapMessage(xml, { operation: 'TrasmissioneFatture.NotificaScarto' })).code).toBe('SOAP_UNKNOWN_OPERATION')
    expect(thrown(() => parseSoapMessage(xml, { service: 'RicezioneFatture' })).code).toBe('SOAP_UNKNOWN_OPERATION')
    expect(thrown(() => parseSoapMessage(xml, { service: 'TrasmissioneFatture', kind: 'response' })).code).toBe('SOAP_UNKNOWN_OPERATION')
    const action = thrown(() =>
      parseSoapMessage(
        xml,
        { service: 'TrasmissioneFatture' },
        { soapAction: '"http://www.fatturapa.it/TrasmissioneFatture/NotificaScarto"' },
      ),
    )
    expect(action.code).toBe('SOAP_UNKNOWN_OPERATION')
    expect(parseSoapMessage(xml, { service: 'TrasmissioneFatture' }, { soapAction: '""' })).toMatchObject({
      operation: 'TrasmissioneFatture.RicevutaConsegna',
    })
  })

  it('accepts a Header, other prefixes and whitespace, and refuses headers that must be understood', () => {
    const body = buildSoapRequest('SdIRiceviFile.RiceviFile', { NomeFile: 'IT01234567890_00001.xml', File: Buffer.from('abc') })
      .xml.replace(/^.*<soapenv:Body>/, '')
      .replace(/<\/soapenv:Body>.*$/, '')
    const withHeader = `<?xml version="1.0"?>\n<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/">\n  <S:Header><w:Trace xmlns:w="urn:x">1</w:Trace></S:Header>\n  <S:Body>\n    ${body.replace('<File>YWJj</File>', '<File>\n  YW\n  Jj\n</File>')}\n  </S:Body>\n</S:Envelope>\n`
    expect(parseSoapMessage(withHeader, { operation: 'SdIRiceviFile.RiceviFile' })).toMatchObject({ body: { File: Buffer.from('abc') } })
    const mustUnderstand = withHeader.replace('<w:Trace xmlns:w="urn:x">', '<w:Trace xmlns:w="urn:x" S:mustUnderstand="1">')
    expect(thrown(() => parseSoapMessage(mustUnderstand, { operation: 'SdIRiceviFile.RiceviFile' })).code).toBe('SOAP_MUST_UNDERSTAND')
  })
})

describe('SOAP faults', () => {
  it('builds and parses Client and Server faults', () => {
    const xml = buildSoapFault({
      code: 'Client',
      faultstring: 'Body <invalid> & refused',
      faultactor: 'urn:sdi',
      detail: ['first', 'second'],
    })
    for (const operation of ['SdIRiceviFile.RiceviFile', 'TrasmissioneFatture.NotificaEsito'] as OperationId[]) {
      expect(parseSoapMessage(xml, { operation })).toEqual({
        kind: 'fault',
        fault: {
          code: 'Client',
          faultcode: 'soapenv:Client',
          faultstring: 'Body <invalid> & refused',
          faultactor: 'urn:sdi',
          detail: ['first', 'second'],
        },
      })
    }
    expect(parseSoapMessage(buildSoapFault({ code: 'Server', faultstring: 'down' }), { service: 'SdIRiceviFile' })).toEqual({
      kind: 'fault',
      fault: { code: 'Server', faultcode: 'soapenv:Server', faultstring: 'down' },
    })
  })

  it('parses faults of other stacks (other prefix, foreign code namespace, free text detail)', () => {
    const xml = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode xmlns:a="urn:sdi">a:EI02</faultcode><faultstring xml:lang="it">Servizio non disponibile</faultstring><detail>retry later</detail></s:Fault></s:Body></s:Envelope>`
    expect(parseSoapMessage(xml, { service: 'SdIRiceviFile' })).toEqual({
      kind: 'fault',
      fault: { code: '{urn:sdi}EI02', faultcode: 'a:EI02', faultstring: 'Servizio non disponibile', detail: ['retry later'] },
    })
  })

  it('maps errors to the fault a server answers', () => {
    expect(soapFaultFromError(new SoapError('SOAP_BODY_INVALID', 'bad', { details: ['x'] }))).toEqual({
      code: 'Client',
      faultstring: 'bad',
      detail: ['x'],
    })
    expect(soapFaultFromError(new SoapError('SOAP_VERSION_MISMATCH', 'v'))).toMatchObject({ code: 'VersionMismatch' })
    expect(soapFaultFromError(new SoapError('SOAP_MUST_UNDERSTAND', 'm'))).toMatchObject({ code: 'MustUnderstand' })
    expect(soapFaultFromError(new Error('database password wrong'))).toEqual({ code: 'Server', faultstring: 'Internal error' })
  })
})
