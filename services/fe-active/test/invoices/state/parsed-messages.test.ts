import { readFileSync } from 'node:fs'
import { buildSdiMessage, parseSdiMessage, type SdiMessage } from '@fatturapa-hub/fatturapa'
import { describe, expect, it } from '@jest/globals'
import { applyNotification, type ParsedNotification } from '../../../src/invoices/state/index.js'
import { msg, snapshotIn } from './fixtures.js'

// The official AdE examples (B2B RC, NS, MC for file ITHVQWPH73P42H501Y_00022.xml, IdentificativoSdI 724999),
// read by the platform's own parser, drive the state machine unchanged.
const examples = new URL('../../../../../../shared/reference/fatturapa/notifications/', import.meta.url)
const read = (name: string) => parseSdiMessage(readFileSync(new URL(name, examples)))

// Compile-time: every message the parser returns is a ParsedNotification.
const accepts = (message: SdiMessage): ParsedNotification => message

function b2bInvoiceSentAs00022() {
  const current = snapshotIn('INVIATA', 'B2B')
  current.transmission = { fileName: 'ITHVQWPH73P42H501Y_00022.xml', identificativoSdI: '724999' }
  return current
}

describe('applyNotification with parsed SDI messages', () => {
  it('official RC → CONSEGNATA with T0 and T1', () => {
    const result = applyNotification(b2bInvoiceSentAs00022(), accepts(read('ITHVQWPH73P42H501Y_00022_RC_001.xml')))
    expect(result.state.state).toBe('CONSEGNATA')
    expect(result.state.transmission).toMatchObject({
      receivedAt: '2018-06-16T18:34:00.000+02:00',
      deliveredAt: '2018-06-16T18:35:42.000+02:00',
    })
  })

  it('official NS (00002, no Suggerimento) → SCARTATA with our suggestion', () => {
    const result = applyNotification(b2bInvoiceSentAs00022(), read('ITHVQWPH73P42H501Y_00022_NS_001.xml'))
    expect(result.state.state).toBe('SCARTATA')
    expect(result.state.rejection?.errors).toEqual([
      { code: '00002', description: 'Nome file duplicato', suggestion: expect.any(String), suggestionSource: 'fe-active' },
    ])
  })

  it('official MC → NON CONSEGNATA (final for B2B)', () => {
    const result = applyNotification(b2bInvoiceSentAs00022(), read('ITHVQWPH73P42H501Y_00022_MC_001.xml'))
    expect(result.state.state).toBe('NON_CONSEGNATA')
    expect(result.effects).toContainEqual({ kind: 'final-outcome', state: 'NON_CONSEGNATA' })
  })

  it('official MT is for the recipient only', () => {
    const result = applyNotification(b2bInvoiceSentAs00022(), read('ITHVQWPH73P42H501Y_00022_MT_001.xml'))
    expect(result.entry?.reason).toBe('recipient-side-message')
  })

  it('a PA NotificaEsito for one body of a lot survives build → parse', () => {
    const ne = msg.ne('EC02', { ref: { NumeroFattura: 'F2', AnnoFattura: 2026, PosizioneFattura: 2 } })
    const parsed = parseSdiMessage(buildSdiMessage(ne))
    const current = snapshotIn('CONSEGNATA', 'PA', { bodies: 2 })
    const result = applyNotification(current, parsed)
    expect(result.state.bodies.map((b) => b.state)).toEqual(['CONSEGNATA', 'RIFIUTATA'])
    // Parsed again from XML, it is still the same message: a duplicate.
    expect(applyNotification(result.state, parseSdiMessage(buildSdiMessage(ne))).decision).toBe('duplicate')
  })
})
