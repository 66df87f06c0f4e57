import Type from 'typebox'

/*
 * Leaf types of FatturaPA 1.2.3. Every value stays a string holding the lexical form found in (or destined
 * for) the XML, so amounts such as "1.50" and "1.500" survive a round trip untouched. The patterns are ECMAScript
 * renderings of the XSD facets, kept deliberately cheap: they catch what an ERP typically gets wrong (decimals,
 * lengths, codes) while the XSD stays the authority (XSD regex classes such as \p{IsBasicLatin} are rendered as
 * code-point ranges, and normalizedString whitespace handling is not replicated).
 */

const basicLatin = (min: number, max: number) => `^[\\u0000-\\u007F]{${min},${max}}$`
const latin1 = (min: number, max: number) => `^[\\u0000-\\u00FF]{${min},${max}}$`

/** xs:normalizedString restricted to Basic Latin (String10Type … String60Type). */
export const StringBasicLatin = (max: number, options: { min?: number; description?: string } = {}) =>
  Type.String({ pattern: basicLatin(options.min ?? 1, max), ...(options.description ? { description: options.description } : {}) })

/** xs:normalizedString restricted to Basic Latin + Latin-1 Supplement (String60LatinType … String1000LatinType). */
export const StringLatin = (max: number, description?: string) =>
  Type.String({ pattern: latin1(1, max), ...(description ? { description } : {}) })

/** String35LatinExtType: any character, 1 to 35 of them. */
export const String35LatinExt = () => Type.String({ minLength: 1, maxLength: 35 })

/** A closed list of codes (xs:enumeration). */
export const Codes = <const T extends string[]>(values: [...T], description?: string) =>
  Type.Enum(values, description ? { description } : {})

export const Amount2Decimal = (description?: string) =>
  Type.String({ pattern: '^-?[0-9]{1,11}\\.[0-9]{2}$', ...(description ? { description } : {}) })

export const Amount8Decimal = (description?: string) =>
  Type.String({ pattern: '^-?[0-9]{1,11}\\.[0-9]{2,8}$', ...(description ? { description } : {}) })

/** RateType: percentage with exactly two decimals, at most 100.00. */
export const Rate = (description?: string) =>
  Type.String({ pattern: '^(([0-9]{1,2}|0[0-9]{2})\\.[0-9]{2}|100\\.00)$', ...(description ? { description } : {}) })

export const Quantita = () => Type.String({ pattern: '^[0-9]{1,12}\\.[0-9]{2,8}$' })

export const Peso = () => Type.String({ pattern: '^[0-9]{1,4}\\.[0-9]{1,2}$' })

/** xs:integer bounded to 1…9999 (NumeroLinea, RiferimentoNumeroLinea, NumeroColli). */
export const Integer1To9999 = () => Type.String({ pattern: '^\\+?0*[1-9][0-9]{0,3}$' })

/** RiferimentoFaseType: xs:integer 1…999. */
export const Integer1To999 = () => Type.String({ pattern: '^\\+?0*[1-9][0-9]{0,2}$' })

/** GiorniTerminePagamentoType: xs:integer 0…999. */
export const Integer0To999 = () => Type.String({ pattern: '^\\+?0*[0-9]{1,3}$' })

/** xs:date (YYYY-MM-DD, optional time zone as the XSD allows). */
export const XsDate = (description?: string) =>
  Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$', ...(description ? { description } : {}) })

/** xs:dateTime. */
export const XsDateTime = () =>
  Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$' })

/** ISO 3166-1 alpha-2 country code (NazioneType). */
export const Nazione = () => Type.String({ pattern: '^[A-Z]{2}$' })

/** Two-letter province code (ProvinciaType). */
export const Provincia = () => Type.String({ pattern: '^[A-Z]{2}$' })

export const Divisa = () => Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 alpha-3 currency code.' })

export const CAP = () => Type.String({ pattern: '^[0-9]{5}$' })

export const CodiceFiscale = () => Type.String({ pattern: '^[A-Z0-9]{11,16}$' })

export const CodiceFiscalePF = () => Type.String({ pattern: '^[A-Z0-9]{16}$' })

export const TelFax = () => Type.String({ pattern: basicLatin(5, 12) })

/** EmailContattiType. */
export const EmailContatti = () => Type.String({ minLength: 7, maxLength: 256, pattern: '^.+@.+[.]+.+$' })

/** EmailType (PEC address); the XSD's RFC 5322 pattern is reduced to "something@something". */
export const Email = () => Type.String({ maxLength: 256, pattern: '^.+@.+$' })

/** xs:base64Binary; whitespace (line breaks) is legal inside it and kept as written. */
export const Base64 = () => Type.String({ pattern: '^[A-Za-z0-9+/=\\s]*$', description: 'Base64 content (xs:base64Binary).' })

export const Natura = () =>
  Codes(
    [
      'N1',
      'N2',
      'N2.1',
      'N2.2',
      'N3',
      'N3.1',
      'N3.2',
      'N3.3',
      'N3.4',
      'N3.5',
      'N3.6',
      'N4',
      'N5',
      'N6',
      'N6.1',
      'N6.2',
      'N6.3',
      'N6.4',
      'N6.5',
      'N6.6',
      'N6.7',
      'N6.8',
      'N6.9',
      'N7',
    ],
    'Nature of the operation when no VAT is charged (N1…N7 and sub-codes). N2, N3, N6 without sub-code are rejected by SDI since 2021 (00445).',
  )

/** RitenutaType, Art73Type, BolloVirtualeType: the only legal value is "SI". */
export const SI = () => Codes(['SI'])

export const TipoDocumento = () =>
  Codes(
    [
      'TD01',
      'TD02',
      'TD03',
      'TD04',
      'TD05',
      'TD06',
      'TD16',
      'TD17',
      'TD18',
      'TD19',
      'TD20',
      'TD21',
      'TD22',
      'TD23',
      'TD24',
      'TD25',
      'TD26',
      'TD27',
      'TD28',
      'TD29',
    ],
    'Document type: TD01 invoice, TD04 credit note, TD24 deferred invoice, … (TD29 since schema 1.2.3).',
  )

export const RegimeFiscale = () =>
  Codes(
    [
      'RF01',
      'RF02',
      'RF04',
      'RF05',
      'RF06',
      'RF07',
      'RF08',
      'RF09',
      'RF10',
      'RF11',
      'RF12',
      'RF13',
      'RF14',
      'RF15',
      'RF16',
      'RF17',
      'RF18',
      'RF19',
      'RF20',
    ],
    'Tax regime of the supplier: RF01 ordinary, RF19 flat-rate, RF20 cross-border franchise (since 1.2.3), …',
  )

export const ModalitaPagamento = () =>
  Codes(
    [
      'MP01',
      'MP02',
      'MP03',
      'MP04',
      'MP05',
      'MP06',
      'MP07',
      'MP08',
      'MP09',
      'MP10',
      'MP11',
      'MP12',
      'MP13',
      'MP14',
      'MP15',
      'MP16',
      'MP17',
      'MP18',
      'MP19',
      'MP20',
      'MP21',
      'MP22',
      'MP23',
    ],
    'Payment method: MP01 cash, MP05 bank transfer, MP08 payment card, MP12 RIBA, MP23 PagoPA, …',
  )

export const TipoRitenuta = () => Codes(['RT01', 'RT02', 'RT03', 'RT04', 'RT05', 'RT06'])

export const CausalePagamento = () =>
  Codes(
    [
      'A',
      'B',
      'C',
      'D',
      'E',
      'G',
      'H',
      'I',
      'L',
      'M',
      'N',
      'O',
      'P',
      'Q',
      'R',
      'S',
      'T',
      'U',
      'V',
      'W',
      'X',
      'Y',
      'Z',
      'L1',
      'M1',
      'M2',
      'O1',
      'V1',
      'ZO',
    ],
    'Payment reason as in the CU (Certificazione Unica) form.',
  )

export const TipoCassa = () =>
  Codes([
    'TC01',
    'TC02',
    'TC03',
    'TC04',
    'TC05',
    'TC06',
    'TC07',
    'TC08',
    'TC09',
    'TC10',
    'TC11',
    'TC12',
    'TC13',
    'TC14',
    'TC15',
    'TC16',
    'TC17',
    'TC18',
    'TC19',
    'TC20',
    'TC21',
    'TC22',
  ])

export const TipoScontoMaggiorazione = () => Codes(['SC', 'MG'], 'SC = discount, MG = surcharge.')

export const EsigibilitaIVA = () => Codes(['D', 'I', 'S'], 'VAT chargeability: I immediate, D deferred, S split payment.')

export const CondizioniPagamento = () => Codes(['TP01', 'TP02', 'TP03'], 'TP01 instalments, TP02 full payment, TP03 advance.')

export const TipoCessionePrestazione = () => Codes(['SC', 'PR', 'AB', 'AC'], 'SC discount, PR premium, AB rebate, AC ancillary charge.')

export const SoggettoEmittente = () => Codes(['CC', 'TZ'], 'CC = the customer issued the invoice, TZ = a third party did.')

export const SocioUnico = () => Codes(['SU', 'SM'])

export const StatoLiquidazione = () => Codes(['LS', 'LN'])

export const FormatoTrasmissione = () =>
  Codes(['FPA12', 'FPR12'], 'FPA12 = invoice to a public administration, FPR12 = to private parties.')

export const CodiceDestinatario = () =>
  Type.String({
    pattern: '^[A-Z0-9]{6,7}$',
    description: 'Recipient code: 6 characters (IPA office code) for FPA12, 7 characters (SDI channel, "0000000" if unknown) for FPR12.',
  })

export const IBAN = () => Type.String({ pattern: '^[a-zA-Z]{2}[0-9]{2}[a-zA-Z0-9]{11,30}$' })

export const BIC = () => Type.String({ pattern: '^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$' })

export const ABICAB = () => Type.String({ pattern: '^[0-9]{5}$' })

export const Titolo = () => Type.String({ pattern: '^\\s*[\\u0000-\\u007F]{2,10}\\s*$' })

export const CodEORI = () => Type.String({ minLength: 13, maxLength: 17 })
