import { InvalidFileNameError } from './errors.js'

export type InvoiceFileKind = 'xml' | 'xml.p7m' | 'zip'

export interface InvoiceFileNameFields {
  /** ISO 3166-1 alpha-2 country of the transmitter. */
  idPaese: string
  /** Fiscal code of the transmitter (not of the cedente): IT 11–16 characters, foreign 2–28. */
  idCodice: string
  /** 1–5 alphanumerics, unique forever per transmitter (00002). */
  progressivo: string
  kind: InvoiceFileKind
}

export interface ParsedInvoiceFileName extends InvoiceFileNameFields {
  /** The name without extension: the prefix of every SDI message about this file. */
  baseName: string
}

const extensions: ReadonlyArray<readonly [string, InvoiceFileKind]> = [
  ['.xml.p7m', 'xml.p7m'],
  ['.xml', 'xml'],
  ['.zip', 'zip'],
]

const idPaesePattern = /^[A-Z]{2}$/
const idCodicePattern = /^[A-Za-z0-9]+$/
// The B2B spec allows [a-zA-Z0-9], the PA page only A-Z0-9: accept both on input, emit uppercase only.
const progressivoPattern = /^[A-Za-z0-9]{1,5}$/
const emittedProgressivoPattern = /^[A-Z0-9]{1,5}$/

/** Parses `<IdPaese><IdCodice>_<progressivo>.<xml|xml.p7m|zip>`; throws {@link InvalidFileNameError} (00001). */
export function parseInvoiceFileName(fileName: string): ParsedInvoiceFileName {
  const lower = fileName.toLowerCase()
  // Real senders write ".XML.P7M" too; the extension is matched without regard to case.
  const extension = extensions.find(([suffix]) => lower.endsWith(suffix))
  if (!extension) throw new InvalidFileNameError(fileName, 'extension', `${fileName}: extension must be .xml, .xml.p7m or .zip`)
  const baseName = fileName.slice(0, fileName.length - extension[0].length)
  return { ...parseInvoiceBaseName(fileName, baseName), kind: extension[1], baseName }
}

/** Parses the part before the extension; also used for the prefix of SDI message names. */
export function parseInvoiceBaseName(fileName: string, baseName: string): Omit<InvoiceFileNameFields, 'kind'> {
  const parts = baseName.split('_')
  const [identity, progressivo] = parts
  if (parts.length !== 2 || identity === undefined || progressivo === undefined) {
    throw new InvalidFileNameError(fileName, 'syntax', `${fileName}: expected <IdPaese><IdCodice>_<progressivo>`)
  }
  const idPaese = identity.slice(0, 2)
  const idCodice = identity.slice(2)
  checkIdentity(fileName, idPaese, idCodice)
  if (!progressivoPattern.test(progressivo)) {
    throw new InvalidFileNameError(fileName, 'progressivo', `${fileName}: progressivo must be 1 to 5 letters or digits`)
  }
  return { idPaese, idCodice, progressivo }
}

/** Builds an invoice file name; refuses anything {@link parseInvoiceFileName} would refuse, and lowercase progressivi. */
export function formatInvoiceFileName(fields: InvoiceFileNameFields): string {
  const extension = extensions.find(([, kind]) => kind === fields.kind)
  const name = `${fields.idPaese}${fields.idCodice}_${fields.progressivo}.${fields.kind}`
  if (!extension) throw new InvalidFileNameError(name, 'extension', `${name}: kind must be xml, xml.p7m or zip`)
  checkIdentity(name, fields.idPaese, fields.idCodice)
  if (!emittedProgressivoPattern.test(fields.progressivo)) {
    throw new InvalidFileNameError(name, 'progressivo', `${name}: progressivo must be 1 to 5 uppercase letters or digits`)
  }
  return name
}

function checkIdentity(fileName: string, idPaese: string, idCodice: string): void {
  if (!idPaesePattern.test(idPaese)) {
    throw new InvalidFileNameError(fileName, 'id-paese', `${fileName}: IdPaese must be an ISO 3166-1 alpha-2 code in uppercase`)
  }
  const [min, max] = idPaese === 'IT' ? [11, 16] : [2, 28]
  if (!idCodicePattern.test(idCodice) || idCodice.length < min || idCodice.length > max) {
    throw new InvalidFileNameError(fileName, 'id-codice', `${fileName}: IdCodice must be ${min} to ${max} letters or digits for ${idPaese}`)
  }
}
