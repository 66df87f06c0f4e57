import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { validateInvoiceFormat } from '../../src/validation/validate.js'
import { reference, referenceFiles } from '../support/reference.js'

const samples = referenceFiles('fatturapa/samples').filter((file) => /_FP[AR]\d+\.xml$/.test(file))
const sample = readFileSync(reference('fatturapa', 'samples', 'IT01234567890_FPR02.xml'), 'utf8')

describe('validateInvoiceFormat', () => {
  it.each(samples.map((file) => [basename(file), file]))('accepts the official sample %s and detects its format', (name, file) => {
    const result = validateInvoiceFormat(readFileSync(file))
    expect(result).toEqual({ valid: true, format: name.includes('FPA') ? 'FPA12' : 'FPR12', issues: [] })
  })

  it.each(referenceFiles('fatturapa/malicious').map((file) => [basename(file), file]))(
    'refuses the malicious file %s quickly and without exhausting memory',
    (_name, file) => {
      const bytes = readFileSync(file)
      const before = process.memoryUsage().rss
      const started = performance.now()
      const result = validateInvoiceFormat(bytes)
      // A hang guard, not a speed target (see `pnpm bench:validate`).
      expect(performance.now() - started).toBeLessThan(10_000)
      expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024)
      if (bytes.length > 5 * 1024 * 1024) expect(result.issues[0]?.code).toBe('00003')
      else if (!basename(file).startsWith('jumbo_Causale')) expect(result.valid).toBe(false)
      for (const issue of result.issues) expect(['00003', '00200', '00201']).toContain(issue.code)
    },
  )

  it('refuses a file over 5 MB with 00003 before parsing it', () => {
    const result = validateInvoiceFormat(new Uint8Array(5 * 1024 * 1024 + 1))
    expect(result.valid).toBe(false)
    expect(result.issues).toEqual([expect.objectContaining({ code: '00003' })])
  })

  it('refuses any DOCTYPE, even a harmless one', () => {
    const withDoctype = sample.replace('?>', '?><!DOCTYPE p:FatturaElettronica>')
    const result = validateInvoiceFormat(Buffer.from(withDoctype))
    expect(result.issues).toEqual([expect.objectContaining({ code: '00200', message: 'DOCTYPE declarations are not allowed' })])
  })

  it('reports a malformed document as 00200 with its line', () => {
    const result = validateInvoiceFormat(Buffer.from(sample.replace('</DatiTrasmissione>', '</DatiTrasmission>')))
    expect(result.valid).toBe(false)
    expect(result.issues[0]).toMatchObject({ code: '00200', line: expect.any(Number) })
  })

  it('tolerates a UTF-8 byte order mark', () => {
    const result = validateInvoiceFormat(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sample)]))
    expect(result.valid).toBe(true)
  })

  it('reads a file declared windows-1252 (its problems are schema problems, not encoding ones)', () => {
    const result = validateInvoiceFormat(readFileSync(reference('fatturapa', 'invalid', 'IT02182030391_32.windows-1252.xml')))
    expect(result.valid).toBe(false)
    expect(result.issues.length).toBeGreaterThan(0)
    for (const issue of result.issues) expect(issue.message).not.toMatch(/encoding|not well-formed/i)
  })

  it('lists one 00200 per schema error, with path and line', () => {
    const result = validateInvoiceFormat(Buffer.from(sample.replace(/<Divisa>EUR<\/Divisa>/, '<Divisa>euro</Divisa>')))
    expect(result.valid).toBe(false)
    expect(result.issues[0]).toMatchObject({ code: '00200', path: expect.stringContaining('Divisa'), line: expect.any(Number) })
  })

  it('stops listing after 50 format errors and adds one 00201', () => {
    const line = sample.match(/<DettaglioLinee>[\s\S]*?<\/DettaglioLinee>/)?.[0] as string
    const broken = line
      .replace(/<NumeroLinea>\d+<\/NumeroLinea>/, '<NumeroLinea>x</NumeroLinea>')
      .replace(/<PrezzoTotale>([^<]*)</, '<PrezzoTotale>1,0<')
    const result = validateInvoiceFormat(Buffer.from(sample.replace(line, broken.repeat(40))))
    expect(result.issues).toHaveLength(51)
    expect(result.issues.slice(0, 50).every((issue) => issue.code === '00200')).toBe(true)
    expect(result.issues[50]?.code).toBe('00201')
  })

  it('refuses a root that is not an invoice', () => {
    const result = validateInvoiceFormat(Buffer.from('<?xml version="1.0"?><note xmlns="urn:x"><to>a</to></note>'))
    expect(result.issues).toEqual([expect.objectContaining({ code: '00200', message: expect.stringMatching(/is not a FatturaPA/) })])
  })
})
