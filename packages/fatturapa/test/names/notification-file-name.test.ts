import { basename } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { formatNotificationFileName, InvalidFileNameError, parseNotificationFileName } from '../../src/names/index.js'
import { referenceFiles } from '../support/reference.js'

describe('parseNotificationFileName', () => {
  it.each([
    [
      'IT03339130126_00009_RC_003.xml',
      { invoiceBaseName: 'IT03339130126_00009', idCodice: '03339130126', progressivoInvio: '00009', tipo: 'RC', progressivo: '003' },
    ],
    ['ITHVQWPH73P42H501Y_00022_RC_001.xml', { idPaese: 'IT', idCodice: 'HVQWPH73P42H501Y', progressivoInvio: '00022', tipo: 'RC' }],
    ['IT02652600210_00007_MT_002.xml', { tipo: 'MT', progressivo: '002' }],
    ['IT14627831002_02621_MC_001.xml', { tipo: 'MC' }],
    ['ITAAABBB99T99X999W_00001_NS_001.xml', { tipo: 'NS', idCodice: 'AAABBB99T99X999W' }],
    ['IT01234567890_11111_NE_A1z.xml', { tipo: 'NE', progressivo: 'A1z' }],
    ['IT01234567890_11111_DT_001.xml', { tipo: 'DT' }],
    ['IT01234567890_11111_AT_001.xml', { tipo: 'AT' }],
    ['IT01234567890_11111_EC_001.xml', { tipo: 'EC' }],
    ['IT01234567890_11111_SE_001.xml', { tipo: 'SE' }],
    ['IT01234567890_11111_MT_001.XML', { tipo: 'MT' }],
  ])('recognises %s', (name, expected) => {
    expect(parseNotificationFileName(name)).toMatchObject(expected)
  })

  it('recognises the names of the local example messages', () => {
    const names = referenceFiles('fatturapa/notifications')
      .map((path) => basename(path))
      .filter((name) => /_[A-Z]{2}_\d{3}\.xml$/.test(name))
    expect(names.length).toBeGreaterThanOrEqual(4)
    for (const name of names) expect(parseNotificationFileName(name).invoiceBaseName).toBe('ITHVQWPH73P42H501Y_00022')
  })

  it.each([
    ['IT01234567890_11111_XX_001.xml', 'tipo'],
    ['IT01234567890_11111_rc_001.xml', 'tipo'],
    ['IT01234567890_11111_RC_01.xml', 'syntax'],
    ['IT01234567890_11111_RC_0001.xml', 'syntax'],
    ['IT01234567890_11111_RC_001.xml.p7m', 'syntax'],
    ['IT01234567890_11111.xml', 'syntax'],
    ['IT0123456789_11111_RC_001.xml', 'id-codice'],
    ['IT01234567890_111111_RC_001.xml', 'progressivo'],
  ])('refuses %s (%s)', (name, problem) => {
    let error: unknown
    try {
      parseNotificationFileName(name)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InvalidFileNameError)
    expect(error).toMatchObject({ code: '00001', problem })
  })
})

describe('formatNotificationFileName', () => {
  it.each([
    [{ invoiceFileName: 'IT03339130126_00009.xml', tipo: 'RC', progressivo: 3 }, 'IT03339130126_00009_RC_003.xml'],
    [{ invoiceFileName: 'IT02182030391_31.xml.p7m', tipo: 'NS', progressivo: '001' }, 'IT02182030391_31_NS_001.xml'],
    [{ invoiceFileName: 'IT01234567890_11111.zip', tipo: 'SE', progressivo: 999 }, 'IT01234567890_11111_SE_999.xml'],
    [{ invoiceFileName: 'IT01234567890_11111.xml', tipo: 'MC', progressivo: 'A0Z' }, 'IT01234567890_11111_MC_A0Z.xml'],
  ] as const)('formats %j', (fields, expected) => {
    expect(formatNotificationFileName(fields)).toBe(expected)
    expect(parseNotificationFileName(expected).tipo).toBe(fields.tipo)
  })

  it.each([
    [{ invoiceFileName: 'IT01234567890_11111.xml', tipo: 'RC', progressivo: 0 }, 'progressivo-messaggio'],
    [{ invoiceFileName: 'IT01234567890_11111.xml', tipo: 'RC', progressivo: 1000 }, 'progressivo-messaggio'],
    [{ invoiceFileName: 'IT01234567890_11111.xml', tipo: 'RC', progressivo: 'a01' }, 'progressivo-messaggio'],
    [{ invoiceFileName: 'IT01234567890_11111.xml', tipo: 'XX', progressivo: 1 }, 'tipo'],
    [{ invoiceFileName: 'IT01234567890_11111', tipo: 'RC', progressivo: 1 }, 'extension'],
  ] as const)('refuses %j', (fields, problem) => {
    expect(() => formatNotificationFileName(fields as never)).toThrow(InvalidFileNameError)
    try {
      formatNotificationFileName(fields as never)
    } catch (error) {
      expect(error).toMatchObject({ code: '00001', problem })
    }
  })
})
