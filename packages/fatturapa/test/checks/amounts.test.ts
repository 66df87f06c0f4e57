import { describe, expect, it } from '@jest/globals'
import { Decimal } from 'decimal.js'
import { runContentChecks } from '../../src/checks/index.js'
import { addCassa, codes, fpr02, line, riepilogo, setOptional } from './support.js'

const RIEPILOGO = '/FatturaElettronicaBody[1]/DatiBeniServizi/DatiRiepilogo[1]'

// FPR02: lines 5.00 and 20.00 at 22%, summary 25.00 / 5.50.
describe('00421 Imposta, ± 0.01 inclusive', () => {
  it.each([
    ['5.50', []],
    ['5.51', []],
    ['5.49', []],
    ['5.52', ['00421']],
    ['5.48', ['00421']],
  ])('Imposta %s on 22%% of 25.00 → %j', (imposta, expected) => {
    expect(codes(runContentChecks(fpr02((i) => (riepilogo(i).Imposta = imposta))))).toEqual(expected)
  })

  it('rounds the expected tax half up before comparing', () => {
    // 10% of 0.25 = 0.025: half up gives 0.03, half even or half down 0.02; only half up accepts 0.04 and refuses 0.01.
    const invoice = fpr02((i) => {
      for (const index of [0, 1]) line(i, index).AliquotaIVA = '10.00'
      line(i, 0).Quantita = '0.05'
      line(i, 0).PrezzoUnitario = '5.00'
      line(i, 0).PrezzoTotale = '0.25'
      setOptional(line(i, 1), 'Quantita', undefined)
      line(i, 1).PrezzoUnitario = '0.00'
      line(i, 1).PrezzoTotale = '0.00'
      riepilogo(i).AliquotaIVA = '10.00'
      riepilogo(i).ImponibileImporto = '0.25'
      riepilogo(i).Imposta = '0.04'
    })
    expect(runContentChecks(invoice)).toEqual([])
    riepilogo(invoice).Imposta = '0.01'
    expect(runContentChecks(invoice)).toEqual([
      { code: '00421', path: `${RIEPILOGO}/Imposta`, message: 'Imposta 0.01 differs from 10.00% of 0.25 = 0.03 by more than 0.01' },
    ])
  })
})

describe('00422 ImponibileImporto, ± 1.00 inclusive', () => {
  it.each([
    ['26.00', '5.72', []],
    ['26.01', '5.72', ['00422']],
    ['24.00', '5.28', []],
    ['23.99', '5.28', ['00422']],
  ])('ImponibileImporto %s (Imposta %s) against lines 25.00 → %j', (imponibile, imposta, expected) => {
    const invoice = fpr02((i) => {
      riepilogo(i).ImponibileImporto = imponibile
      riepilogo(i).Imposta = imposta
    })
    expect(codes(runContentChecks(invoice))).toEqual(expected)
  })

  it('names the sums it compared', () => {
    const invoice = fpr02((i) => {
      riepilogo(i).ImponibileImporto = '30.00'
      riepilogo(i).Imposta = '6.60'
    })
    expect(runContentChecks(invoice)).toEqual([
      {
        code: '00422',
        path: `${RIEPILOGO}/ImponibileImporto`,
        message:
          'ImponibileImporto 30.00 for AliquotaIVA 22.00 differs from Σ PrezzoTotale 25.00 + Σ ImportoContributoCassa 0.00 + Σ Arrotondamento 0.00 = 25.00 by more than 1.00',
      },
    ])
  })

  it('adds the cassa contribution and the summary Arrotondamento of the same rate', () => {
    const invoice = fpr02((i) => {
      addCassa(i, { ImportoContributoCassa: '3.00' })
      riepilogo(i).Arrotondamento = '-0.50'
      riepilogo(i).ImponibileImporto = '27.50'
      riepilogo(i).Imposta = '6.05'
    })
    expect(runContentChecks(invoice)).toEqual([])
    riepilogo(invoice).Arrotondamento = '-2.00'
    expect(codes(runContentChecks(invoice))).toEqual(['00422'])
  })

  it('compares group totals when several summary blocks share a rate', () => {
    const invoice = fpr02((i) => {
      riepilogo(i).ImponibileImporto = '5.00'
      riepilogo(i).Imposta = '1.10'
      i.FatturaElettronicaBody[0]?.DatiBeniServizi.DatiRiepilogo.push({
        AliquotaIVA: '22.00',
        ImponibileImporto: '20.00',
        Imposta: '4.40',
        EsigibilitaIVA: 'S',
      })
    })
    expect(runContentChecks(invoice)).toEqual([])
  })
})

describe('00423 PrezzoTotale, ± 0.01 inclusive', () => {
  // Line 1: Quantita 5.00 × PrezzoUnitario 1.00 = 5.00.
  it.each([
    ['5.00', []],
    ['5.01', []],
    ['4.99', []],
    ['5.02', ['00423']],
    ['4.98', ['00423']],
  ])('PrezzoTotale %s for 5 × 1.00 → %j', (totale, expected) => {
    expect(codes(runContentChecks(fpr02((i) => (line(i).PrezzoTotale = totale))))).toEqual(expected)
  })

  it('reports the expected value', () => {
    expect(runContentChecks(fpr02((i) => (line(i).PrezzoTotale = '5.50')))).toEqual([
      {
        code: '00423',
        path: '/FatturaElettronicaBody[1]/DatiBeniServizi/DettaglioLinee[1]/PrezzoTotale',
        message: 'line 1 PrezzoTotale 5.50 differs from (PrezzoUnitario 1.00) × Quantita 5.00 = 5.00 by more than 0.01',
      },
    ])
  })

  type Sconto = { Tipo: 'SC' | 'MG'; Percentuale?: string; Importo?: string }
  // Line 1 becomes 3 × 10.00 with the discounts below; ImponibileImporto follows the line to keep 00422 quiet.
  it.each<[string, Sconto[], string, boolean]>([
    [
      'cascading percentages',
      [
        { Tipo: 'SC', Percentuale: '10.00' },
        { Tipo: 'SC', Percentuale: '5.00' },
      ],
      '25.65',
      true,
    ],
    [
      'percentages are not added up',
      [
        { Tipo: 'SC', Percentuale: '10.00' },
        { Tipo: 'SC', Percentuale: '5.00' },
      ],
      '25.50',
      false,
    ],
    ['an amount per unit', [{ Tipo: 'SC', Importo: '1.00' }], '27.00', true],
    ['an amount is not per line', [{ Tipo: 'SC', Importo: '1.00' }], '29.00', false],
    ['a surcharge', [{ Tipo: 'MG', Percentuale: '10.00' }], '33.00', true],
    ['a negative amount still discounts', [{ Tipo: 'SC', Importo: '-1.00' }], '27.00', true],
    ['both given, the percentage matches', [{ Tipo: 'SC', Percentuale: '10.00', Importo: '1.50' }], '27.00', true],
    ['both given, the amount matches', [{ Tipo: 'SC', Percentuale: '10.00', Importo: '1.50' }], '25.50', true],
    ['both given, neither matches', [{ Tipo: 'SC', Percentuale: '10.00', Importo: '1.50' }], '26.00', false],
  ])('%s', (_name, sconti, totale, passes) => {
    const invoice = fpr02((i) => {
      const first = line(i)
      first.Quantita = '3.00'
      first.PrezzoUnitario = '10.00'
      first.ScontoMaggiorazione = sconti
      first.PrezzoTotale = totale
    })
    const imponibile = new Decimal(totale).plus('20.00')
    riepilogo(invoice).ImponibileImporto = imponibile.toFixed(2)
    riepilogo(invoice).Imposta = imponibile.times('0.22').toFixed(2, Decimal.ROUND_HALF_UP)
    expect(codes(runContentChecks(invoice))).toEqual(passes ? [] : ['00423'])
  })

  it('takes Quantita as 1 when absent', () => {
    const invoice = fpr02((i) => {
      setOptional(line(i), 'Quantita', undefined)
      line(i).PrezzoUnitario = '5.00'
    })
    expect(runContentChecks(invoice)).toEqual([])
  })

  it('handles unit prices with 8 decimals', () => {
    const invoice = fpr02((i) => {
      line(i).Quantita = '3.00'
      line(i).PrezzoUnitario = '1.66666667'
    })
    expect(runContentChecks(invoice)).toEqual([])
  })
})
