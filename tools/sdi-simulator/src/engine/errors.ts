import type { SdiError } from './model.js'

const known: Record<string, [string, string]> = {
  '00001': [
    'Nome file non valido',
    'Verificare che il nome del file rispetti la nomenclatura IdPaese+IdCodice_progressivo con estensione .xml, .xml.p7m o .zip',
  ],
  '00002': ['Nome file duplicato', 'Inviare il file con un nome diverso: il progressivo non deve essere mai riutilizzato'],
  '00003': ['Le dimensioni del file superano quelle ammesse', 'Il file non deve superare i 5 MB'],
  '00100': ['Certificato di firma scaduto', 'Firmare il file con un certificato in corso di validità'],
  '00101': ['Certificato di firma revocato', 'Firmare il file con un certificato non revocato'],
  '00102': ['File non integro (firma non valida)', 'Verificare la firma del file e che il file non sia stato modificato dopo la firma'],
  '00103': ['La firma digitale apposta manca del riferimento temporale', 'Apporre una firma che contenga il signing time'],
  '00104': [
    'La CA (Certification Authority) che ha rilasciato il certificato di firma non è tra quelle abilitate',
    'Utilizzare un certificato rilasciato da una CA abilitata',
  ],
  '00105': [
    'Il riferimento temporale della firma digitale apposta al file risulta successivo alla data di ricezione del file',
    'Verificare la data e ora del dispositivo di firma',
  ],
  '00106': ['File / archivio vuoto o corrotto', "Verificare che l'archivio non sia vuoto e sia leggibile"],
  '00107': ['Il certificato di firma non è valido', 'Firmare il file con un certificato valido'],
  '00200': ['File non conforme al formato', 'Verificare il file rispetto allo schema XSD della FatturaPA'],
  '00201': ['Riscontrati più di 50 errori di formato', 'Correggere gli errori di formato e ritrasmettere'],
  '00311': ['1.1.4 <CodiceDestinatario> non valido', 'Verificare il codice destinatario con il cessionario/committente'],
  '00312': ['1.1.4 <CodiceDestinatario> non attivo', 'Verificare il codice destinatario con il cessionario/committente'],
  '00404': ['Fattura duplicata', 'Verificare che la fattura non sia già stata trasmessa (stesso cedente, anno e numero)'],
  '00409': ['Fattura duplicata nel lotto', 'Verificare che il lotto non contenga due volte la stessa fattura'],
}

const fallbackSuggestion = 'Verificare il contenuto del file rispetto alle specifiche tecniche e ritrasmettere con un nuovo nome file'

/** An entry of ListaErrori: SDI's Italian description (with the detail found, when any) and a Suggerimento. */
export function sdiError(codice: string, detail?: string): SdiError {
  const entry = known[codice]
  const base = entry?.[0] ?? `Controllo ${codice} non superato`
  const descrizione = detail && detail !== base ? `${base} : ${detail}` : base
  return { codice, descrizione: descrizione.slice(0, 1000), suggerimento: (entry?.[1] ?? fallbackSuggestion).slice(0, 2000) }
}
