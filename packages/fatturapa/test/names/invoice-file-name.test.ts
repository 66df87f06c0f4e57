import { describe, expect, it } from '@jest/globals'
import { formatInvoiceFileName, InvalidFileNameError, type InvoiceFileNameFields, parseInvoiceFileName } from '../../src/names/index.js'

describe('parseInvoiceFileName', () => {
  it.each([
    [
      'IT01234567890_FPA01.xml',
      { idPaese: 'IT', idCodice: '01234567890', progressivo: 'FPA01', kind: 'xml', baseName: 'IT01234567890_FPA01' },
    ],
    [
      'IT02182030391_31.xml.p7m',
      { idPaese: 'IT', idCodice: '02182030391', progressivo: '31', kind: 'xml.p7m', baseName: 'IT02182030391_31' },
    ],
    ['ITHVQWPH73P42H501Y_00022.xml', { idPaese: 'IT', idCodice: 'HVQWPH73P42H501Y', progressivo: '00022', kind: 'xml' }],
    ['ITHVQWPH73P42H501Y_X0024.xml', { progressivo: 'X0024' }],
    ['IT01234567890_11111.zip', { kind: 'zip' }],
    ['IT01234567890_1.XML.P7M', { kind: 'xml.p7m', progressivo: '1' }],
    ['IT01234567890_abc12.xml', { progressivo: 'abc12' }],
    ['IT0123456789A_00001.xml', { idCodice: '0123456789A' }],
    ['IT0123456789012345_00001.xml', { idCodice: '0123456789012345' }],
    ['FRAB_00001.xml', { idPaese: 'FR', idCodice: 'AB' }],
    [`DE${'9'.repeat(28)}_00001.xml`, { idPaese: 'DE', idCodice: '9'.repeat(28) }],
  ])('accepts %s', (name, expected) => {
    expect(parseInvoiceFileName(name)).toMatchObject(expected)
  })

  it.each([
    ['IT0123456789_00001.xml', 'id-codice'], // IT IdCodice of 10 characters
    ['IT01234567890123456_00001.xml', 'id-codice'], // IT IdCodice of 17 characters
    ['FRA_00001.xml', 'id-codice'], // foreign IdCodice of 1 character
    [`DE${'9'.repeat(29)}_00001.xml`, 'id-codice'],
    ['IT0123456789-_00001.xml', 'id-codice'],
    ['it01234567890_00001.xml', 'id-paese'],
    ['I101234567890_00001.xml', 'id-paese'],
    ['IT01234567890_000001.xml', 'progressivo'], // 6 characters
    ['IT01234567890_.xml', 'progressivo'],
    ['IT01234567890_0-01.xml', 'progressivo'],
    ['IT01234567890_00001.p7m', 'extension'],
    ['IT01234567890_00001.xml.zip', 'progressivo'],
    ['IT01234567890_00001', 'extension'],
    ['IT01234567890.xml', 'syntax'],
    ['IT01234567890_00001_01.xml', 'syntax'],
    ['../IT01234567890_00001.xml', 'id-paese'],
    ['', 'extension'],
  ])('refuses %s (%s) with 00001', (name, problem) => {
    const error = catchError(() => parseInvoiceFileName(name))
    expect(error).toBeInstanceOf(InvalidFileNameError)
    expect(error).toMatchObject({ code: '00001', problem, fileName: name })
  })
})

describe('formatInvoiceFileName', () => {
  it.each<[InvoiceFileNameFields, string]>([
    [{ idPaese: 'IT', idCodice: '01234567890', progressivo: '00001', kind: 'xml' }, 'IT01234567890_00001.xml'],
    [{ idPaese: 'IT', idCodice: 'HVQWPH73P42H501Y', progressivo: 'ZZZZZ', kind: 'xml.p7m' }, 'ITHVQWPH73P42H501Y_ZZZZZ.xml.p7m'],
    [{ idPaese: 'FR', idCodice: 'AB', progressivo: 'A', kind: 'zip' }, 'FRAB_A.zip'],
  ])('formats %j', (fields, expected) => {
    expect(formatInvoiceFileName(fields)).toBe(expected)
    expect(parseInvoiceFileName(expected)).toMatchObject(fields)
  })

  it.each<[Partial<InvoiceFileNameFields>, string]>([
    [{ progressivo: 'abc12' }, 'progressivo'], // lowercase is accepted on input, never emitted
    [{ progressivo: '000001' }, 'progressivo'],
    [{ progressivo: '' }, 'progressivo'],
    [{ idCodice: '0123456789' }, 'id-codice'],
    [{ idCodice: '01234567890123456' }, 'id-codice'],
    [{ idPaese: 'it' }, 'id-paese'],
    [{ kind: 'p7m' as never }, 'extension'],
  ])('refuses %j', (override, problem) => {
    const fields: InvoiceFileNameFields = { idPaese: 'IT', idCodice: '01234567890', progressivo: '00001', kind: 'xml', ...override }
    expect(catchError(() => formatInvoiceFileName(fields))).toMatchObject({ code: '00001', problem })
  })
})

function catchError(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}
