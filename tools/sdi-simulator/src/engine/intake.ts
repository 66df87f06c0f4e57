import {
  type DuplicateStore,
  InvalidFileNameError,
  type InvoiceIdentity,
  invoiceIdentities,
  maxInvoiceBytes,
  parseInvoice,
  parseInvoiceFileName,
  validateInvoice,
} from '@fatturapa-hub/fatturapa'
import { sdiError } from './errors.js'
import type { SdiError, Vocabulary } from './model.js'

export interface IntakeContext {
  receivedAt: number
  /** Names already received, per transmitter (`IT01234567890_00001`, upper case): 00002. */
  names: Set<string>
  duplicates: DuplicateStore
  trustedRoots?: Uint8Array[]
}

export interface IntakeResult {
  ok: boolean
  errors: SdiError[]
  vocabulary: Vocabulary
  transmitterId?: string
  format?: string
  xml?: Uint8Array
  codiceDestinatario?: string
  pecDestinatario?: string
  identities: InvoiceIdentity[]
}

/** The name key SDI keeps forever per transmitter (extension and case do not make a new name). */
export function nameKey(fileName: string): string | undefined {
  try {
    const parsed = parseInvoiceFileName(fileName)
    return `${parsed.idPaese}${parsed.idCodice}_${parsed.progressivo}`.toUpperCase()
  } catch {
    return undefined
  }
}

export function transmitterOf(fileName: string): string | undefined {
  try {
    const parsed = parseInvoiceFileName(fileName)
    return `${parsed.idPaese}${parsed.idCodice}`
  } catch {
    return undefined
  }
}

/** PA vocabulary for FPA12 invoices, B2B for everything else (FPR12, FSM10, and files too broken to tell). */
export function sniffVocabulary(bytes: Uint8Array): Vocabulary {
  return /versione\s*=\s*["']FPA12["']/.test(Buffer.from(bytes).toString('latin1')) ? 'PA' : 'B2B'
}

function textOf(xml: string, element: string): string | undefined {
  const match = new RegExp(`<(?:[\\w.-]+:)?${element}>\\s*([^<]*?)\\s*</(?:[\\w.-]+:)?${element}>`).exec(xml)
  return match?.[1] || undefined
}

/**
 * The checks SDI applies to one invoice file, in its order: name (00001), duplicate name (00002), size (00003),
 * then signature, schema, content and duplicate invoices through the fatturapa pipeline. The name is recorded
 * even when a later check fails: a name is never reusable.
 */
export async function checkInvoiceFile(nomeFile: string, bytes: Uint8Array, context: IntakeContext): Promise<IntakeResult> {
  const sniffed = sniffVocabulary(bytes)
  const fail = (errors: SdiError[], vocabulary: Vocabulary = sniffed, transmitterId?: string): IntakeResult => ({
    ok: false,
    errors,
    vocabulary,
    identities: [],
    ...(transmitterId ? { transmitterId } : {}),
  })
  let transmitterId: string
  try {
    const parsed = parseInvoiceFileName(nomeFile)
    transmitterId = `${parsed.idPaese}${parsed.idCodice}`
  } catch (error) {
    if (!(error instanceof InvalidFileNameError)) throw error
    return fail([sdiError('00001', error.message)])
  }
  const key = nameKey(nomeFile) as string
  if (context.names.has(key)) return fail([sdiError('00002', `${nomeFile} già ricevuto`)], sniffed, transmitterId)
  context.names.add(key)
  if (bytes.length > maxInvoiceBytes) {
    return fail([sdiError('00003', `${bytes.length} byte, massimo ${maxInvoiceBytes}`)], sniffed, transmitterId)
  }
  const result = await validateInvoice(bytes, {
    fileName: nomeFile,
    receivedAt: new Date(context.receivedAt),
    duplicates: context.duplicates,
    ...(context.trustedRoots ? { trustedRoots: context.trustedRoots } : {}),
  })
  const xml = result.xml
  const vocabulary: Vocabulary = result.format ? (result.format === 'FPA12' ? 'PA' : 'B2B') : xml ? sniffVocabulary(xml) : sniffed
  if (!result.valid || !xml) {
    const errors = result.issues.slice(0, 200).map((issue) => sdiError(issue.code, issue.message))
    return fail(errors.length > 0 ? errors : [sdiError('00200')], vocabulary, transmitterId)
  }
  const text = Buffer.from(xml).toString('utf8')
  const codiceDestinatario = textOf(text, 'CodiceDestinatario')
  const pecDestinatario = textOf(text, 'PECDestinatario')
  const identities = result.format === 'FSM10' ? [] : invoiceIdentities(parseInvoice(xml))
  return {
    ok: true,
    errors: [],
    vocabulary,
    transmitterId,
    ...(result.format ? { format: result.format } : {}),
    xml,
    ...(codiceDestinatario ? { codiceDestinatario } : {}),
    ...(pecDestinatario ? { pecDestinatario } : {}),
    identities,
  }
}

/** The duplicate store of the simulator: invoices of files that were not rejected. */
export class MemoryDuplicateStore implements DuplicateStore {
  readonly #keys = new Set<string>()

  static key(identity: InvoiceIdentity): string {
    return JSON.stringify([identity.issuer, identity.period, identity.numero, identity.creditNote])
  }

  async exists(identity: InvoiceIdentity): Promise<boolean> {
    return this.#keys.has(MemoryDuplicateStore.key(identity))
  }

  add(identities: readonly InvoiceIdentity[]): void {
    for (const identity of identities) this.#keys.add(MemoryDuplicateStore.key(identity))
  }

  clear(): void {
    this.#keys.clear()
  }
}
