import { SdiMessageError } from './errors.js'
import type { SdiMessageCode } from './model.js'

const codes: readonly SdiMessageCode[] = ['RC', 'NS', 'MC', 'NE', 'DT', 'AT', 'EC', 'SE', 'MT']

// <name of the received file without extension>_<TIPO>_<progressivo of 1-3 alphanumerics>.xml
const messageFileName = new RegExp(`^(.+)_(${codes.join('|')})_([A-Za-z0-9]{1,3})\\.xml$`)

export interface SdiMessageFileName {
  /** The received file name without extension, e.g. `IT01234567890_11111` (truncated to 36 characters by SDI when not conforming). */
  fileBase: string
  code: SdiMessageCode
  /** Unique per message of the same file, e.g. `001`. */
  progressivo: string
}

/**
 * Recognises an SDI message file name (`IT01234567890_11111_RC_001.xml`, AdE spec §1.1 of the receipts
 * appendix). Only the name is inspected: the content is what decides the vocabulary (see parseSdiMessage).
 * Returns undefined for any other name, invoices included.
 */
export function parseSdiMessageFileName(fileName: string): SdiMessageFileName | undefined {
  const baseName = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1)
  const match = messageFileName.exec(baseName)
  if (!match) return undefined
  const [, fileBase, code, progressivo] = match
  return { fileBase: fileBase as string, code: code as SdiMessageCode, progressivo: progressivo as string }
}

/**
 * Names a message about a received file: its name without extension(s) (`.xml`, `.xml.p7m`, `.zip`),
 * truncated to 36 characters as SDI does for non-conforming names, then `_<code>_<progressivo>.xml`.
 * A numeric progressivo is zero-padded to three digits.
 */
export function sdiMessageFileName(receivedFileName: string, code: SdiMessageCode, progressivo: number | string): string {
  const base = receivedFileName.replace(/(\.xml\.p7m|\.xml|\.zip|\.p7m)$/i, '').slice(0, 36)
  const suffix = typeof progressivo === 'number' ? String(progressivo).padStart(3, '0') : progressivo
  if (!/^[A-Za-z0-9]{1,3}$/.test(suffix)) {
    throw new SdiMessageError('SDI_MESSAGE_INVALID_VALUE', `Invalid progressivo "${suffix}": 1 to 3 alphanumerics`)
  }
  return `${base}_${code}_${suffix}.xml`
}
