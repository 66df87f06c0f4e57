import { describe, expect, it } from '@jest/globals'
import { applyNotification, type InvoiceState, type ParsedNotification, type SdiFlow } from '../../../src/invoices/state/index.js'
import { msg, snapshotIn } from './fixtures.js'

// Every state × every message of both vocabularies, for both flows. Expectations are written by hand from
// docs/sdi-fatturapa.md §2–§3: a state name = applied, leading to that state; '=' = ignored (late or already
// there); '!' = anomaly recorded, not applied.
const columns: readonly [string, () => ParsedNotification][] = [
  ['RC·PA', () => msg.rcPA()],
  ['NS·PA', () => msg.nsPA()],
  ['MC·PA', () => msg.mcPA()],
  ['NE·EC01', () => msg.ne('EC01')],
  ['NE·EC02', () => msg.ne('EC02')],
  ['DT', () => msg.dt()],
  ['AT', () => msg.at()],
  ['MT·PA', () => msg.mtPA()],
  ['EC', () => msg.ec()],
  ['SE', () => msg.se()],
  ['RC·B2B', () => msg.rcB2B()],
  ['NS·B2B', () => msg.nsB2B()],
  ['MC·B2B', () => msg.mcB2B()],
  ['MT·B2B', () => msg.mtB2B()],
]

type Cell = InvoiceState | '=' | '!'
const none: Cell[] = Array(14).fill('!')

// biome-ignore format: the matrix reads as a table
const expected: Record<SdiFlow, Record<InvoiceState, Cell[]>> = {
  PA: {
    //                 RC·PA          NS·PA       MC·PA             NE·EC01      NE·EC02      DT                 AT                  MT   EC   SE   RC·B2B        NS·B2B      MC·B2B MT·B2B
    DA_FIRMARE:       none,
    DA_INVIARE:       none,
    INVIATA:          ['CONSEGNATA', 'SCARTATA', 'NON_CONSEGNATA', 'ACCETTATA', 'RIFIUTATA', 'DECORSI_TERMINI', 'NON_RECAPITABILE', '!', '!', '!', 'CONSEGNATA', 'SCARTATA', '!', '!'],
    ERRORE_IN_INVIO:  ['CONSEGNATA', 'SCARTATA', 'NON_CONSEGNATA', 'ACCETTATA', 'RIFIUTATA', 'DECORSI_TERMINI', 'NON_RECAPITABILE', '!', '!', '!', 'CONSEGNATA', 'SCARTATA', '!', '!'],
    SCARTATA:         ['!',          '=',        '!',              '!',         '!',         '!',               '!',                '!', '!', '!', '!',          '=',        '!', '!'],
    CONSEGNATA:       ['=',          '!',        '=',              'ACCETTATA', 'RIFIUTATA', 'DECORSI_TERMINI', '!',                '!', '!', '!', '=',          '!',        '!', '!'],
    NON_CONSEGNATA:   ['CONSEGNATA', '!',        '=',              'ACCETTATA', 'RIFIUTATA', 'DECORSI_TERMINI', 'NON_RECAPITABILE', '!', '!', '!', 'CONSEGNATA', '!',        '!', '!'],
    NON_RECAPITABILE: ['!',          '!',        '=',              '!',         '!',         '!',               '=',                '!', '!', '!', '!',          '!',        '!', '!'],
    ACCETTATA:        ['=',          '!',        '=',              '=',         '!',         '!',               '!',                '!', '!', '!', '=',          '!',        '!', '!'],
    RIFIUTATA:        ['=',          '!',        '=',              '!',         '=',         '!',               '!',                '!', '!', '!', '=',          '!',        '!', '!'],
    DECORSI_TERMINI:  ['=',          '!',        '=',              '!',         '!',         '=',               '!',                '!', '!', '!', '=',          '!',        '!', '!'],
    ARCHIVIATA:       ['=',          '!',        '=',              '=',         '!',         '!',               '!',                '!', '!', '!', '=',          '!',        '!', '!'],
  },
  B2B: {
    //                 RC·PA          NS·PA       MC·PA NE·EC01 NE·EC02 DT   AT   MT   EC   SE   RC·B2B        NS·B2B      MC·B2B            MT·B2B
    DA_FIRMARE:       none,
    DA_INVIARE:       none,
    INVIATA:          ['CONSEGNATA', 'SCARTATA', '!',  '!',    '!',    '!', '!', '!', '!', '!', 'CONSEGNATA', 'SCARTATA', 'NON_CONSEGNATA', '!'],
    ERRORE_IN_INVIO:  ['CONSEGNATA', 'SCARTATA', '!',  '!',    '!',    '!', '!', '!', '!', '!', 'CONSEGNATA', 'SCARTATA', 'NON_CONSEGNATA', '!'],
    SCARTATA:         ['!',          '=',        '!',  '!',    '!',    '!', '!', '!', '!', '!', '!',          '=',        '!',              '!'],
    CONSEGNATA:       ['=',          '!',        '!',  '!',    '!',    '!', '!', '!', '!', '!', '=',          '!',        '!',              '!'],
    NON_CONSEGNATA:   ['!',          '!',        '!',  '!',    '!',    '!', '!', '!', '!', '!', '!',          '!',        '=',              '!'],
    // Unreachable in the B2B flow: nothing applies.
    NON_RECAPITABILE: none,
    ACCETTATA:        none,
    RIFIUTATA:        none,
    DECORSI_TERMINI:  none,
    ARCHIVIATA:       ['=',          '!',        '!',  '!',    '!',    '!', '!', '!', '!', '!', '=',          '!',        '!',              '!'],
  },
}

const cases = (['PA', 'B2B'] as const).flatMap((flow) =>
  Object.entries(expected[flow]).flatMap(([state, row]) =>
    columns.map(([name, make], i) => [flow, state as InvoiceState, name, make, row[i] as Cell] as const),
  ),
)

describe('applyNotification: every state × every message', () => {
  it('has a full matrix', () => {
    expect(cases).toHaveLength(2 * 12 * 14)
  })

  it.each(cases)('%s %s + %s', (flow, state, _name, make, cell) => {
    const current = snapshotIn(state, flow)
    const message = make()
    const result = applyNotification(current, message)

    expect(result.entry).toBeDefined()
    expect(result.state.history).toHaveLength(current.history.length + 1)
    const anomalies = result.effects.filter((e) => e.kind === 'anomaly')
    if (cell === '!') {
      expect(result.decision).toBe('anomaly')
      expect(result.changed).toBe(false)
      expect(result.state.state).toBe(state)
      expect(result.state.bodies).toEqual(current.bodies)
      expect(anomalies).toHaveLength(1)
    } else if (cell === '=') {
      expect(result.decision).toBe('ignored')
      expect(result.changed).toBe(false)
      expect(result.state.state).toBe(state)
      expect(result.state.bodies).toEqual(current.bodies)
      expect(anomalies).toHaveLength(0)
    } else {
      expect(result.decision).toBe('applied')
      expect(result.changed).toBe(true)
      expect(result.state.state).toBe(cell)
      expect(result.state.bodies.map((b) => b.state)).toEqual([cell])
      expect(result.effects).toContainEqual({ kind: 'state-changed', from: state, to: cell })
      expect(anomalies).toHaveLength(0)
    }
    // The same message again (redelivery, retried job) changes nothing, not even the history.
    const again = applyNotification(result.state, message)
    expect(again.decision).toBe('duplicate')
    expect(again.state).toBe(result.state)
    expect(again.changed).toBe(false)
    expect(again.effects).toEqual([])
  })
})
