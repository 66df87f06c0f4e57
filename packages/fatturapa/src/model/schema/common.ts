import Type from 'typebox'
import {
  Amount8Decimal,
  CAP,
  CodEORI,
  EmailContatti,
  Integer1To9999,
  Nazione,
  Provincia,
  Rate,
  StringBasicLatin,
  StringLatin,
  TelFax,
  TipoScontoMaggiorazione,
  Titolo,
  XsDate,
} from './simple-types.js'

/*
 * Blocks that occur in several places of the format. They are factories rather than shared constants so that
 * every occurrence carries its own description in the generated OpenAPI document.
 */

export const closed = { additionalProperties: false } as const

/** IdFiscaleType: country + identifier (VAT number for IdFiscaleIVA, any fiscal id for IdTrasmittente). */
export const IdFiscale = (description: string) =>
  Type.Object(
    {
      IdPaese: Nazione(),
      IdCodice: Type.String({ minLength: 1, maxLength: 28 }),
    },
    { ...closed, description },
  )

/*
 * The XSD has a choice here: either Denominazione (a company) or Nome + Cognome (a person). The TypeBox shape keeps
 * the three optional, so the parser can walk one flat list of elements, and `oneOf` enforces the choice on JSON.
 */
const personOrCompany = {
  oneOf: [{ required: ['Denominazione'] }, { required: ['Nome', 'Cognome'] }],
} as const

export const Anagrafica = (description: string) =>
  Type.Object(
    {
      Denominazione: Type.Optional(StringLatin(80, 'Company name; alternative to Nome + Cognome.')),
      Nome: Type.Optional(StringLatin(60, 'First name of a natural person; goes with Cognome.')),
      Cognome: Type.Optional(StringLatin(60, 'Surname of a natural person; goes with Nome.')),
      Titolo: Type.Optional(Titolo()),
      CodEORI: Type.Optional(CodEORI()),
    },
    { ...closed, ...personOrCompany, description },
  )

/** RappresentanteFiscaleCessionarioType: the same choice, without the Anagrafica wrapper. */
export const RappresentanteFiscaleCessionario = () =>
  Type.Object(
    {
      IdFiscaleIVA: IdFiscale('VAT number of the fiscal representative.'),
      Denominazione: Type.Optional(StringLatin(80)),
      Nome: Type.Optional(StringLatin(60)),
      Cognome: Type.Optional(StringLatin(60)),
    },
    { ...closed, ...personOrCompany, description: '1.4.4 Fiscal representative of a non-resident customer.' },
  )

/** IndirizzoType. */
export const Indirizzo = (description: string) =>
  Type.Object(
    {
      Indirizzo: StringLatin(60, 'Street (name of the road, square, …).'),
      NumeroCivico: Type.Optional(StringBasicLatin(8)),
      CAP: CAP(),
      Comune: StringLatin(60),
      Provincia: Type.Optional(Provincia()),
      Nazione: Nazione(),
    },
    { ...closed, description },
  )

/** ContattiType. */
export const Contatti = (description: string) =>
  Type.Object(
    {
      Telefono: Type.Optional(TelFax()),
      Fax: Type.Optional(TelFax()),
      Email: Type.Optional(EmailContatti()),
    },
    { ...closed, description },
  )

/** ScontoMaggiorazioneType: a discount or surcharge, as a percentage and/or an amount. */
export const ScontoMaggiorazione = (description: string) =>
  Type.Object(
    {
      Tipo: TipoScontoMaggiorazione(),
      Percentuale: Type.Optional(Rate()),
      Importo: Type.Optional(Amount8Decimal()),
    },
    { ...closed, description },
  )

/** DatiDocumentiCorrelatiType: reference to an order, contract, agreement, receipt or linked invoice. */
export const DatiDocumentiCorrelati = (description: string) =>
  Type.Object(
    {
      RiferimentoNumeroLinea: Type.Optional(Type.Array(Integer1To9999())),
      IdDocumento: StringBasicLatin(20),
      Data: Type.Optional(XsDate()),
      NumItem: Type.Optional(StringBasicLatin(20)),
      CodiceCommessaConvenzione: Type.Optional(StringLatin(100)),
      CodiceCUP: Type.Optional(StringBasicLatin(15)),
      CodiceCIG: Type.Optional(StringBasicLatin(15)),
    },
    { ...closed, description },
  )
