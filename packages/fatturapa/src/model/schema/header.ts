import Type from 'typebox'
import { Anagrafica, Contatti, closed, IdFiscale, Indirizzo, RappresentanteFiscaleCessionario } from './common.js'
import {
  Amount2Decimal,
  CodiceDestinatario,
  CodiceFiscale,
  Email,
  EmailContatti,
  FormatoTrasmissione,
  Provincia,
  RegimeFiscale,
  SocioUnico,
  SoggettoEmittente,
  StatoLiquidazione,
  StringBasicLatin,
  StringLatin,
  TelFax,
  XsDate,
} from './simple-types.js'

/** 1.1 DatiTrasmissione. */
export const DatiTrasmissioneSchema = Type.Object(
  {
    IdTrasmittente: IdFiscale('1.1.1 Fiscal identifier of the transmitting party (for Italians, the codice fiscale).'),
    ProgressivoInvio: StringBasicLatin(10, { description: "1.1.2 Transmitter's own sequence number of the file." }),
    FormatoTrasmissione: FormatoTrasmissione(),
    CodiceDestinatario: CodiceDestinatario(),
    ContattiTrasmittente: Type.Optional(
      Type.Object(
        { Telefono: Type.Optional(TelFax()), Email: Type.Optional(EmailContatti()) },
        { ...closed, description: '1.1.5 Contacts of the transmitter.' },
      ),
    ),
    PECDestinatario: Type.Optional(Email()),
  },
  { ...closed, description: '1.1 Transmission data: who sends the file and where SDI must deliver it.' },
)

/** 1.2 CedentePrestatore. */
export const CedentePrestatoreSchema = Type.Object(
  {
    DatiAnagrafici: Type.Object(
      {
        IdFiscaleIVA: IdFiscale('1.2.1.1 VAT number of the supplier.'),
        CodiceFiscale: Type.Optional(CodiceFiscale()),
        Anagrafica: Anagrafica('1.2.1.3 Name of the supplier.'),
        AlboProfessionale: Type.Optional(StringLatin(60)),
        ProvinciaAlbo: Type.Optional(Provincia()),
        NumeroIscrizioneAlbo: Type.Optional(StringBasicLatin(60)),
        DataIscrizioneAlbo: Type.Optional(XsDate()),
        RegimeFiscale: RegimeFiscale(),
      },
      { ...closed, description: '1.2.1 Fiscal and personal data of the supplier.' },
    ),
    Sede: Indirizzo('1.2.2 Registered office of the supplier.'),
    StabileOrganizzazione: Type.Optional(Indirizzo('1.2.3 Permanent establishment in Italy of a non-resident supplier.')),
    IscrizioneREA: Type.Optional(
      Type.Object(
        {
          Ufficio: Provincia(),
          NumeroREA: StringBasicLatin(20),
          CapitaleSociale: Type.Optional(Amount2Decimal()),
          SocioUnico: Type.Optional(SocioUnico()),
          StatoLiquidazione: StatoLiquidazione(),
        },
        { ...closed, description: '1.2.4 Registration in the companies register (REA).' },
      ),
    ),
    Contatti: Type.Optional(Contatti('1.2.5 Contacts of the supplier.')),
    RiferimentoAmministrazione: Type.Optional(StringBasicLatin(20)),
  },
  { ...closed, description: '1.2 Supplier (cedente / prestatore).' },
)

/** 1.3 RappresentanteFiscale (of the supplier). */
export const RappresentanteFiscaleSchema = Type.Object(
  {
    DatiAnagrafici: Type.Object(
      {
        IdFiscaleIVA: IdFiscale('1.3.1.1 VAT number of the fiscal representative.'),
        CodiceFiscale: Type.Optional(CodiceFiscale()),
        Anagrafica: Anagrafica('1.3.1.3 Name of the fiscal representative.'),
      },
      closed,
    ),
  },
  { ...closed, description: '1.3 Fiscal representative of the supplier in Italy.' },
)

/** 1.4 CessionarioCommittente. */
export const CessionarioCommittenteSchema = Type.Object(
  {
    DatiAnagrafici: Type.Object(
      {
        IdFiscaleIVA: Type.Optional(IdFiscale('1.4.1.1 VAT number of the customer.')),
        CodiceFiscale: Type.Optional(CodiceFiscale()),
        Anagrafica: Anagrafica('1.4.1.3 Name of the customer.'),
      },
      { ...closed, description: '1.4.1 Fiscal and personal data of the customer (IdFiscaleIVA and/or CodiceFiscale).' },
    ),
    Sede: Indirizzo('1.4.2 Address of the customer.'),
    StabileOrganizzazione: Type.Optional(Indirizzo('1.4.3 Permanent establishment in Italy of a non-resident customer.')),
    RappresentanteFiscale: Type.Optional(RappresentanteFiscaleCessionario()),
  },
  { ...closed, description: '1.4 Customer (cessionario / committente).' },
)

/** 1.5 TerzoIntermediarioOSoggettoEmittente. */
export const TerzoIntermediarioOSoggettoEmittenteSchema = Type.Object(
  {
    DatiAnagrafici: Type.Object(
      {
        IdFiscaleIVA: Type.Optional(IdFiscale('1.5.1.1 VAT number of the third party.')),
        CodiceFiscale: Type.Optional(CodiceFiscale()),
        Anagrafica: Anagrafica('1.5.1.3 Name of the third party.'),
      },
      closed,
    ),
  },
  { ...closed, description: '1.5 Third party that issues the invoice on behalf of the supplier.' },
)

/** 1 FatturaElettronicaHeader: one per file, shared by every invoice of a lot. */
export const FatturaElettronicaHeaderSchema = Type.Object(
  {
    DatiTrasmissione: DatiTrasmissioneSchema,
    CedentePrestatore: CedentePrestatoreSchema,
    RappresentanteFiscale: Type.Optional(RappresentanteFiscaleSchema),
    CessionarioCommittente: CessionarioCommittenteSchema,
    TerzoIntermediarioOSoggettoEmittente: Type.Optional(TerzoIntermediarioOSoggettoEmittenteSchema),
    SoggettoEmittente: Type.Optional(SoggettoEmittente()),
  },
  { ...closed, description: '1 Header: transmission data and the parties. A lot shares one header across all its bodies.' },
)
