/** Target namespace of every FatturaPA 1.2.x schema (1.2, 1.2.1, 1.2.2, 1.2.3 alike). */
export const FATTURAPA_NS = 'http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2'

/** FatturaPA 1.1 namespace, still found in old supplier files; read leniently, never written. */
export const FATTURAPA_LEGACY_NS = 'http://www.fatturapa.gov.it/sdi/fatturapa/v1.1'

export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#'

export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance'

export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/'
