import { describe, expect, it } from '@jest/globals'
import {
  InvoiceState,
  invoiceStateDescriptors,
  invoiceStateLabels,
  invoiceStates,
  invoiceTransitions,
  isFinalState,
  isTransientState,
  notificationPath,
  notificationTarget,
  phaseOf,
  sdiFlowOfFormat,
} from '../../../src/invoices/state/index.js'

describe('invoice states', () => {
  it('lists the portal states in portal order with their Italian labels', () => {
    expect(invoiceStates.map((s) => invoiceStateLabels[s])).toEqual([
      'DA FIRMARE',
      'DA INVIARE',
      'INVIATA',
      'ERRORE IN INVIO',
      'SCARTATA',
      'CONSEGNATA',
      'NON CONSEGNATA',
      'NON RECAPITABILE',
      'ACCETTATA',
      'RIFIUTATA',
      'DECORSI TERMINI',
      'ARCHIVIATA',
    ])
    expect(InvoiceState.NonRecapitabile).toBe('NON_RECAPITABILE')
  })

  it.each([
    // state, PA phase, B2B phase
    ['DA_FIRMARE', 'preparation', 'preparation'],
    ['DA_INVIARE', 'preparation', 'preparation'],
    ['INVIATA', 'transient', 'transient'],
    ['ERRORE_IN_INVIO', 'preparation', 'preparation'],
    ['SCARTATA', 'final', 'final'],
    ['CONSEGNATA', 'transient', 'final'],
    ['NON_CONSEGNATA', 'transient', 'final'],
    ['NON_RECAPITABILE', 'final', null],
    ['ACCETTATA', 'final', null],
    ['RIFIUTATA', 'final', null],
    ['DECORSI_TERMINI', 'final', null],
    ['ARCHIVIATA', 'final', 'final'],
  ] as const)('%s is %s for PA and %s for B2B', (state, pa, b2b) => {
    expect(phaseOf(state, 'PA')).toBe(pa)
    expect(phaseOf(state, 'B2B')).toBe(b2b)
    expect(isFinalState(state, 'PA')).toBe(pa === 'final')
    expect(isTransientState(state, 'B2B')).toBe(b2b === 'transient')
    expect(invoiceStateDescriptors[state].label).toBe(invoiceStateLabels[state])
  })

  it('picks the flow from FormatoTrasmissione', () => {
    expect(sdiFlowOfFormat('FPA12')).toBe('PA')
    expect(sdiFlowOfFormat(' FPR12 ')).toBe('B2B')
    expect(sdiFlowOfFormat('FSM10')).toBe('B2B')
  })
})

describe('transition table', () => {
  it('covers every row of the documented table (docs §3 rows 1–17)', () => {
    const rows = new Set(invoiceTransitions.map((r) => r.row).filter((r) => r !== null))
    expect([...rows].sort((a, b) => (a as number) - (b as number))).toEqual(Array.from({ length: 17 }, (_, i) => i + 1))
  })

  it('is plain data, serialisable for documentation and OpenAPI', () => {
    expect(JSON.parse(JSON.stringify(invoiceTransitions))).toEqual(invoiceTransitions)
  })

  it('reaches every state', () => {
    const targets = new Set(invoiceTransitions.map((r) => r.to))
    for (const state of invoiceStates) expect(targets).toContain(state)
  })

  it.each([
    ['PA', 'RC', undefined, 'CONSEGNATA'],
    ['PA', 'NS', undefined, 'SCARTATA'],
    ['PA', 'MC', undefined, 'NON_CONSEGNATA'],
    ['PA', 'AT', undefined, 'NON_RECAPITABILE'],
    ['PA', 'NE', 'EC01', 'ACCETTATA'],
    ['PA', 'NE', 'EC02', 'RIFIUTATA'],
    ['PA', 'DT', undefined, 'DECORSI_TERMINI'],
    ['B2B', 'RC', undefined, 'CONSEGNATA'],
    ['B2B', 'NS', undefined, 'SCARTATA'],
    ['B2B', 'MC', undefined, 'NON_CONSEGNATA'],
    ['B2B', 'NE', 'EC01', undefined],
    ['B2B', 'DT', undefined, undefined],
    ['B2B', 'AT', undefined, undefined],
  ] as const)('%s %s %s leads to %s', (flow, code, esito, to) => {
    expect(notificationTarget(flow, code, esito)).toBe(to)
  })

  it('orders SDI outcomes: PA MC is transient (→ RC or AT), B2B MC is final', () => {
    expect(notificationPath('PA', 'INVIATA', 'ACCETTATA')).toEqual(['CONSEGNATA', 'ACCETTATA'])
    expect(notificationPath('PA', 'NON_CONSEGNATA', 'CONSEGNATA')).toEqual(['CONSEGNATA'])
    expect(notificationPath('PA', 'INVIATA', 'NON_RECAPITABILE')).toEqual(['NON_CONSEGNATA', 'NON_RECAPITABILE'])
    expect(notificationPath('B2B', 'NON_CONSEGNATA', 'CONSEGNATA')).toBeUndefined()
    expect(notificationPath('PA', 'NON_RECAPITABILE', 'CONSEGNATA')).toBeUndefined()
    expect(notificationPath('PA', 'DECORSI_TERMINI', 'ACCETTATA')).toBeUndefined()
  })
})
