/*
 * Every code the content checks can return.
 *
 * SDI codes are the category-C rows of AdE "Specifiche tecniche FE" 1.7.1, Appendice 1: rules on the content of one
 * file that need no registry nor history, so they can run before sending. FPH codes are ours: SDI checks fiscal
 * identifiers against the Anagrafe Tributaria (00300–00306), which cannot be done offline, but a typo almost always
 * breaks the check digit, and that we can catch. Each FPH3xx code is the offline counterpart of the SDI 003xx code
 * with the same last digits; the FPH prefix keeps them apart from anything SDI itself returns.
 */

export type CheckSource = 'SDI' | 'FPH'

export interface CheckCode {
  code: string
  source: CheckSource
  /** The elements involved, by their number in the AdE specification. */
  elements: string
  description: string
}

export const checkCodes = [
  // Transmission data.
  {
    code: '00313',
    source: 'SDI',
    elements: '1.1.4, 1.4.1.1',
    description: 'CodiceDestinatario XXXXXXX without a non-IT IdFiscaleIVA of the cessionario',
  },
  { code: '00330', source: 'SDI', elements: '1.1.6', description: 'PECDestinatario is an SDI mailbox (sdiNN@pec.fatturapa.it)' },
  {
    code: '00427',
    source: 'SDI',
    elements: '1.1.3, 1.1.4',
    description: 'CodiceDestinatario of 7 characters with FPA12, or of 6 with FPR12',
  },
  { code: '00428', source: 'SDI', elements: '1.1.3', description: 'FormatoTrasmissione differs from the root attribute versione' },
  // Parties.
  { code: '00417', source: 'SDI', elements: '1.4.1.1, 1.4.1.2', description: 'cessionario has neither IdFiscaleIVA nor CodiceFiscale' },
  {
    code: '00476',
    source: 'SDI',
    elements: '1.2.1.1.1, 1.4.1.1.1',
    description: 'cedente and cessionario both identified by a non-IT IdPaese',
  },
  // Document type versus parties.
  {
    code: '00471',
    source: 'SDI',
    elements: '2.1.1.1',
    description: 'cedente equals cessionario for TD01, TD02, TD03, TD06, TD16–TD20, TD24, TD25, TD28',
  },
  { code: '00472', source: 'SDI', elements: '2.1.1.1', description: 'cedente differs from cessionario for TD21, TD27' },
  {
    code: '00473',
    source: 'SDI',
    elements: '2.1.1.1, 1.2.1.1.1',
    description: 'Italian cedente for TD17, TD18, TD19, TD28; cedente not SM for TD28',
  },
  { code: '00474', source: 'SDI', elements: '2.1.1.1, 2.2.1.12', description: 'TD21 with a line at AliquotaIVA zero' },
  {
    code: '00475',
    source: 'SDI',
    elements: '2.1.1.1, 1.4.1.1',
    description: 'cessionario IdFiscaleIVA missing for TD16–TD20, TD22, TD23, TD28',
  },
  // Document data.
  { code: '00403', source: 'SDI', elements: '2.1.1.3', description: 'invoice Data later than the date SDI received the file' },
  {
    code: '00418',
    source: 'SDI',
    elements: '2.1.1.3, 2.1.6.3',
    description: 'invoice Data earlier than the Data of a linked invoice (DatiFattureCollegate)',
  },
  { code: '00425', source: 'SDI', elements: '2.1.1.4', description: 'Numero contains no digit' },
  { code: '00411', source: 'SDI', elements: '2.1.1.5, 2.2.1.13', description: 'DatiRitenuta missing while a line has Ritenuta SI' },
  {
    code: '00415',
    source: 'SDI',
    elements: '2.1.1.5, 2.1.1.7.6',
    description: 'DatiRitenuta missing while a DatiCassaPrevidenziale has Ritenuta SI',
  },
  {
    code: '00437',
    source: 'SDI',
    elements: '2.1.1.8',
    description: 'document ScontoMaggiorazione with Tipo but neither Percentuale nor Importo',
  },
  {
    code: '00438',
    source: 'SDI',
    elements: '2.2.1.10',
    description: 'line ScontoMaggiorazione with Tipo but neither Percentuale nor Importo',
  },
  // VAT rate and nature.
  { code: '00400', source: 'SDI', elements: '2.2.1.12, 2.2.1.14', description: 'line Natura missing with AliquotaIVA zero' },
  {
    code: '00401',
    source: 'SDI',
    elements: '2.2.1.12, 2.2.1.14',
    description: 'line Natura present with AliquotaIVA not zero (allowed for TD16)',
  },
  {
    code: '00413',
    source: 'SDI',
    elements: '2.1.1.7.5, 2.1.1.7.7',
    description: 'DatiCassaPrevidenziale Natura missing with AliquotaIVA zero',
  },
  {
    code: '00414',
    source: 'SDI',
    elements: '2.1.1.7.5, 2.1.1.7.7',
    description: 'DatiCassaPrevidenziale Natura present with AliquotaIVA not zero',
  },
  { code: '00429', source: 'SDI', elements: '2.2.2.1, 2.2.2.2', description: 'DatiRiepilogo Natura missing with AliquotaIVA zero' },
  {
    code: '00430',
    source: 'SDI',
    elements: '2.2.2.1, 2.2.2.2',
    description: 'DatiRiepilogo Natura present with AliquotaIVA not zero (allowed for TD16)',
  },
  {
    code: '00420',
    source: 'SDI',
    elements: '2.2.2.2, 2.2.2.7',
    description: 'DatiRiepilogo Natura N6.x with EsigibilitaIVA S (split payment)',
  },
  {
    code: '00424',
    source: 'SDI',
    elements: '2.2.1.12, 2.2.2.1, 2.1.1.7.5',
    description: 'AliquotaIVA not expressed as a percentage (0.10 instead of 10.00)',
  },
  {
    code: '00445',
    source: 'SDI',
    elements: '2.2.1.14, 2.2.2.2, 2.1.1.7.7',
    description: 'generic Natura N2, N3 or N6 (only the sub-codes are allowed since 2021-01-01)',
  },
  // Summary and amounts.
  {
    code: '00419',
    source: 'SDI',
    elements: '2.2.2',
    description: 'fewer DatiRiepilogo rates than the distinct AliquotaIVA of lines and DatiCassaPrevidenziale',
  },
  {
    code: '00443',
    source: 'SDI',
    elements: '2.2.1.12, 2.1.1.7.5, 2.2.2.1',
    description: 'an AliquotaIVA of a line or DatiCassaPrevidenziale does not appear in DatiRiepilogo',
  },
  {
    code: '00444',
    source: 'SDI',
    elements: '2.2.1.14, 2.1.1.7.7, 2.2.2.2',
    description: 'a Natura of a line or DatiCassaPrevidenziale does not appear in DatiRiepilogo',
  },
  {
    code: '00421',
    source: 'SDI',
    elements: '2.2.2.6',
    description: 'Imposta differs from AliquotaIVA × ImponibileImporto / 100 (rounded half up) by more than 0.01',
  },
  {
    code: '00422',
    source: 'SDI',
    elements: '2.2.2.5',
    description: 'ImponibileImporto differs from Σ PrezzoTotale + Σ ImportoContributoCassa + Σ Arrotondamento by more than 1.00',
  },
  {
    code: '00423',
    source: 'SDI',
    elements: '2.2.1.11',
    description: 'PrezzoTotale differs from (PrezzoUnitario ± ScontoMaggiorazione) × Quantita by more than 0.01',
  },
  // Check digits (ours).
  { code: 'FPH300', source: 'FPH', elements: '1.1.1.2', description: 'IdTrasmittente IdCodice (IdPaese IT) is not a valid codice fiscale' },
  {
    code: 'FPH301',
    source: 'FPH',
    elements: '1.2.1.1.2',
    description: 'cedente IdFiscaleIVA (IdPaese IT) has an invalid partita IVA check digit',
  },
  { code: 'FPH302', source: 'FPH', elements: '1.2.1.2', description: 'cedente CodiceFiscale is not a valid codice fiscale' },
  {
    code: 'FPH303',
    source: 'FPH',
    elements: '1.3.1.1.2, 1.4.4.1.2',
    description: 'rappresentante fiscale IdFiscaleIVA (IdPaese IT) has an invalid partita IVA check digit',
  },
  { code: 'FPH304', source: 'FPH', elements: '1.3.1.2', description: 'rappresentante fiscale CodiceFiscale is not a valid codice fiscale' },
  {
    code: 'FPH305',
    source: 'FPH',
    elements: '1.4.1.1.2',
    description: 'cessionario IdFiscaleIVA (IdPaese IT) has an invalid partita IVA check digit',
  },
  { code: 'FPH306', source: 'FPH', elements: '1.4.1.2', description: 'cessionario CodiceFiscale is not a valid codice fiscale' },
  {
    code: 'FPH307',
    source: 'FPH',
    elements: '1.5.1.1.2, 1.5.1.2',
    description: 'terzo intermediario IdFiscaleIVA (IdPaese IT) or CodiceFiscale fails its check digit',
  },
] as const satisfies readonly CheckCode[]

export type ContentCheckCode = (typeof checkCodes)[number]['code']

/*
 * Not implemented, on purpose:
 * - 00448: defined for the "dati fattura" (esterometro) tracciato, which spec 1.7 retired; for FatturaPA the same
 *   rule (no generic N2/N3/N6) is 00445.
 * - 00460: FSM10 only (simplified invoice), which the FPA12/FPR12 model does not represent.
 */
