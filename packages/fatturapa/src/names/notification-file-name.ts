import { InvalidFileNameError } from './errors.js'
import { parseInvoiceBaseName, parseInvoiceFileName } from './invoice-file-name.js'

/** RC, NS, MC, MT are B2B and PA; NE, DT, AT, EC, SE exist only on the PA flow. */
export const notificationTipi = ['RC', 'NS', 'MC', 'MT', 'NE', 'DT', 'AT', 'EC', 'SE'] as const
export type NotificationTipo = (typeof notificationTipi)[number]

export interface ParsedNotificationFileName {
  /** The name of the file the message is about, without extension. */
  invoiceBaseName: string
  idPaese: string
  idCodice: string
  /** The progressivo of the invoice file. */
  progressivoInvio: string
  tipo: NotificationTipo
  /** The 3-character progressivo of the message itself. */
  progressivo: string
}

export interface NotificationFileNameFields {
  /** The invoice file name as sent (with extension), e.g. `IT01234567890_11111.xml.p7m`. */
  invoiceFileName: string
  tipo: NotificationTipo
  /** 1–999 (zero-padded) or three letters or digits. */
  progressivo: number | string
}

const notificationPattern = /^(.+)_([A-Z]{2})_([A-Za-z0-9]{3})\.xml$/i

/** Parses `<invoice name without extension>_<TIPO>_<3 alphanumerics>.xml`; throws {@link InvalidFileNameError} (00001). */
export function parseNotificationFileName(fileName: string): ParsedNotificationFileName {
  const match = notificationPattern.exec(fileName)
  const [, invoiceBaseName, tipo, progressivo] = match ?? []
  if (invoiceBaseName === undefined || tipo === undefined || progressivo === undefined) {
    throw new InvalidFileNameError(fileName, 'syntax', `${fileName}: expected <file name>_<TIPO>_<nnn>.xml`)
  }
  if (!isNotificationTipo(tipo)) {
    throw new InvalidFileNameError(fileName, 'tipo', `${fileName}: ${tipo} is not one of ${notificationTipi.join(', ')}`)
  }
  const invoice = parseInvoiceBaseName(fileName, invoiceBaseName)
  return {
    invoiceBaseName,
    idPaese: invoice.idPaese,
    idCodice: invoice.idCodice,
    progressivoInvio: invoice.progressivo,
    tipo,
    progressivo,
  }
}

export function formatNotificationFileName(fields: NotificationFileNameFields): string {
  const { baseName } = parseInvoiceFileName(fields.invoiceFileName)
  const progressivo =
    typeof fields.progressivo === 'number' && Number.isInteger(fields.progressivo) && fields.progressivo >= 1 && fields.progressivo <= 999
      ? String(fields.progressivo).padStart(3, '0')
      : String(fields.progressivo)
  const name = `${baseName}_${fields.tipo}_${progressivo}.xml`
  if (!isNotificationTipo(fields.tipo)) {
    throw new InvalidFileNameError(name, 'tipo', `${name}: ${fields.tipo} is not one of ${notificationTipi.join(', ')}`)
  }
  if (!/^[A-Z0-9]{3}$/.test(progressivo)) {
    throw new InvalidFileNameError(
      name,
      'progressivo-messaggio',
      `${name}: message progressivo must be 1–999 or 3 uppercase letters or digits`,
    )
  }
  return name
}

export function isNotificationTipo(value: string): value is NotificationTipo {
  return (notificationTipi as readonly string[]).includes(value)
}
