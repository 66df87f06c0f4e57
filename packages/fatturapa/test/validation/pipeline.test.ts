import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { type DuplicateStore, type InvoiceIdentity, validateInvoice } from '../../src/validation/index.js'
import { reference } from '../support/reference.js'

const read = (...parts: string[]) => readFileSync(reference(...parts))
const fpr02 = read('fatturapa', 'samples', 'IT01234567890_FPR02.xml')

describe('validateInvoice (SDI order: name, size, signature, format, content, duplicates)', () => {
  it('accepts a valid invoice and reports wrong check digits as FPH warnings, not errors', async () => {
    const result = await validateInvoice(fpr02)
    expect(result).toMatchObject({ valid: true, format: 'FPR12', issues: [] })
    expect(result.warnings.map((warning) => warning.code)).toEqual(expect.arrayContaining(['FPH301']))
  })

  it('runs the content checks after the schema (the official FPR03 sample breaks 00422)', async () => {
    const result = await validateInvoice(read('fatturapa', 'samples', 'IT01234567890_FPR03.xml'))
    expect(result.valid).toBe(false)
    expect(result.issues).toEqual([expect.objectContaining({ code: '00422' })])
    expect((await validateInvoice(read('fatturapa', 'samples', 'IT01234567890_FPR03.xml'), { schemaOnly: true })).valid).toBe(true)
  })

  it('checks the file name first when given (00001)', async () => {
    const result = await validateInvoice(fpr02, { fileName: 'fattura.xml' })
    expect(result.issues).toEqual([expect.objectContaining({ code: '00001' })])
    expect((await validateInvoice(fpr02, { fileName: 'IT01234567890_FPR02.xml' })).valid).toBe(true)
  })

  it('unwraps and verifies a signed .p7m before the format stage', async () => {
    const result = await validateInvoice(read('fatturapa', 'p7m', 'IT02182030391_31.xml.p7m'), {
      receivedAt: new Date('2018-09-10T10:00:00Z'),
    })
    expect(result.signature?.signingTime).toBeInstanceOf(Date)
    expect(result.issues.every((issue) => !issue.code.startsWith('001'))).toBe(true)
    const tampered = await validateInvoice(read('fatturapa', 'p7m', 'IT02182030391_31_tampered.xml.p7m'))
    expect(tampered.issues).toEqual([expect.objectContaining({ code: '00102' })])
  })

  it('refuses an invoice dated after its reception (00403)', async () => {
    const result = await validateInvoice(fpr02, { receivedAt: new Date('2010-01-01T10:00:00Z') })
    expect(result.issues.map((issue) => issue.code)).toContain('00403')
  })

  it('reports an invoice the store already holds (00404), with the identity SDI uses', async () => {
    const asked: InvoiceIdentity[] = []
    const store: DuplicateStore = {
      async exists(identity) {
        asked.push(identity)
        return true
      },
    }
    const result = await validateInvoice(fpr02, { duplicates: store })
    expect(result.issues).toEqual([expect.objectContaining({ code: '00404' })])
    expect(asked[0]).toEqual({ issuer: 'IT01234567890', period: '2014', numero: '123', creditNote: false })
  })

  it('reports the same invoice twice in one lot (00409)', async () => {
    const text = fpr02.toString('utf8')
    const body = text.match(/<FatturaElettronicaBody>[\s\S]*<\/FatturaElettronicaBody>/)?.[0] as string
    const lot = Buffer.from(text.replace(body, body + body))
    const result = await validateInvoice(lot)
    expect(result.issues).toEqual([expect.objectContaining({ code: '00409', path: expect.stringContaining('FatturaElettronicaBody[2]') })])
  })
})
