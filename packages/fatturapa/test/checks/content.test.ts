import { describe, expect, it } from '@jest/globals'
import { type ContentCheckOptions, checkCodes, runContentChecks } from '../../src/checks/index.js'
import {
  addCassa,
  body,
  cedente,
  cessionario,
  cessionarioWithVat,
  codes,
  documento,
  fpr02,
  type Invoice,
  line,
  riepilogo,
  ritenuta,
  sample,
  selfInvoice,
  setTipo,
  trasmissione,
  zeroRateFirstLine,
} from './support.js'

interface Case {
  name: string
  invoice: () => Invoice
  options?: ContentCheckOptions
  /** Every code the invoice must produce, in order; [] for the passing cases. */
  expected: string[]
  path?: string
}

const B1 = '/FatturaElettronicaBody[1]'
const DGD = `${B1}/DatiGenerali/DatiGeneraliDocumento`
const DT = '/FatturaElettronicaHeader/DatiTrasmissione'

/*
 * One row that triggers each code and one (or more) that passes just beside it. Each starts from an official sample
 * and changes as little as possible, keeping the rest of the invoice coherent so that the code under test is the
 * only one reported, unless the defect necessarily implies another (listed then in `expected`).
 */
const cases: Record<string, Case[]> = {
  '00313': [
    {
      name: 'XXXXXXX for a cessionario identified only by codice fiscale',
      invoice: () => fpr02((i) => (trasmissione(i).CodiceDestinatario = 'XXXXXXX')),
      expected: ['00313'],
      path: `${DT}/CodiceDestinatario`,
    },
    {
      name: 'XXXXXXX for an Italian IdFiscaleIVA',
      invoice: () =>
        fpr02((i) => {
          trasmissione(i).CodiceDestinatario = 'XXXXXXX'
          cessionarioWithVat(i)
        }),
      expected: ['00313'],
    },
    {
      name: 'XXXXXXX for a French cessionario passes',
      invoice: () =>
        fpr02((i) => {
          trasmissione(i).CodiceDestinatario = 'XXXXXXX'
          cessionarioWithVat(i, 'FR', '12345678901')
        }),
      expected: [],
    },
  ],
  '00330': [
    {
      name: 'PECDestinatario of SDI',
      invoice: () => fpr02((i) => (trasmissione(i).PECDestinatario = 'SDI01@pec.fatturapa.it')),
      expected: ['00330'],
      path: `${DT}/PECDestinatario`,
    },
    {
      name: 'an ordinary PEC passes',
      invoice: () => fpr02((i) => (trasmissione(i).PECDestinatario = 'sdi01@pec.example.it')),
      expected: [],
    },
  ],
  '00427': [
    {
      name: 'FPR12 with a 6-character code',
      invoice: () => fpr02((i) => (trasmissione(i).CodiceDestinatario = 'ABC123')),
      expected: ['00427'],
      path: `${DT}/CodiceDestinatario`,
    },
    {
      name: 'FPA12 with a 7-character code',
      invoice: () => {
        const i = sample('FPA01')
        trasmissione(i).CodiceDestinatario = 'ABC1234'
        return i
      },
      expected: ['00427'],
    },
    { name: 'FPA12 with a 6-character code passes', invoice: () => sample('FPA01'), expected: [] },
  ],
  '00428': [
    {
      name: 'FormatoTrasmissione FPR12 in a versione FPA12 file',
      invoice: () => fpr02((i) => (i.versione = 'FPA12')),
      expected: ['00428'],
      path: `${DT}/FormatoTrasmissione`,
    },
  ],
  '00417': [
    {
      name: 'cessionario without identifiers',
      invoice: () => fpr02((i) => delete cessionario(i).CodiceFiscale),
      expected: ['00417'],
      path: '/FatturaElettronicaHeader/CessionarioCommittente/DatiAnagrafici',
    },
    {
      name: 'cessionario with IdFiscaleIVA only passes',
      invoice: () =>
        fpr02((i) => {
          delete cessionario(i).CodiceFiscale
          cessionarioWithVat(i)
        }),
      expected: [],
    },
  ],
  '00476': [
    {
      name: 'French cedente, German cessionario',
      invoice: () =>
        fpr02((i) => {
          cedente(i).IdFiscaleIVA.IdPaese = 'FR'
          cessionarioWithVat(i, 'DE', '123456789')
        }),
      expected: ['00476'],
    },
    {
      name: 'French cedente, Italian cessionario passes',
      invoice: () => fpr02((i) => (cedente(i).IdFiscaleIVA.IdPaese = 'FR')),
      expected: [],
    },
  ],
  '00471': [
    {
      name: 'TD01 self-invoice',
      invoice: () => fpr02(selfInvoice),
      expected: ['00471'],
      path: `${DGD}/TipoDocumento`,
    },
    {
      name: 'TD01 to a cessionario whose codice fiscale is the cedente partita IVA',
      invoice: () => fpr02((i) => (cessionario(i).CodiceFiscale = cedente(i).IdFiscaleIVA.IdCodice)),
      expected: ['00471'],
    },
    {
      name: 'TD04 self-invoice passes',
      invoice: () =>
        fpr02((i) => {
          selfInvoice(i)
          setTipo(i, 'TD04')
        }),
      expected: [],
    },
  ],
  '00472': [
    {
      name: 'TD27 to another subject',
      invoice: () => fpr02((i) => setTipo(i, 'TD27')),
      expected: ['00472'],
      path: `${DGD}/TipoDocumento`,
    },
    {
      name: 'TD21 self-invoice passes',
      invoice: () =>
        fpr02((i) => {
          selfInvoice(i)
          setTipo(i, 'TD21')
        }),
      expected: [],
    },
  ],
  '00473': [
    {
      name: 'TD17 from an Italian cedente',
      invoice: () =>
        fpr02((i) => {
          setTipo(i, 'TD17')
          cessionarioWithVat(i)
        }),
      expected: ['00473'],
      path: `${DGD}/TipoDocumento`,
    },
    {
      name: 'TD28 from a French cedente',
      invoice: () =>
        fpr02((i) => {
          setTipo(i, 'TD28')
          cessionarioWithVat(i)
          cedente(i).IdFiscaleIVA.IdPaese = 'FR'
        }),
      expected: ['00473'],
    },
    {
      name: 'TD17 from a Livigno cedente (OO) passes',
      invoice: () =>
        fpr02((i) => {
          setTipo(i, 'TD17')
          cessionarioWithVat(i)
          cedente(i).IdFiscaleIVA.IdPaese = 'OO'
        }),
      expected: [],
    },
    {
      name: 'TD28 from San Marino passes',
      invoice: () =>
        fpr02((i) => {
          setTipo(i, 'TD28')
          cessionarioWithVat(i)
          cedente(i).IdFiscaleIVA.IdPaese = 'SM'
        }),
      expected: [],
    },
  ],
  '00474': [
    {
      name: 'TD21 with a line at 0%',
      invoice: () =>
        fpr02((i) => {
          selfInvoice(i)
          setTipo(i, 'TD21')
          zeroRateFirstLine(i, 'N3.5')
        }),
      expected: ['00474'],
      path: `${B1}/DatiBeniServizi/DettaglioLinee[1]/AliquotaIVA`,
    },
    {
      name: 'TD01 with a line at 0% passes',
      invoice: () => fpr02((i) => zeroRateFirstLine(i, 'N3.5')),
      expected: [],
    },
  ],
  '00475': [
    {
      name: 'TD16 to a cessionario without IdFiscaleIVA',
      invoice: () => fpr02((i) => setTipo(i, 'TD16')),
      expected: ['00475'],
      path: `${DGD}/TipoDocumento`,
    },
    {
      name: 'TD16 to a cessionario with IdFiscaleIVA passes',
      invoice: () =>
        fpr02((i) => {
          setTipo(i, 'TD16')
          cessionarioWithVat(i)
        }),
      expected: [],
    },
  ],
  '00403': [
    {
      name: 'invoice dated 2014-12-18, received on 2014-12-17 at noon',
      invoice: () => fpr02(),
      options: { receivedAt: new Date('2014-12-17T12:00:00Z') },
      expected: ['00403'],
      path: `${DGD}/Data`,
    },
    {
      name: 'received at 00:30 of the same day in Italy (23:30 UTC the day before) passes',
      invoice: () => fpr02(),
      options: { receivedAt: new Date('2014-12-17T23:30:00Z') },
      expected: [],
    },
  ],
  '00418': [
    {
      name: 'linked invoice dated after the invoice',
      invoice: () => fpr02((i) => (body(i).DatiGenerali.DatiFattureCollegate = [{ IdDocumento: '99', Data: '2014-12-19' }])),
      expected: ['00418'],
      path: `${DGD}/Data`,
    },
    {
      name: 'linked invoice of the same day passes',
      invoice: () => fpr02((i) => (body(i).DatiGenerali.DatiFattureCollegate = [{ IdDocumento: '99', Data: '2014-12-18' }])),
      expected: [],
    },
  ],
  '00425': [
    {
      name: 'Numero without digits',
      invoice: () => fpr02((i) => (documento(i).Numero = 'FT/A')),
      expected: ['00425'],
      path: `${DGD}/Numero`,
    },
    { name: 'Numero with one digit passes', invoice: () => fpr02((i) => (documento(i).Numero = 'FT/A1')), expected: [] },
  ],
  '00411': [
    {
      name: 'line subject to withholding without DatiRitenuta',
      invoice: () => fpr02((i) => (line(i, 1).Ritenuta = 'SI')),
      expected: ['00411'],
      path: `${B1}/DatiBeniServizi/DettaglioLinee[2]/Ritenuta`,
    },
    {
      name: 'with DatiRitenuta passes',
      invoice: () =>
        fpr02((i) => {
          line(i, 1).Ritenuta = 'SI'
          documento(i).DatiRitenuta = [{ ...ritenuta }]
        }),
      expected: [],
    },
  ],
  '00415': [
    {
      name: 'cassa subject to withholding without DatiRitenuta',
      invoice: () => fpr02((i) => addCassa(i, { Ritenuta: 'SI' })),
      expected: ['00415'],
      path: `${DGD}/DatiCassaPrevidenziale[1]/Ritenuta`,
    },
    {
      name: 'with DatiRitenuta passes',
      invoice: () =>
        fpr02((i) => {
          addCassa(i, { Ritenuta: 'SI' })
          documento(i).DatiRitenuta = [{ ...ritenuta }]
        }),
      expected: [],
    },
  ],
  '00437': [
    {
      name: 'document discount without amount',
      invoice: () => fpr02((i) => (documento(i).ScontoMaggiorazione = [{ Tipo: 'SC' }])),
      expected: ['00437'],
      path: `${DGD}/ScontoMaggiorazione[1]`,
    },
    {
      name: 'document discount with Importo passes',
      invoice: () => fpr02((i) => (documento(i).ScontoMaggiorazione = [{ Tipo: 'SC', Importo: '1.00' }])),
      expected: [],
    },
  ],
  '00438': [
    {
      name: 'line surcharge without amount',
      invoice: () => fpr02((i) => (line(i).ScontoMaggiorazione = [{ Tipo: 'MG' }])),
      expected: ['00438'],
      path: `${B1}/DatiBeniServizi/DettaglioLinee[1]/ScontoMaggiorazione[1]`,
    },
    {
      name: 'line discount with Percentuale passes',
      invoice: () =>
        fpr02((i) => {
          line(i).ScontoMaggiorazione = [{ Tipo: 'SC', Percentuale: '10.00' }]
          line(i).PrezzoTotale = '4.50'
        }),
      expected: [],
    },
  ],
  '00400': [
    {
      name: 'line at 0% without Natura',
      invoice: () => fpr02((i) => zeroRateFirstLine(i, undefined, 'N2.1')),
      expected: ['00400'],
      path: `${B1}/DatiBeniServizi/DettaglioLinee[1]/Natura`,
    },
    { name: 'line at 0% with Natura passes', invoice: () => fpr02((i) => zeroRateFirstLine(i, 'N2.1')), expected: [] },
  ],
  '00401': [
    {
      name: 'TD01 lines and summary at 22% with Natura N6.3',
      invoice: () =>
        fpr02((i) => {
          line(i, 0).Natura = 'N6.3'
          line(i, 1).Natura = 'N6.3'
          riepilogo(i).Natura = 'N6.3'
        }),
      expected: ['00401', '00401', '00430'],
      path: `${B1}/DatiBeniServizi/DettaglioLinee[1]/Natura`,
    },
    {
      name: 'the same as TD16 passes',
      invoice: () =>
        fpr02((i) => {
          setTipo(i, 'TD16')
          cessionarioWithVat(i)
          line(i, 0).Natura = 'N6.3'
          line(i, 1).Natura = 'N6.3'
          riepilogo(i).Natura = 'N6.3'
        }),
      expected: [],
    },
  ],
  '00413': [
    {
      name: 'cassa at 0% without Natura',
      invoice: () =>
        fpr02((i) => {
          addCassa(i, { AliquotaIVA: '0.00' })
          body(i).DatiBeniServizi.DatiRiepilogo.push({ AliquotaIVA: '0.00', Natura: 'N4', ImponibileImporto: '1.00', Imposta: '0.00' })
        }),
      expected: ['00413'],
      path: `${DGD}/DatiCassaPrevidenziale[1]/Natura`,
    },
    {
      name: 'cassa at 0% with Natura passes',
      invoice: () =>
        fpr02((i) => {
          addCassa(i, { AliquotaIVA: '0.00', Natura: 'N4' })
          body(i).DatiBeniServizi.DatiRiepilogo.push({ AliquotaIVA: '0.00', Natura: 'N4', ImponibileImporto: '1.00', Imposta: '0.00' })
        }),
      expected: [],
    },
  ],
  '00414': [
    {
      name: 'cassa at 22% with Natura (its Natura then also lacks a summary)',
      invoice: () => fpr02((i) => addCassa(i, { Natura: 'N4' })),
      expected: ['00414', '00444'],
      path: `${DGD}/DatiCassaPrevidenziale[1]/Natura`,
    },
    { name: 'cassa at 22% without Natura passes', invoice: () => fpr02((i) => addCassa(i)), expected: [] },
  ],
  '00429': [
    {
      name: 'summary at 0% without Natura',
      invoice: () =>
        fpr02((i) => body(i).DatiBeniServizi.DatiRiepilogo.push({ AliquotaIVA: '0.00', ImponibileImporto: '0.00', Imposta: '0.00' })),
      expected: ['00429'],
      path: `${B1}/DatiBeniServizi/DatiRiepilogo[2]/Natura`,
    },
    {
      name: 'summary at 0% with Natura passes',
      invoice: () =>
        fpr02((i) =>
          body(i).DatiBeniServizi.DatiRiepilogo.push({ AliquotaIVA: '0.00', Natura: 'N1', ImponibileImporto: '0.00', Imposta: '0.00' }),
        ),
      expected: [],
    },
  ],
  '00430': [
    {
      name: 'summary at 22% with Natura',
      invoice: () => fpr02((i) => (riepilogo(i).Natura = 'N6.3')),
      expected: ['00430'],
      path: `${B1}/DatiBeniServizi/DatiRiepilogo[1]/Natura`,
    },
    {
      name: 'summary at 22% with Natura in a TD16 passes',
      invoice: () =>
        fpr02((i) => {
          setTipo(i, 'TD16')
          cessionarioWithVat(i)
          riepilogo(i).Natura = 'N6.3'
        }),
      expected: [],
    },
  ],
  '00420': [
    {
      name: 'reverse charge without split payment passes',
      invoice: () => fpr02((i) => zeroRateFirstLine(i, 'N6.3')),
      expected: [],
    },
    {
      name: 'reverse charge with split payment',
      invoice: () =>
        fpr02((i) => {
          zeroRateFirstLine(i, 'N6.3')
          riepilogo(i, 1).EsigibilitaIVA = 'S'
        }),
      expected: ['00420'],
      path: `${B1}/DatiBeniServizi/DatiRiepilogo[2]/EsigibilitaIVA`,
    },
  ],
  '00424': [
    {
      name: 'rates written as fractions',
      invoice: () =>
        fpr02((i) => {
          line(i, 0).AliquotaIVA = '0.22'
          line(i, 1).AliquotaIVA = '0.22'
          riepilogo(i).AliquotaIVA = '0.22'
          riepilogo(i).Imposta = '0.06'
        }),
      expected: ['00424', '00424', '00424'],
      path: `${B1}/DatiBeniServizi/DettaglioLinee[1]/AliquotaIVA`,
    },
    {
      name: 'a cassa rate written as a fraction',
      invoice: () => fpr02((i) => addCassa(i, { AliquotaIVA: '0.22', ImportoContributoCassa: '0.00' })),
      expected: ['00424', '00419'],
      path: `${DGD}/DatiCassaPrevidenziale[1]/AliquotaIVA`,
    },
    {
      name: 'a 1% rate passes',
      invoice: () =>
        fpr02((i) => {
          line(i, 0).AliquotaIVA = '1.00'
          line(i, 1).AliquotaIVA = '1.00'
          riepilogo(i).AliquotaIVA = '1.00'
          riepilogo(i).Imposta = '0.25'
        }),
      expected: [],
    },
  ],
  '00445': [
    {
      name: 'generic N2 on a line and in the summary',
      invoice: () => fpr02((i) => zeroRateFirstLine(i, 'N2')),
      expected: ['00445', '00445'],
      path: `${B1}/DatiBeniServizi/DettaglioLinee[1]/Natura`,
    },
    {
      name: 'generic N6 on a cassa',
      invoice: () =>
        fpr02((i) => {
          addCassa(i, { AliquotaIVA: '0.00', Natura: 'N6' })
          body(i).DatiBeniServizi.DatiRiepilogo.push({ AliquotaIVA: '0.00', Natura: 'N6.1', ImponibileImporto: '1.00', Imposta: '0.00' })
        }),
      expected: ['00445', '00444'],
    },
    {
      name: 'generic N2 in a file received before 2021 passes',
      invoice: () => fpr02((i) => zeroRateFirstLine(i, 'N2')),
      options: { receivedAt: new Date('2020-12-31T12:00:00Z') },
      expected: [],
    },
    { name: 'sub-code N2.2 passes', invoice: () => fpr02((i) => zeroRateFirstLine(i, 'N2.2')), expected: [] },
  ],
  '00419': [
    {
      name: 'a 10% line and no 10% summary',
      invoice: () => fpr02((i) => body(i).DatiBeniServizi.DettaglioLinee.push(tenPercentLine())),
      expected: ['00419'],
      path: `${B1}/DatiBeniServizi/DatiRiepilogo`,
    },
    {
      name: 'a 10% line with its summary passes',
      invoice: () =>
        fpr02((i) => {
          body(i).DatiBeniServizi.DettaglioLinee.push(tenPercentLine())
          body(i).DatiBeniServizi.DatiRiepilogo.push({ AliquotaIVA: '10.00', ImponibileImporto: '10.00', Imposta: '1.00' })
        }),
      expected: [],
    },
  ],
  '00443': [
    {
      name: 'a 10% line summarised as 4%',
      invoice: () =>
        fpr02((i) => {
          body(i).DatiBeniServizi.DettaglioLinee.push(tenPercentLine())
          body(i).DatiBeniServizi.DatiRiepilogo.push({ AliquotaIVA: '4.00', ImponibileImporto: '0.00', Imposta: '0.00' })
        }),
      expected: ['00443'],
      path: `${B1}/DatiBeniServizi/DettaglioLinee[3]/AliquotaIVA`,
    },
  ],
  '00444': [
    {
      name: 'a line N3.5 summarised as N2.1',
      invoice: () => fpr02((i) => zeroRateFirstLine(i, 'N3.5', 'N2.1')),
      expected: ['00444'],
      path: `${B1}/DatiBeniServizi/DettaglioLinee[1]/Natura`,
    },
  ],
}

function tenPercentLine() {
  return { NumeroLinea: '3', Descrizione: 'LIBRI', Quantita: '1.00', PrezzoUnitario: '10.00', PrezzoTotale: '10.00', AliquotaIVA: '10.00' }
}

const rows = Object.entries(cases).flatMap(([code, list]) => list.map((row) => ({ code, ...row })))

describe('runContentChecks', () => {
  it.each(rows.map((row) => [row.code, row.name, row] as const))('%s: %s', (_code, _name, row) => {
    const issues = runContentChecks(row.invoice(), row.options)
    expect(codes(issues)).toEqual(row.expected)
    if (row.path) expect(issues[0]?.path).toBe(row.path)
    for (const issue of issues) expect(issue.message).not.toBe('')
  })

  it('has a triggering case for every SDI code it documents', () => {
    const triggered = new Set(rows.flatMap((row) => row.expected))
    for (const code of ['00421', '00422', '00423']) triggered.add(code) // amounts.test.ts
    const documented = checkCodes.filter((entry) => entry.source === 'SDI').map((entry) => entry.code)
    expect(documented.filter((code) => !triggered.has(code))).toEqual([])
  })

  it('reports the body of a lot where the defect is', () => {
    const lot = sample('FPA03')
    documento(lot, 1).Numero = 'ABC'
    const issues = runContentChecks(lot)
    expect(issues).toEqual([
      {
        code: '00425',
        path: '/FatturaElettronicaBody[2]/DatiGenerali/DatiGeneraliDocumento/Numero',
        message: expect.stringContaining('ABC'),
      },
    ])
  })
})
