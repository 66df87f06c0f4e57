import { describe, expect, it } from '@jest/globals'
import {
  applyCommand,
  type CommandRefusalCode,
  createInvoiceState,
  type InvoiceCommand,
  type InvoiceState,
  invoiceStates,
  type SdiFlow,
} from '../../../src/invoices/state/index.js'
import { FILE, snapshotIn, T0 } from './fixtures.js'

const commands: readonly [string, InvoiceCommand][] = [
  ['sign', { kind: 'sign' }],
  ['submit', { kind: 'submit', fileName: FILE, identificativoSdI: '42', receivedAt: T0 }],
  ['transport-error', { kind: 'transport-error', error: 'EI02', fileName: FILE }],
  ['retry', { kind: 'retry' }],
  ['retry reconciled', { kind: 'retry', reconciled: true }],
  ['correct signed', { kind: 'correct', signatureRequired: true }],
  ['correct unsigned', { kind: 'correct', signatureRequired: false }],
  ['archive', { kind: 'archive' }],
  ['delete', { kind: 'delete' }],
]

// Hand-written from docs §3 and the portal's deletion default. Cells: the resulting state, 'deleted', or a refusal
// code. ERRORE IN INVIO fixtures follow a timeout (ambiguous). Anything not listed is ILLEGAL_TRANSITION.
const allowed: Record<SdiFlow, Partial<Record<InvoiceState, Partial<Record<string, InvoiceState | 'deleted' | CommandRefusalCode>>>>> = {
  PA: {
    DA_FIRMARE: { sign: 'DA_INVIARE', delete: 'deleted' },
    DA_INVIARE: { submit: 'INVIATA', 'transport-error': 'ERRORE_IN_INVIO', delete: 'deleted' },
    ERRORE_IN_INVIO: { retry: 'RETRY_NEEDS_RECONCILIATION', 'retry reconciled': 'DA_INVIARE', delete: 'DELETE_AFTER_TRANSMISSION' },
    SCARTATA: { 'correct signed': 'DA_FIRMARE', 'correct unsigned': 'DA_INVIARE', archive: 'ARCHIVIATA' },
    NON_RECAPITABILE: { archive: 'ARCHIVIATA' },
    ACCETTATA: { archive: 'ARCHIVIATA' },
    RIFIUTATA: { archive: 'ARCHIVIATA' },
    DECORSI_TERMINI: { archive: 'ARCHIVIATA' },
  },
  B2B: {
    DA_FIRMARE: { sign: 'DA_INVIARE', delete: 'deleted' },
    DA_INVIARE: { submit: 'INVIATA', 'transport-error': 'ERRORE_IN_INVIO', delete: 'deleted' },
    ERRORE_IN_INVIO: { retry: 'RETRY_NEEDS_RECONCILIATION', 'retry reconciled': 'DA_INVIARE', delete: 'DELETE_AFTER_TRANSMISSION' },
    SCARTATA: { 'correct signed': 'DA_FIRMARE', 'correct unsigned': 'DA_INVIARE', archive: 'ARCHIVIATA' },
    CONSEGNATA: { archive: 'ARCHIVIATA' },
    NON_CONSEGNATA: { archive: 'ARCHIVIATA' },
  },
}

const refusals = new Set<string>([
  'ILLEGAL_TRANSITION',
  'RETRY_NEEDS_RECONCILIATION',
  'DELETE_AFTER_TRANSMISSION',
  'LOT_NOT_SETTLED',
  'INVOICE_DELETED',
])

const cases = (['PA', 'B2B'] as const).flatMap((flow) =>
  invoiceStates.flatMap((state) =>
    commands.map(([name, command]) => [flow, state, name, command, allowed[flow][state]?.[name] ?? 'ILLEGAL_TRANSITION'] as const),
  ),
)

describe('applyCommand: every command × every state', () => {
  it('has a full matrix', () => {
    expect(cases).toHaveLength(2 * 12 * commands.length)
  })

  it.each(cases)('%s %s + %s → %s', (flow, state, _name, command, expected) => {
    const current = snapshotIn(state, flow)
    const result = applyCommand(current, command)
    if (refusals.has(expected)) {
      expect(result.ok).toBe(false)
      if (result.ok) return
      expect(result.refusal).toMatchObject({ code: expected, command: command.kind, from: state, flow })
      expect(result.refusal.message).toContain(command.kind === 'retry' || command.kind === 'delete' ? '' : command.kind)
      return
    }
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.changed).toBe(true)
    expect(result.state.history).toHaveLength(current.history.length + 1)
    if (expected === 'deleted') {
      expect(result.state.deleted).toBe(true)
      expect(result.state.state).toBe(state)
      expect(result.effects).toEqual([{ kind: 'invoice-deleted' }])
    } else {
      expect(result.state.state).toBe(expected)
      expect(result.effects).toEqual([{ kind: 'state-changed', from: state, to: expected }])
    }
  })
})

describe('applyCommand: details', () => {
  it('creates DA FIRMARE or DA INVIARE (rows 1–2), one body per FatturaElettronicaBody', () => {
    const signed = createInvoiceState({
      flow: 'PA',
      bodies: [
        { number: '1', year: 2026 },
        { number: '2', year: 2026 },
      ],
      signatureRequired: true,
    })
    expect(signed.state).toBe('DA_FIRMARE')
    expect(signed.bodies).toEqual([
      { position: 1, number: '1', year: 2026, state: 'DA_FIRMARE' },
      { position: 2, number: '2', year: 2026, state: 'DA_FIRMARE' },
    ])
    expect(createInvoiceState({ flow: 'B2B', bodies: [{ number: '1', year: 2026 }], signatureRequired: false }).state).toBe('DA_INVIARE')
    expect(() => createInvoiceState({ flow: 'B2B', bodies: [], signatureRequired: false })).toThrow(RangeError)
  })

  it('walks a PA invoice from creation to ARCHIVIATA', () => {
    let state = createInvoiceState({ flow: 'PA', bodies: [{ number: '1', year: 2026 }], signatureRequired: true })
    for (const command of [
      { kind: 'sign' },
      { kind: 'transport-error', error: 'timeout', fileName: FILE },
      { kind: 'retry', reconciled: true },
      { kind: 'submit', fileName: FILE, identificativoSdI: '42', receivedAt: T0, sha256: 'ab' },
    ] as InvoiceCommand[]) {
      const result = applyCommand(state, command)
      if (!result.ok) throw new Error(result.refusal.message)
      state = result.state
    }
    expect(state.state).toBe('INVIATA')
    expect(state.transmission).toEqual({ fileName: FILE, identificativoSdI: '42', receivedAt: T0, sha256: 'ab' })
    expect(state.transportError).toBeUndefined()
    expect(state.history.map((h) => h.key)).toEqual(['create', 'sign', 'transport-error', 'retry', 'submit'])
  })

  it('a transport error SDI answered explicitly (EI02) can be retried and deleted; a timeout cannot be deleted', () => {
    const explicit = snapshotIn('ERRORE_IN_INVIO', 'PA', { transportError: 'EI02' })
    expect(applyCommand(explicit, { kind: 'retry' }).ok).toBe(true)
    expect(applyCommand(explicit, { kind: 'delete' }).ok).toBe(true)
    const timeout = snapshotIn('ERRORE_IN_INVIO', 'PA', { transportError: 'timeout' })
    const refused = applyCommand(timeout, { kind: 'delete', at: '2026-03-02T11:00:00Z' })
    expect(refused.ok ? undefined : refused.refusal.code).toBe('DELETE_AFTER_TRANSMISSION')
  })

  it('records whether a transport error is ambiguous', () => {
    const result = applyCommand(snapshotIn('DA_INVIARE', 'B2B'), {
      kind: 'transport-error',
      error: 'timeout',
      fileName: FILE,
      message: 'no answer in 30 s',
    })
    expect(result.ok && result.state.transportError).toEqual({
      kind: 'timeout',
      fileName: FILE,
      ambiguous: true,
      message: 'no answer in 30 s',
    })
  })

  it('a corrected re-submission keeps the rejected transmission and may renumber the bodies', () => {
    const result = applyCommand(snapshotIn('SCARTATA', 'PA', { bodies: 2 }), {
      kind: 'correct',
      signatureRequired: true,
      bodies: [{ number: 'F1', year: 2026 }],
    })
    if (!result.ok) throw new Error(result.refusal.message)
    expect(result.state.bodies).toEqual([{ position: 1, number: 'F1', year: 2026, state: 'DA_FIRMARE' }])
    expect(result.state.transmission).toBeUndefined()
    expect(result.state.rejection).toBeUndefined()
    expect(result.state.previousTransmissions).toHaveLength(1)
  })

  it('archiving keeps the bodies SDI outcome', () => {
    const result = applyCommand(snapshotIn('RIFIUTATA', 'PA'), { kind: 'archive' })
    expect(result.ok && result.state.bodies.map((b) => b.state)).toEqual(['RIFIUTATA'])
  })

  it('refuses to archive a lot with a body still awaiting its outcome', () => {
    const current = snapshotIn('ACCETTATA', 'PA', { bodies: 2 })
    current.bodies = [
      current.bodies[0] as (typeof current.bodies)[0],
      { ...(current.bodies[1] as (typeof current.bodies)[0]), state: 'CONSEGNATA' },
    ]
    const result = applyCommand(current, { kind: 'archive' })
    expect(result.ok ? undefined : result.refusal.code).toBe('LOT_NOT_SETTLED')
  })

  it('refuses every command on a deleted invoice', () => {
    const deleted = applyCommand(snapshotIn('DA_INVIARE', 'PA'), { kind: 'delete' })
    if (!deleted.ok) throw new Error(deleted.refusal.message)
    for (const [, command] of commands) {
      const result = applyCommand(deleted.state, command)
      expect(result.ok ? undefined : result.refusal.code).toBe('INVOICE_DELETED')
    }
  })

  it('a refusal leaves the snapshot untouched', () => {
    const current = snapshotIn('INVIATA', 'PA')
    const before = structuredClone(current)
    applyCommand(current, { kind: 'archive' })
    expect(current).toEqual(before)
  })
})
