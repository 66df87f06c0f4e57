import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { runSimplifiedChecks } from '../../src/checks/index.js'
import { validateInvoice } from '../../src/validation/index.js'
import { reference } from '../support/reference.js'

const sample = readFileSync(reference('fatturapa', 'samples', 'IT01234567890_FSM10.xml'), 'utf8')
const line = sample.match(/<DatiBeniServizi>[\s\S]*?<\/DatiBeniServizi>/)?.[0] as string
const withAmounts = (...amounts: string[]) =>
  sample.replace(line, amounts.map((amount) => line.replace(/<Importo>[^<]*<\/Importo>/, `<Importo>${amount}</Importo>`)).join(''))

describe('runSimplifiedChecks', () => {
  it('accepts the official FSM10 sample, also through the whole pipeline', async () => {
    expect(runSimplifiedChecks(sample)).toEqual([])
    expect(await validateInvoice(Buffer.from(sample))).toMatchObject({ valid: true, format: 'FSM10', issues: [] })
  })

  it.each([
    [['400.00'], []],
    [['200.00', '200.00'], []],
    [['200.00', '200.01'], ['00460']],
    [['400.01'], ['00460']],
  ])('amounts %j give %j (00460: the total of Importo may not exceed 400 euro)', async (amounts, codes) => {
    const xml = withAmounts(...amounts)
    expect(runSimplifiedChecks(xml).map((issue) => issue.code)).toEqual(codes)
    expect((await validateInvoice(Buffer.from(xml))).issues.map((issue) => issue.code)).toEqual(codes)
  })

  it('allows more than 400 euro when the invoice corrects an earlier one (DatiFatturaRettificata)', () => {
    const correcting = withAmounts('500.00').replace(
      '</DatiGeneraliDocumento>',
      '</DatiGeneraliDocumento><DatiFatturaRettificata><NumeroFR>1</NumeroFR><DataFR>2019-01-01</DataFR><ElementiRettificati>importo</ElementiRettificati></DatiFatturaRettificata>',
    )
    expect(runSimplifiedChecks(correcting)).toEqual([])
  })

  it('refuses the generic Natura N2/N3 since 2021 (00445), but not before', () => {
    const generic = sample.replace(/<DatiIVA>[\s\S]*?<\/DatiIVA>/, '<DatiIVA><Imposta>0.00</Imposta></DatiIVA><Natura>N2</Natura>')
    expect(runSimplifiedChecks(generic).map((issue) => issue.code)).toEqual(['00445'])
    expect(runSimplifiedChecks(generic, { receivedAt: new Date('2020-06-01T10:00:00Z') })).toEqual([])
    expect(runSimplifiedChecks(generic.replace('<Natura>N2</Natura>', '<Natura>N2.1</Natura>'))).toEqual([])
  })
})
