export { codiceFiscaleCheckCharacter, isValidCodiceFiscale } from './codice-fiscale.js'
export { isValidPartitaIva } from './partita-iva.js'
