import { buildSdiMessage, type SdiMessage, sdiMessageFileName } from '@fatturapa-hub/fatturapa'
import type { MessageSigner } from './model.js'

/** Messages whose schema requires SDI's enveloped signature (all but MT and EC). */
export function requiresSignature(message: SdiMessage): boolean {
  return message.type !== 'MetadatiInvioFile' && message.type !== 'FileMetadati' && message.type !== 'NotificaEsitoCommittente'
}

export function codeOf(message: SdiMessage): string {
  switch (message.type) {
    case 'RicevutaConsegna':
      return 'RC'
    case 'NotificaScarto':
    case 'RicevutaScarto':
      return 'NS'
    case 'NotificaMancataConsegna':
    case 'RicevutaImpossibilitaRecapito':
      return 'MC'
    case 'NotificaEsito':
      return 'NE'
    case 'NotificaDecorrenzaTermini':
      return 'DT'
    case 'AttestazioneTrasmissioneFattura':
      return 'AT'
    case 'MetadatiInvioFile':
    case 'FileMetadati':
      return 'MT'
    case 'NotificaEsitoCommittente':
      return 'EC'
    case 'ScartoEsitoCommittente':
      return 'SE'
  }
}

/** Serialises (and signs, when a signer is configured and the schema wants a signature) one SDI message. */
export async function serialiseMessage(message: SdiMessage, signer: MessageSigner | undefined, signingTime: Date): Promise<string> {
  const xml = buildSdiMessage(message)
  if (!signer || !requiresSignature(message)) return xml
  return signer.sign(xml, { id: `SDI-${'MessageId' in message ? message.MessageId : message.IdentificativoSdI}`, signingTime })
}

/** Counts the messages of each code per received file, for `<file>_<code>_<nnn>.xml`. */
export class MessageNamer {
  readonly #counters = new Map<string, number>()

  next(receivedFileName: string, code: string): string {
    const key = `${receivedFileName}|${code}`
    const counter = (this.#counters.get(key) ?? 0) + 1
    this.#counters.set(key, counter)
    return sdiMessageFileName(receivedFileName, code as Parameters<typeof sdiMessageFileName>[1], counter)
  }

  clear(): void {
    this.#counters.clear()
  }
}
