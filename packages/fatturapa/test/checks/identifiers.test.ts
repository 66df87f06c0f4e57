import { readFileSync } from 'node:fs'
import { codiceFiscaleCheckCharacter } from '@fatturapa-hub/shared/identifiers'
import { describe, expect, it } from '@jest/globals'
import { runIdentifierChecks } from '../../src/checks/index.js'
import { parseInvoice } from '../../src/model/index.js'
import { reference } from '../support/reference.js'
import { cedente, cessionario, codes, fpr02, type Invoice, trasmissione } from './support.js'

// The AdE B2B example invoice: real-looking identifiers with correct check digits.
function adeExample(change: (invoice: Invoice) => void = () => {}): Invoice {
  const invoice = parseInvoice(readFileSync(reference('fatturapa', 'notifications', 'ITHVQWPH73P42H501Y_00023.xml')))
  change(invoice)
  return invoice
}

const H = '/FatturaElettronicaHeader'
const validPartitaIva = '01234567897'
const validCf = 'HVQWPH73P42H501Y'

describe('runIdentifierChecks', () => {
  it('accepts the AdE example invoice, whose identifiers are all well formed', () => {
    expect(runIdentifierChecks(adeExample())).toEqual([])
  })

  it('flags the placeholder identifiers of the official samples, which have wrong check digits', () => {
    // 01234567890 (check digit should be 7) and 09876543210: the samples are illustrations; SDI itself would
    // refuse them on its registry lookup (00300, 00301, 00306).
    expect(codes(runIdentifierChecks(fpr02()))).toEqual(['FPH300', 'FPH301', 'FPH306'])
  })

  it.each<[string, (invoice: Invoice) => void, string]>([
    ['FPH300', (i) => (trasmissione(i).IdTrasmittente.IdCodice = 'HVQWPH73P42H501X'), `${H}/DatiTrasmissione/IdTrasmittente/IdCodice`],
    ['FPH301', (i) => (cedente(i).IdFiscaleIVA.IdCodice = '23333330588'), `${H}/CedentePrestatore/DatiAnagrafici/IdFiscaleIVA/IdCodice`],
    ['FPH302', (i) => (cedente(i).CodiceFiscale = 'HVQWPH73P42H501A'), `${H}/CedentePrestatore/DatiAnagrafici/CodiceFiscale`],
    [
      'FPH303',
      (i) => {
        i.FatturaElettronicaHeader.RappresentanteFiscale = {
          DatiAnagrafici: { IdFiscaleIVA: { IdPaese: 'IT', IdCodice: '01234567890' }, Anagrafica: { Denominazione: 'RAPPRESENTANTE' } },
        }
      },
      `${H}/RappresentanteFiscale/DatiAnagrafici/IdFiscaleIVA/IdCodice`,
    ],
    [
      'FPH303',
      (i) => {
        i.FatturaElettronicaHeader.CessionarioCommittente.RappresentanteFiscale = {
          IdFiscaleIVA: { IdPaese: 'IT', IdCodice: '01234567890' },
          Denominazione: 'RAPPRESENTANTE',
        }
      },
      `${H}/CessionarioCommittente/RappresentanteFiscale/IdFiscaleIVA/IdCodice`,
    ],
    [
      'FPH304',
      (i) => {
        i.FatturaElettronicaHeader.RappresentanteFiscale = {
          DatiAnagrafici: {
            IdFiscaleIVA: { IdPaese: 'IT', IdCodice: validPartitaIva },
            CodiceFiscale: 'HVQWPH73P42H501A',
            Anagrafica: { Denominazione: 'RAPPRESENTANTE' },
          },
        }
      },
      `${H}/RappresentanteFiscale/DatiAnagrafici/CodiceFiscale`,
    ],
    [
      'FPH305',
      (i) => (cessionario(i).IdFiscaleIVA = { IdPaese: 'IT', IdCodice: '1234567890' }),
      `${H}/CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdCodice`,
    ],
    ['FPH306', (i) => (cessionario(i).CodiceFiscale = 'BLDRFL86E05I452E'), `${H}/CessionarioCommittente/DatiAnagrafici/CodiceFiscale`],
    [
      'FPH307',
      (i) => {
        i.FatturaElettronicaHeader.TerzoIntermediarioOSoggettoEmittente = {
          DatiAnagrafici: { CodiceFiscale: 'HVQWPH73P42H501A', Anagrafica: { Denominazione: 'INTERMEDIARIO' } },
        }
      },
      `${H}/TerzoIntermediarioOSoggettoEmittente/DatiAnagrafici/CodiceFiscale`,
    ],
    [
      'FPH307',
      (i) => {
        i.FatturaElettronicaHeader.TerzoIntermediarioOSoggettoEmittente = {
          DatiAnagrafici: { IdFiscaleIVA: { IdPaese: 'IT', IdCodice: '01234567890' }, Anagrafica: { Denominazione: 'INTERMEDIARIO' } },
        }
      },
      `${H}/TerzoIntermediarioOSoggettoEmittente/DatiAnagrafici/IdFiscaleIVA/IdCodice`,
    ],
  ])('%s at %s', (code, change, path) => {
    const issues = runIdentifierChecks(adeExample(change))
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({ code, path })
  })

  it.each<[string, (invoice: Invoice) => void]>([
    ['a foreign cedente VAT number is not checked', (i) => (cedente(i).IdFiscaleIVA = { IdPaese: 'DE', IdCodice: '123' })],
    ['a foreign transmitter is not checked', (i) => (trasmissione(i).IdTrasmittente = { IdPaese: 'FR', IdCodice: 'ABC' })],
    ['an Italian transmitter may be a company (11 digits)', (i) => (trasmissione(i).IdTrasmittente.IdCodice = validPartitaIva)],
    ['a lowercase codice fiscale is accepted', (i) => (cessionario(i).CodiceFiscale = validCf.toLowerCase())],
    [
      'an omocodia codice fiscale is accepted',
      (i) => (cedente(i).CodiceFiscale = `HVQWPH73P42H50M${codiceFiscaleCheckCharacter('HVQWPH73P42H50M')}`),
    ],
    [
      'valid terzo intermediario',
      (i) => {
        i.FatturaElettronicaHeader.TerzoIntermediarioOSoggettoEmittente = {
          DatiAnagrafici: {
            IdFiscaleIVA: { IdPaese: 'IT', IdCodice: validPartitaIva },
            CodiceFiscale: validCf,
            Anagrafica: { Denominazione: 'X' },
          },
        }
      },
    ],
  ])('passes: %s', (_name, change) => {
    expect(runIdentifierChecks(adeExample(change))).toEqual([])
  })
})
