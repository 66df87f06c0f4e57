import Type from 'typebox'
import { Anagrafica, closed, DatiDocumentiCorrelati, IdFiscale, Indirizzo, ScontoMaggiorazione } from './common.js'
import {
  Amount2Decimal,
  CausalePagamento,
  CodiceFiscale,
  Divisa,
  Integer1To999,
  Integer1To9999,
  Natura,
  Peso,
  Rate,
  SI,
  StringBasicLatin,
  StringLatin,
  TipoCassa,
  TipoDocumento,
  TipoRitenuta,
  XsDate,
  XsDateTime,
} from './simple-types.js'

/** 2.1.1.5 DatiRitenuta. */
export const DatiRitenutaSchema = Type.Object(
  {
    TipoRitenuta: TipoRitenuta(),
    ImportoRitenuta: Amount2Decimal(),
    AliquotaRitenuta: Rate(),
    CausalePagamento: CausalePagamento(),
  },
  { ...closed, description: '2.1.1.5 Withholding tax (one entry per withholding type).' },
)

/** 2.1.1.7 DatiCassaPrevidenziale. */
export const DatiCassaPrevidenzialeSchema = Type.Object(
  {
    TipoCassa: TipoCassa(),
    AlCassa: Rate(),
    ImportoContributoCassa: Amount2Decimal(),
    ImponibileCassa: Type.Optional(Amount2Decimal()),
    AliquotaIVA: Rate(),
    Ritenuta: Type.Optional(SI()),
    Natura: Type.Optional(Natura()),
    RiferimentoAmministrazione: Type.Optional(StringBasicLatin(20)),
  },
  { ...closed, description: '2.1.1.7 Social security fund contribution charged on the invoice.' },
)

/** 2.1.1 DatiGeneraliDocumento. */
export const DatiGeneraliDocumentoSchema = Type.Object(
  {
    TipoDocumento: TipoDocumento(),
    Divisa: Divisa(),
    Data: XsDate('2.1.1.3 Invoice date (YYYY-MM-DD).'),
    Numero: StringBasicLatin(20, { description: '2.1.1.4 Invoice number; must contain at least one digit (00425).' }),
    DatiRitenuta: Type.Optional(Type.Array(DatiRitenutaSchema)),
    DatiBollo: Type.Optional(
      Type.Object(
        { BolloVirtuale: SI(), ImportoBollo: Type.Optional(Amount2Decimal()) },
        { ...closed, description: '2.1.1.6 Stamp duty paid virtually.' },
      ),
    ),
    DatiCassaPrevidenziale: Type.Optional(Type.Array(DatiCassaPrevidenzialeSchema)),
    ScontoMaggiorazione: Type.Optional(Type.Array(ScontoMaggiorazione('2.1.1.8 Discount or surcharge on the document total.'))),
    ImportoTotaleDocumento: Type.Optional(Amount2Decimal('2.1.1.9 Document total, VAT included.')),
    Arrotondamento: Type.Optional(Amount2Decimal()),
    Causale: Type.Optional(
      Type.Array(StringLatin(200), { description: '2.1.1.11 Free-text reason, in chunks of at most 200 characters.' }),
    ),
    Art73: Type.Optional(SI()),
  },
  { ...closed, description: '2.1.1 Main data of the document: type, currency, date, number, totals.' },
)

/** 2.1.8 DatiDDT. */
export const DatiDDTSchema = Type.Object(
  {
    NumeroDDT: StringBasicLatin(20),
    DataDDT: XsDate(),
    RiferimentoNumeroLinea: Type.Optional(Type.Array(Integer1To9999())),
  },
  { ...closed, description: '2.1.8 Transport document (DDT) the invoice refers to.' },
)

/** 2.1.9 DatiTrasporto. */
export const DatiTrasportoSchema = Type.Object(
  {
    DatiAnagraficiVettore: Type.Optional(
      Type.Object(
        {
          IdFiscaleIVA: IdFiscale('2.1.9.1.1 VAT number of the carrier.'),
          CodiceFiscale: Type.Optional(CodiceFiscale()),
          Anagrafica: Anagrafica('2.1.9.1.3 Name of the carrier.'),
          NumeroLicenzaGuida: Type.Optional(StringBasicLatin(20)),
        },
        { ...closed, description: '2.1.9.1 Carrier.' },
      ),
    ),
    MezzoTrasporto: Type.Optional(StringLatin(80)),
    CausaleTrasporto: Type.Optional(StringLatin(100)),
    NumeroColli: Type.Optional(Integer1To9999()),
    Descrizione: Type.Optional(StringLatin(100)),
    UnitaMisuraPeso: Type.Optional(StringBasicLatin(10)),
    PesoLordo: Type.Optional(Peso()),
    PesoNetto: Type.Optional(Peso()),
    DataOraRitiro: Type.Optional(XsDateTime()),
    DataInizioTrasporto: Type.Optional(XsDate()),
    TipoResa: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'Incoterms code.' })),
    IndirizzoResa: Type.Optional(Indirizzo('2.1.9.12 Delivery address.')),
    DataOraConsegna: Type.Optional(XsDateTime()),
  },
  { ...closed, description: '2.1.9 Transport data (accompanying invoice, "fattura accompagnatoria").' },
)

/** 2.1 DatiGenerali. */
export const DatiGeneraliSchema = Type.Object(
  {
    DatiGeneraliDocumento: DatiGeneraliDocumentoSchema,
    DatiOrdineAcquisto: Type.Optional(Type.Array(DatiDocumentiCorrelati('2.1.2 Purchase order.'))),
    DatiContratto: Type.Optional(Type.Array(DatiDocumentiCorrelati('2.1.3 Contract.'))),
    DatiConvenzione: Type.Optional(Type.Array(DatiDocumentiCorrelati('2.1.4 Framework agreement (convenzione).'))),
    DatiRicezione: Type.Optional(Type.Array(DatiDocumentiCorrelati('2.1.5 Receipt of goods/services.'))),
    DatiFattureCollegate: Type.Optional(Type.Array(DatiDocumentiCorrelati('2.1.6 Linked invoice (e.g. the one a credit note corrects).'))),
    DatiSAL: Type.Optional(
      Type.Array(Type.Object({ RiferimentoFase: Integer1To999() }, { ...closed, description: '2.1.7 Work progress stage (SAL).' })),
    ),
    DatiDDT: Type.Optional(Type.Array(DatiDDTSchema)),
    DatiTrasporto: Type.Optional(DatiTrasportoSchema),
    FatturaPrincipale: Type.Optional(
      Type.Object(
        { NumeroFatturaPrincipale: StringBasicLatin(20), DataFatturaPrincipale: XsDate() },
        { ...closed, description: '2.1.10 Main invoice, for ancillary transport invoices.' },
      ),
    ),
  },
  { ...closed, description: '2.1 General data of the invoice and the documents it refers to.' },
)
