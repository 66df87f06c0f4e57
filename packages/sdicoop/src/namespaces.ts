export const SoapNamespaces = {
  /** SOAP 1.1 envelope: the only version SDICoop uses. */
  Envelope11: 'http://schemas.xmlsoap.org/soap/envelope/',
  /** SOAP 1.2 envelope: recognised only to answer VersionMismatch. */
  Envelope12: 'http://www.w3.org/2003/05/soap-envelope',
  Xop: 'http://www.w3.org/2004/08/xop/include',
  /** Types of SdIRiceviFile and TrasmissioneFatture. */
  Trasmissione: 'http://www.fatturapa.gov.it/sdi/ws/trasmissione/v1.0/types',
  /** Types of SdIRiceviNotifica and RicezioneFatture. */
  Ricezione: 'http://www.fatturapa.gov.it/sdi/ws/ricezione/v1.0/types',
} as const
