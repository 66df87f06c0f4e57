import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FileSdI, FileSdIConMetadati } from '@fatturapa-hub/sdicoop'
import type { Channel, NotificationOperation, OutboundPort, PecMessage } from '../src/engine/index.js'

export const referenceDirectory = '/work/shared/reference/fatturapa'

export type SampleName = 'FPA01' | 'FPA02' | 'FPA03' | 'FPR01' | 'FPR02' | 'FPR03' | 'FPR04' | 'FSM10'

export interface SampleOptions {
  codice?: string
  numero?: string
  pec?: string
}

/** An official AdE sample, read at test time, with its recipient code and invoice number changed. */
export function sampleInvoice(name: SampleName, options: SampleOptions = {}): Buffer {
  let xml = readFileSync(join(referenceDirectory, 'samples', `IT01234567890_${name}.xml`), 'utf8')
  if (options.codice)
    xml = xml.replace(/<CodiceDestinatario>[^<]*<\/CodiceDestinatario>/, `<CodiceDestinatario>${options.codice}</CodiceDestinatario>`)
  if (options.pec) xml = xml.replace(/<PECDestinatario>[^<]*<\/PECDestinatario>/, `<PECDestinatario>${options.pec}</PECDestinatario>`)
  if (options.numero) {
    const index = xml.indexOf('<DatiGeneraliDocumento>')
    xml = xml.slice(0, index) + xml.slice(index).replace(/<Numero>[^<]*<\/Numero>/, `<Numero>${options.numero}</Numero>`)
  }
  return Buffer.from(xml, 'utf8')
}

export interface PortCall {
  kind: 'invoice' | 'notification' | 'pec'
  channelId?: string
  operation?: string
  body?: FileSdI | FileSdIConMetadati
  pec?: PecMessage
}

/** An OutboundPort that records every call; channels listed in `down` fail. */
export class RecordingPort implements OutboundPort {
  readonly calls: PortCall[] = []
  readonly down = new Set<string>()
  pecDown = false

  async deliverInvoice(channel: Channel, body: FileSdIConMetadati): Promise<void> {
    this.calls.push({ kind: 'invoice', channelId: channel.id, operation: 'RicezioneFatture.RiceviFatture', body })
    if (this.down.has(channel.id)) throw new Error(`${channel.id} is down`)
  }

  async deliverNotification(channel: Channel, operation: NotificationOperation, body: FileSdI): Promise<void> {
    this.calls.push({ kind: 'notification', channelId: channel.id, operation, body })
    if (this.down.has(channel.id)) throw new Error(`${channel.id} is down`)
  }

  async sendPec(message: PecMessage): Promise<void> {
    this.calls.push({ kind: 'pec', pec: message })
    if (this.pecDown) throw new Error('SMTP refused')
  }
}

export const hour = 3_600_000
export const day = 24 * hour
