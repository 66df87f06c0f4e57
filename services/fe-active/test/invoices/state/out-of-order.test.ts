import { describe, expect, it } from '@jest/globals'
import {
  applyCommand,
  applyNotification,
  createInvoiceState,
  type InvoiceStateSnapshot,
  type ParsedNotification,
  type SdiFlow,
} from '../../../src/invoices/state/index.js'
import { FILE, ID, msg, snapshotIn, T0, T1 } from './fixtures.js'

function run(start: InvoiceStateSnapshot, messages: readonly ParsedNotification[]) {
  let state = start
  const results = messages.map((message) => {
    const result = applyNotification(state, message)
    state = result.state
    return result
  })
  return { state, results }
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]]
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]))
}

describe('applyNotification: out-of-order and duplicate messages', () => {
  it('NE before RC: NE implies the delivery; the late RC does not move ACCETTATA back to CONSEGNATA', () => {
    const { state, results } = run(snapshotIn('INVIATA', 'PA'), [msg.ne('EC01'), msg.rcPA()])
    expect(results.map((r) => [r.decision, r.entry?.reason])).toEqual([
      ['applied', 'advanced-implied'],
      ['ignored', 'superseded'],
    ])
    expect(state.state).toBe('ACCETTATA')
    // The late RC still records T1, and starts no 15-day term (the outcome is known).
    expect(state.transmission?.deliveredAt).toBe(T1)
    expect(results[1]?.effects).toEqual([])
  })

  it('DT then a late NE or EC: terms expired stays; the NE is an anomaly, the EC is not for the transmitter', () => {
    const { state, results } = run(snapshotIn('CONSEGNATA', 'PA'), [msg.dt(), msg.ne('EC02'), msg.ec()])
    expect(results.map((r) => [r.decision, r.entry?.reason])).toEqual([
      ['applied', 'advanced'],
      ['anomaly', 'conflict'],
      ['anomaly', 'recipient-side-message'],
    ])
    expect(results[1]?.entry?.detail).toMatch(/NE after DT/)
    expect(state.state).toBe('DECORSI_TERMINI')
    expect(state.bodies[0]?.outcome).toBeUndefined()
    expect(results[0]?.effects).toContainEqual({ kind: 'final-outcome', state: 'DECORSI_TERMINI' })
  })

  it('duplicate NS: the second copy changes nothing; another NS (new MessageId) is recorded as ignored', () => {
    const ns = msg.nsPA({ id: '5001' })
    const first = applyNotification(snapshotIn('INVIATA', 'PA'), ns)
    const duplicate = applyNotification(first.state, { ...ns })
    expect(first.state.state).toBe('SCARTATA')
    expect(duplicate).toEqual({ state: first.state, changed: false, effects: [], decision: 'duplicate' })
    expect(duplicate.state).toBe(first.state)

    const other = applyNotification(first.state, msg.nsPA({ id: '5002' }))
    expect([other.decision, other.entry?.reason]).toEqual(['ignored', 'already-in-state'])
    expect(other.state.history).toHaveLength(2)
  })

  it('the same MessageId in another message kind is not a duplicate', () => {
    const first = applyNotification(snapshotIn('INVIATA', 'PA'), msg.mcPA({ id: '7' }))
    const second = applyNotification(first.state, msg.rcPA({ id: '7' }))
    expect(second.decision).toBe('applied')
    expect(second.state.state).toBe('CONSEGNATA')
  })

  it('PA: MC → RC (delivered on a later attempt) → NE', () => {
    const { state, results } = run(snapshotIn('INVIATA', 'PA'), [msg.mcPA(), msg.rcPA(), msg.ne('EC01')])
    expect(results.map((r) => r.state.state)).toEqual(['NON_CONSEGNATA', 'CONSEGNATA', 'ACCETTATA'])
    expect(results[1]?.effects).toContainEqual({ kind: 'outcome-term-started', deliveredAt: T1, days: 15 })
    expect(results[0]?.effects.some((e) => e.kind === 'final-outcome')).toBe(false)
    expect(state.bodies[0]?.outcome).toMatchObject({ esito: 'EC01' })
  })

  it('PA: a late MC after the RC is ignored (SDI sends the MC before the successful retry)', () => {
    const { state, results } = run(snapshotIn('INVIATA', 'PA'), [msg.rcPA(), msg.mcPA()])
    expect(results[1]?.entry?.reason).toBe('superseded')
    expect(state.state).toBe('CONSEGNATA')
  })

  it('PA: AT after MC is final; an RC after the AT contradicts it', () => {
    const { state, results } = run(snapshotIn('INVIATA', 'PA'), [msg.mcPA(), msg.at(), msg.rcPA()])
    expect(results.map((r) => r.decision)).toEqual(['applied', 'applied', 'anomaly'])
    expect(results[1]?.effects).toEqual(
      expect.arrayContaining([{ kind: 'deliver-outside-sdi' }, { kind: 'final-outcome', state: 'NON_RECAPITABILE' }]),
    )
    expect(state.state).toBe('NON_RECAPITABILE')
  })

  it('B2B: MC is final (area riservata); an RC after it is a conflict, and an MC after an RC too', () => {
    const mc = run(snapshotIn('INVIATA', 'B2B'), [msg.mcB2B(), msg.rcB2B()])
    expect(mc.state.state).toBe('NON_CONSEGNATA')
    expect(mc.results[0]?.effects).toEqual(
      expect.arrayContaining([
        { kind: 'notify-customer-area-riservata', availableSince: '2026-03-04' },
        { kind: 'final-outcome', state: 'NON_CONSEGNATA' },
      ]),
    )
    expect(mc.state.transmission?.availableSince).toBe('2026-03-04')
    expect(mc.results[1]?.entry?.reason).toBe('conflict')

    const rc = run(snapshotIn('INVIATA', 'B2B'), [msg.rcB2B(), msg.mcB2B()])
    expect(rc.state.state).toBe('CONSEGNATA')
    expect(rc.results[1]?.entry?.reason).toBe('conflict')
  })

  it.each(['NE', 'DT', 'AT'] as const)('B2B: %s is a recorded anomaly, not applied', (code) => {
    const message = code === 'NE' ? msg.ne('EC01') : code === 'DT' ? msg.dt() : msg.at()
    const result = applyNotification(snapshotIn('CONSEGNATA', 'B2B'), message)
    expect([result.decision, result.entry?.reason, result.state.state]).toEqual(['anomaly', 'vocabulary-mismatch', 'CONSEGNATA'])
  })

  it('NS contradicts a delivered file, and RC a rejected one', () => {
    expect(applyNotification(snapshotIn('CONSEGNATA', 'PA'), msg.nsPA()).entry?.detail).toMatch(/never delivered/)
    expect(applyNotification(snapshotIn('SCARTATA', 'B2B'), msg.rcB2B()).entry?.reason).toBe('conflict')
  })

  describe('every arrival order of a legal set of messages ends in the same state, without anomalies', () => {
    const sets: [SdiFlow, string, () => ParsedNotification[], string][] = [
      ['PA', 'MC, RC, NE EC01', () => [msg.mcPA(), msg.rcPA(), msg.ne('EC01')], 'ACCETTATA'],
      ['PA', 'MC, RC, NE EC02', () => [msg.mcPA(), msg.rcPA(), msg.ne('EC02')], 'RIFIUTATA'],
      ['PA', 'MC, RC, DT', () => [msg.mcPA(), msg.rcPA(), msg.dt()], 'DECORSI_TERMINI'],
      ['PA', 'MC, MC, AT', () => [msg.mcPA(), msg.mcPA(), msg.at()], 'NON_RECAPITABILE'],
      ['PA', 'RC, NE', () => [msg.rcPA(), msg.ne('EC01')], 'ACCETTATA'],
      ['B2B', 'RC', () => [msg.rcB2B()], 'CONSEGNATA'],
      ['B2B', 'MC', () => [msg.mcB2B()], 'NON_CONSEGNATA'],
      ['PA', 'NS', () => [msg.nsPA()], 'SCARTATA'],
    ]
    it.each(sets)('%s %s → %s', (flow, _name, make, final) => {
      const messages = make()
      for (const order of permutations(messages)) {
        const { state, results } = run(snapshotIn('INVIATA', flow), order)
        expect(state.state).toBe(final)
        expect(results.filter((r) => r.decision === 'anomaly')).toEqual([])
        if (messages.some((m) => m.type === 'RicevutaConsegna')) expect(state.transmission?.deliveredAt).toBe(T1)
        // Every message leaves one history entry, applied or ignored.
        expect(state.history).toHaveLength(messages.length)
      }
    })
  })

  it('keeps the earliest delivery time as T1 whatever order two RCs arrive in', () => {
    const early = '2026-03-02T09:30:00.000Z'
    const late = '2026-03-03T09:30:00.000Z'
    for (const order of [
      [msg.rcPA({ consegna: late }), msg.rcPA({ consegna: early })],
      [msg.rcPA({ consegna: early }), msg.rcPA({ consegna: late })],
    ]) {
      expect(run(snapshotIn('INVIATA', 'PA'), order).state.transmission?.deliveredAt).toBe(early)
    }
  })
})

describe('applyNotification: matching the transmission', () => {
  it('an ambiguous transport error is reconciled by the first message about the file', () => {
    let state = createInvoiceState({ flow: 'PA', bodies: [{ number: 'F1', year: 2026 }], signatureRequired: false })
    const failed = applyCommand(state, { kind: 'transport-error', error: 'timeout', fileName: FILE })
    if (!failed.ok) throw new Error(failed.refusal.message)
    state = failed.state
    const rc = applyNotification(state, msg.rcPA())
    expect([rc.decision, rc.entry?.reason, rc.state.state]).toEqual(['applied', 'reconciled', 'CONSEGNATA'])
    expect(rc.state.transmission).toMatchObject({ fileName: FILE, identificativoSdI: ID, receivedAt: T0, deliveredAt: T1 })
    expect(rc.state.transportError).toBeUndefined()
  })

  it('a message about another file is an anomaly', () => {
    const other = { ...msg.rcPA(), IdentificativoSdI: '999', NomeFile: 'IT01234567890_0000B.xml' }
    expect(applyNotification(snapshotIn('INVIATA', 'PA'), other).entry?.reason).toBe('other-transmission')
    expect(applyNotification(snapshotIn('ERRORE_IN_INVIO', 'PA'), other).entry?.reason).toBe('other-transmission')
  })

  it('accepts a zero-padded PA IdentificativoSdI', () => {
    const padded = { ...msg.rcPA(), IdentificativoSdI: `000${ID}` }
    expect(applyNotification(snapshotIn('INVIATA', 'PA'), padded).state.state).toBe('CONSEGNATA')
  })

  it('a message with another T0 (DataOraRicezione) is not about this reception', () => {
    const result = applyNotification(snapshotIn('INVIATA', 'PA'), { ...msg.rcPA(), DataOraRicezione: '2026-03-01T10:00:00.000+01:00' })
    expect([result.decision, result.entry?.reason]).toEqual(['anomaly', 'other-transmission'])
    // The same instant written differently matches.
    expect(applyNotification(snapshotIn('INVIATA', 'PA'), { ...msg.rcPA(), DataOraRicezione: '2026-03-02T09:00:00Z' }).state.state).toBe(
      'CONSEGNATA',
    )
  })

  it('learns IdentificativoSdI and T0 from the first message of a PEC transmission', () => {
    const start = snapshotIn('INVIATA', 'B2B')
    start.transmission = { fileName: FILE }
    const result = applyNotification(start, msg.rcB2B())
    expect(result.state.transmission).toMatchObject({ identificativoSdI: ID, receivedAt: T0, deliveredAt: T1 })
  })

  it('ignores messages about an earlier, rejected transmission after the corrected re-submission', () => {
    const rejected = applyNotification(snapshotIn('INVIATA', 'B2B'), msg.nsB2B())
    const corrected = applyCommand(rejected.state, { kind: 'correct', signatureRequired: false })
    if (!corrected.ok) throw new Error(corrected.refusal.message)
    const submitted = applyCommand(corrected.state, {
      kind: 'submit',
      fileName: 'IT01234567890_0000B.xml',
      identificativoSdI: '222',
      receivedAt: T0,
    })
    if (!submitted.ok) throw new Error(submitted.refusal.message)
    expect(submitted.state.previousTransmissions).toEqual([expect.objectContaining({ identificativoSdI: ID, finalState: 'SCARTATA' })])

    const lateNs = applyNotification(submitted.state, msg.nsB2B())
    expect([lateNs.decision, lateNs.entry?.reason, lateNs.state.state]).toEqual(['ignored', 'previous-transmission', 'INVIATA'])
    // In DA INVIARE (corrected, not yet sent) too.
    expect(applyNotification(corrected.state, msg.nsB2B()).entry?.reason).toBe('previous-transmission')
  })

  it('a message before any transmission is an anomaly', () => {
    const result = applyNotification(snapshotIn('DA_INVIARE', 'PA'), msg.rcPA())
    expect([result.decision, result.entry?.reason]).toEqual(['anomaly', 'no-transmission'])
  })
})

describe('applyNotification: SCARTATA carries the error list', () => {
  it('keeps SDI Suggerimento (B2B) and adds ours where SDI gives none', () => {
    const result = applyNotification(
      snapshotIn('INVIATA', 'B2B'),
      msg.nsB2B({
        errors: [
          { Codice: '00311', Descrizione: 'Codice destinatario non valido', Suggerimento: 'Verificare il codice destinatario' },
          { Codice: '00002', Descrizione: 'Nome file duplicato' },
          { Codice: '00999', Descrizione: 'Altro' },
        ],
      }),
    )
    const errors = [
      {
        code: '00311',
        description: 'Codice destinatario non valido',
        suggestion: 'Verificare il codice destinatario',
        suggestionSource: 'sdi',
      },
      {
        code: '00002',
        description: 'Nome file duplicato',
        suggestion: expect.stringMatching(/settings\/transmitters\/\{IdTrasmittente\}\/progressivo/),
        suggestionSource: 'fe-active',
      },
      { code: '00999', description: 'Altro' },
    ]
    expect(result.state.rejection?.errors).toEqual(errors)
    expect(result.effects).toContainEqual({ kind: 'invoice-rejected', errors })
    expect(result.effects).toContainEqual({ kind: 'final-outcome', state: 'SCARTATA' })
  })

  it('PA NotificaScarto has no Suggerimento: ours for known codes', () => {
    const result = applyNotification(snapshotIn('INVIATA', 'PA'), msg.nsPA({ codes: ['00404'] }))
    expect(result.state.rejection?.errors[0]).toMatchObject({ code: '00404', suggestionSource: 'fe-active' })
  })
})

describe('applyNotification: lots (per-body state)', () => {
  const lot = () => applyNotification(snapshotIn('INVIATA', 'PA', { bodies: 3 }), msg.rcPA()).state

  it('RC applies to the whole file', () => {
    const state = lot()
    expect(state.bodies.map((b) => b.state)).toEqual(['CONSEGNATA', 'CONSEGNATA', 'CONSEGNATA'])
    expect(state.state).toBe('CONSEGNATA')
  })

  it('NE for one body (PosizioneFattura) moves that body only; the file waits for the others', () => {
    const result = applyNotification(lot(), msg.ne('EC01', { ref: { NumeroFattura: 'F2', AnnoFattura: 2026, PosizioneFattura: 2 } }))
    expect(result.state.bodies.map((b) => b.state)).toEqual(['CONSEGNATA', 'ACCETTATA', 'CONSEGNATA'])
    expect(result.state.state).toBe('CONSEGNATA')
    expect(result.changed).toBe(true)
    expect(result.effects).toEqual([{ kind: 'body-state-changed', position: 2, from: 'CONSEGNATA', to: 'ACCETTATA' }])
    expect(result.entry?.bodies).toEqual([{ position: 2, decision: 'applied', reason: 'advanced', from: 'CONSEGNATA', to: 'ACCETTATA' }])
  })

  it('per-body outcomes in any order: the file shows the state that needs attention first', () => {
    const ne1 = msg.ne('EC02', { ref: { NumeroFattura: 'F1', AnnoFattura: 2026 } })
    const ne2 = msg.ne('EC01', { ref: { NumeroFattura: 'F2', AnnoFattura: 2026, PosizioneFattura: 2 } })
    const dt3 = msg.dt({ ref: { NumeroFattura: 'F3', AnnoFattura: 2026, PosizioneFattura: 3 } })
    for (const order of permutations([ne1, ne2, dt3])) {
      const { state, results } = run(lot(), order)
      expect(state.bodies.map((b) => b.state)).toEqual(['RIFIUTATA', 'ACCETTATA', 'DECORSI_TERMINI'])
      expect(state.state).toBe('RIFIUTATA')
      expect(results.every((r) => r.decision === 'applied')).toBe(true)
      expect(results.filter((r) => r.effects.some((e) => e.kind === 'final-outcome'))).toHaveLength(1)
    }
  })

  it('NE without RiferimentoFattura applies to the whole lot', () => {
    const result = applyNotification(lot(), msg.ne('EC01'))
    expect(result.state.bodies.map((b) => b.state)).toEqual(['ACCETTATA', 'ACCETTATA', 'ACCETTATA'])
    expect(result.state.state).toBe('ACCETTATA')
  })

  it('a lot-wide DT after a per-body NE: pending bodies expire, the decided body is a conflict', () => {
    const accepted = applyNotification(
      lot(),
      msg.ne('EC01', { ref: { NumeroFattura: 'F1', AnnoFattura: 2026, PosizioneFattura: 1 } }),
    ).state
    const result = applyNotification(accepted, msg.dt())
    expect(result.state.bodies.map((b) => b.state)).toEqual(['ACCETTATA', 'DECORSI_TERMINI', 'DECORSI_TERMINI'])
    expect(result.state.state).toBe('DECORSI_TERMINI')
    expect(result.decision).toBe('applied')
    expect(result.effects.filter((e) => e.kind === 'anomaly')).toHaveLength(1)
  })

  it.each([
    ['an unknown number', { NumeroFattura: 'X9', AnnoFattura: 2026 }],
    ['another year', { NumeroFattura: 'F1', AnnoFattura: 2025 }],
    ['a position holding another number', { NumeroFattura: 'F1', AnnoFattura: 2026, PosizioneFattura: 2 }],
    ['a position beyond the lot', { NumeroFattura: 'F1', AnnoFattura: 2026, PosizioneFattura: 4 }],
  ])('NE naming %s is an anomaly', (_name, ref) => {
    const result = applyNotification(lot(), msg.ne('EC01', { ref }))
    expect([result.decision, result.entry?.reason, result.state.state]).toEqual(['anomaly', 'unknown-body', 'CONSEGNATA'])
  })

  it('NS rejects every body of the lot', () => {
    const result = applyNotification(snapshotIn('INVIATA', 'B2B', { bodies: 2 }), msg.nsB2B())
    expect(result.state.bodies.map((b) => b.state)).toEqual(['SCARTATA', 'SCARTATA'])
  })
})
