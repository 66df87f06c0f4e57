import Type from 'typebox'
import { closed, ScontoMaggiorazione } from './common.js'
import { DatiGeneraliSchema } from './dati-generali.js'
import {
  ABICAB,
  Amount2Decimal,
  Amount8Decimal,
  Base64,
  BIC,
  CodiceFiscalePF,
  CondizioniPagamento,
  EsigibilitaIVA,
  IBAN,
  Integer0To999,
  Integer1To9999,
  ModalitaPagamento,
  Natura,
  Quantita,
  Rate,
  SI,
  String35LatinExt,
  StringBasicLatin,
  StringLatin,
  TipoCessionePrestazione,
  Titolo,
  XsDate,
} from './simple-types.js'

/** 2.2.1 DettaglioLinee. */
export const DettaglioLineeSchema = Type.Object(
  {
    NumeroLinea: Integer1To9999(),
    TipoCessionePrestazione: Type.Optional(TipoCessionePrestazione()),
    CodiceArticolo: Type.Optional(
      Type.Array(
        Type.Object(
          { CodiceTipo: StringBasicLatin(35), CodiceValore: String35LatinExt() },
          { ...closed, description: '2.2.1.3 Article code and its coding scheme (EAN, TARIC, SSC, internal, …).' },
        ),
      ),
    ),
    Descrizione: StringLatin(1000, '2.2.1.4 Description of the goods or service.'),
    Quantita: Type.Optional(Quantita()),
    UnitaMisura: Type.Optional(StringBasicLatin(10)),
    DataInizioPeriodo: Type.Optional(XsDate()),
    DataFinePeriodo: Type.Optional(XsDate()),
    PrezzoUnitario: Amount8Decimal('2.2.1.9 Unit price, VAT excluded.'),
    ScontoMaggiorazione: Type.Optional(Type.Array(ScontoMaggiorazione('2.2.1.10 Discount or surcharge on the line.'))),
    PrezzoTotale: Amount8Decimal('2.2.1.11 Line total, VAT excluded, after discounts.'),
    AliquotaIVA: Rate('2.2.1.12 VAT rate in percent ("0.00" with Natura for non-taxable lines).'),
    Ritenuta: Type.Optional(SI()),
    Natura: Type.Optional(Natura()),
    RiferimentoAmministrazione: Type.Optional(StringBasicLatin(20)),
    AltriDatiGestionali: Type.Optional(
      Type.Array(
        Type.Object(
          {
            TipoDato: StringBasicLatin(10),
            RiferimentoTesto: Type.Optional(StringLatin(60)),
            RiferimentoNumero: Type.Optional(Amount8Decimal()),
            RiferimentoData: Type.Optional(XsDate()),
          },
          { ...closed, description: '2.2.1.16 Additional management data, free for the parties (e.g. INTENTO, ASWRELSTD).' },
        ),
      ),
    ),
  },
  { ...closed, description: '2.2.1 Invoice line.' },
)

/** 2.2.2 DatiRiepilogo. */
export const DatiRiepilogoSchema = Type.Object(
  {
    AliquotaIVA: Rate(),
    Natura: Type.Optional(Natura()),
    SpeseAccessorie: Type.Optional(Amount2Decimal()),
    Arrotondamento: Type.Optional(Amount8Decimal()),
    ImponibileImporto: Amount2Decimal('2.2.2.5 Taxable amount for this rate / nature.'),
    Imposta: Amount2Decimal('2.2.2.6 VAT amount for this rate.'),
    EsigibilitaIVA: Type.Optional(EsigibilitaIVA()),
    RiferimentoNormativo: Type.Optional(StringLatin(100)),
  },
  { ...closed, description: '2.2.2 VAT summary: one entry per rate / nature / chargeability.' },
)

/** 2.2 DatiBeniServizi. */
export const DatiBeniServiziSchema = Type.Object(
  {
    DettaglioLinee: Type.Array(DettaglioLineeSchema, { minItems: 1 }),
    DatiRiepilogo: Type.Array(DatiRiepilogoSchema, { minItems: 1 }),
  },
  { ...closed, description: '2.2 Goods and services: the lines and the VAT summary.' },
)

/** 2.3 DatiVeicoli. */
export const DatiVeicoliSchema = Type.Object(
  { Data: XsDate(), TotalePercorso: StringBasicLatin(15) },
  { ...closed, description: '2.3 New means of transport sold intra-EU (art. 38 DL 331/93).' },
)

/** 2.4.2 DettaglioPagamento. */
export const DettaglioPagamentoSchema = Type.Object(
  {
    Beneficiario: Type.Optional(StringLatin(200)),
    ModalitaPagamento: ModalitaPagamento(),
    DataRiferimentoTerminiPagamento: Type.Optional(XsDate()),
    GiorniTerminiPagamento: Type.Optional(Integer0To999()),
    DataScadenzaPagamento: Type.Optional(XsDate()),
    ImportoPagamento: Amount2Decimal(),
    CodUfficioPostale: Type.Optional(StringBasicLatin(20)),
    CognomeQuietanzante: Type.Optional(StringLatin(60)),
    NomeQuietanzante: Type.Optional(StringLatin(60)),
    CFQuietanzante: Type.Optional(CodiceFiscalePF()),
    TitoloQuietanzante: Type.Optional(Titolo()),
    IstitutoFinanziario: Type.Optional(StringLatin(80)),
    IBAN: Type.Optional(IBAN()),
    ABI: Type.Optional(ABICAB()),
    CAB: Type.Optional(ABICAB()),
    BIC: Type.Optional(BIC()),
    ScontoPagamentoAnticipato: Type.Optional(Amount2Decimal()),
    DataLimitePagamentoAnticipato: Type.Optional(XsDate()),
    PenalitaPagamentiRitardati: Type.Optional(Amount2Decimal()),
    DataDecorrenzaPenale: Type.Optional(XsDate()),
    CodicePagamento: Type.Optional(StringBasicLatin(60)),
  },
  { ...closed, description: '2.4.2 One payment (instalment): method, due date, amount, bank details.' },
)

/** 2.4 DatiPagamento. */
export const DatiPagamentoSchema = Type.Object(
  {
    CondizioniPagamento: CondizioniPagamento(),
    DettaglioPagamento: Type.Array(DettaglioPagamentoSchema, { minItems: 1 }),
  },
  { ...closed, description: '2.4 Payment terms.' },
)

/** 2.5 Allegati. */
export const AllegatiSchema = Type.Object(
  {
    NomeAttachment: StringLatin(60),
    AlgoritmoCompressione: Type.Optional(StringBasicLatin(10, { description: 'e.g. ZIP, RAR.' })),
    FormatoAttachment: Type.Optional(StringBasicLatin(10, { description: 'e.g. PDF, TXT, XML.' })),
    DescrizioneAttachment: Type.Optional(StringLatin(100)),
    Attachment: Base64(),
  },
  { ...closed, description: '2.5 Attached file, embedded as base64.' },
)

/** 2 FatturaElettronicaBody: one invoice; a lot has several. */
export const FatturaElettronicaBodySchema = Type.Object(
  {
    DatiGenerali: DatiGeneraliSchema,
    DatiBeniServizi: DatiBeniServiziSchema,
    DatiVeicoli: Type.Optional(DatiVeicoliSchema),
    DatiPagamento: Type.Optional(Type.Array(DatiPagamentoSchema)),
    Allegati: Type.Optional(Type.Array(AllegatiSchema)),
  },
  { ...closed, description: '2 Body: one invoice. A file with several bodies is a lot (lotto di fatture).' },
)
