// Descriptions of the codes of the format, in Italian as the tabular specification gives them, so a reader
// who never saw the XML understands the document.

export const tipoDocumento: Record<string, string> = {
  TD01: 'Fattura',
  TD02: 'Acconto/anticipo su fattura',
  TD03: 'Acconto/anticipo su parcella',
  TD04: 'Nota di credito',
  TD05: 'Nota di debito',
  TD06: 'Parcella',
  TD16: 'Integrazione fattura reverse charge interno',
  TD17: 'Integrazione/autofattura per acquisto servizi dall’estero',
  TD18: 'Integrazione per acquisto di beni intracomunitari',
  TD19: 'Integrazione/autofattura per acquisto di beni ex art. 17 c.2 DPR 633/72',
  TD20: 'Autofattura per regolarizzazione e integrazione delle fatture',
  TD21: 'Autofattura per splafonamento',
  TD22: 'Estrazione beni da Deposito IVA',
  TD23: 'Estrazione beni da Deposito IVA con versamento dell’IVA',
  TD24: 'Fattura differita di cui all’art. 21, comma 4, lett. a)',
  TD25: 'Fattura differita di cui all’art. 21, comma 4, terzo periodo lett. b)',
  TD26: 'Cessione di beni ammortizzabili e per passaggi interni',
  TD27: 'Fattura per autoconsumo o per cessioni gratuite senza rivalsa',
  TD28: 'Acquisti da San Marino con IVA (fattura cartacea)',
  TD29: 'Comunicazione per omessa o irregolare fatturazione',
}

export const regimeFiscale: Record<string, string> = {
  RF01: 'Ordinario',
  RF02: 'Contribuenti minimi',
  RF04: 'Agricoltura e attività connesse e pesca',
  RF05: 'Vendita sali e tabacchi',
  RF06: 'Commercio fiammiferi',
  RF07: 'Editoria',
  RF08: 'Gestione servizi telefonia pubblica',
  RF09: 'Rivendita documenti di trasporto pubblico e di sosta',
  RF10: 'Intrattenimenti, giochi e altre attività',
  RF11: 'Agenzie viaggi e turismo',
  RF12: 'Agriturismo',
  RF13: 'Vendite a domicilio',
  RF14: 'Rivendita beni usati, oggetti d’arte, d’antiquariato o da collezione',
  RF15: 'Agenzie di vendite all’asta di oggetti d’arte, antiquariato o da collezione',
  RF16: 'IVA per cassa P.A.',
  RF17: 'IVA per cassa',
  RF18: 'Altro',
  RF19: 'Regime forfettario',
  RF20: 'Regime transfrontaliero di franchigia IVA',
}

export const modalitaPagamento: Record<string, string> = {
  MP01: 'Contanti',
  MP02: 'Assegno',
  MP03: 'Assegno circolare',
  MP04: 'Contanti presso Tesoreria',
  MP05: 'Bonifico',
  MP06: 'Vaglia cambiario',
  MP07: 'Bollettino bancario',
  MP08: 'Carta di pagamento',
  MP09: 'RID',
  MP10: 'RID utenze',
  MP11: 'RID veloce',
  MP12: 'RIBA',
  MP13: 'MAV',
  MP14: 'Quietanza erario',
  MP15: 'Giroconto su conti di contabilità speciale',
  MP16: 'Domiciliazione bancaria',
  MP17: 'Domiciliazione postale',
  MP18: 'Bollettino di c/c postale',
  MP19: 'SEPA Direct Debit',
  MP20: 'SEPA Direct Debit CORE',
  MP21: 'SEPA Direct Debit B2B',
  MP22: 'Trattenuta su somme già riscosse',
  MP23: 'PagoPA',
}

export const condizioniPagamento: Record<string, string> = {
  TP01: 'Pagamento a rate',
  TP02: 'Pagamento completo',
  TP03: 'Anticipo',
}

export const esigibilitaIva: Record<string, string> = {
  I: 'Immediata',
  D: 'Differita',
  S: 'Scissione dei pagamenti',
}

export const natura: Record<string, string> = {
  N1: 'Escluse ex art. 15',
  N2: 'Non soggette',
  'N2.1': 'Non soggette ad IVA ai sensi degli artt. da 7 a 7-septies del DPR 633/72',
  'N2.2': 'Non soggette – altri casi',
  N3: 'Non imponibili',
  'N3.1': 'Non imponibili – esportazioni',
  'N3.2': 'Non imponibili – cessioni intracomunitarie',
  'N3.3': 'Non imponibili – cessioni verso San Marino',
  'N3.4': 'Non imponibili – operazioni assimilate alle cessioni all’esportazione',
  'N3.5': 'Non imponibili – a seguito di dichiarazioni d’intento',
  'N3.6': 'Non imponibili – altre operazioni che non concorrono alla formazione del plafond',
  N4: 'Esenti',
  N5: 'Regime del margine / IVA non esposta in fattura',
  N6: 'Inversione contabile',
  'N6.1': 'Inversione contabile – cessione di rottami e altri materiali di recupero',
  'N6.2': 'Inversione contabile – cessione di oro e argento',
  'N6.3': 'Inversione contabile – subappalto nel settore edile',
  'N6.4': 'Inversione contabile – cessione di fabbricati',
  'N6.5': 'Inversione contabile – cessione di telefoni cellulari',
  'N6.6': 'Inversione contabile – cessione di prodotti elettronici',
  'N6.7': 'Inversione contabile – prestazioni comparto edile e settori connessi',
  'N6.8': 'Inversione contabile – operazioni settore energetico',
  'N6.9': 'Inversione contabile – altri casi',
  N7: 'IVA assolta in altro stato UE',
}

export function describe(table: Record<string, string>, code: string | undefined): string {
  if (!code) return ''
  const description = table[code]
  return description ? `${code} – ${description}` : code
}
