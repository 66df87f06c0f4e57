import { type CallSoapOptions, callSoap, type FileSdI, type FileSdIConMetadati } from '@fatturapa-hub/sdicoop'
import type { Mailer } from '@fatturapa-hub/shared'
import type { Channel, NotificationOperation, OutboundPort, PecMessage } from '../engine/index.js'

export interface HttpOutboundOptions {
  /** Deadline of every call to the platform. Default 30 s. */
  timeoutMs?: number
  /** Sends PEC messages; without it every PEC delivery fails. */
  mailer?: Mailer
}

/** Calls the platform's SDICoop endpoints with the sdicoop client and sends PEC through the shared mailer. */
export class HttpOutboundPort implements OutboundPort {
  readonly #options: HttpOutboundOptions

  constructor(options: HttpOutboundOptions = {}) {
    this.#options = options
  }

  async deliverInvoice(channel: Channel, body: FileSdIConMetadati): Promise<void> {
    if (!channel.ricezioneUrl) throw new Error(`Channel ${channel.id} has no RicezioneFatture endpoint`)
    const answer = await callSoap(channel.ricezioneUrl, 'RicezioneFatture.RiceviFatture', body, this.#callOptions(channel))
    if (answer.Esito !== 'ER01') throw new Error(`RiceviFatture answered ${String(answer.Esito)}`)
  }

  async deliverNotification(channel: Channel, operation: NotificationOperation, body: FileSdI): Promise<void> {
    const url = operation.startsWith('TrasmissioneFatture.') ? channel.trasmissioneUrl : channel.ricezioneUrl
    if (!url) throw new Error(`Channel ${channel.id} has no endpoint for ${operation}`)
    await callSoap(url, operation, body, this.#callOptions(channel))
  }

  async sendPec(message: PecMessage): Promise<void> {
    if (!this.#options.mailer) throw new Error('PEC is not configured (SMTP_URL or MAIL_DIR)')
    await this.#options.mailer.send({ envelope: { from: message.from, to: [message.to] }, raw: message.raw })
  }

  #callOptions(channel: Channel): CallSoapOptions {
    const tls = channel.tls
    return {
      timeoutMs: this.#options.timeoutMs ?? 30_000,
      ...(channel.mtom ? { mtom: true } : {}),
      ...(tls
        ? {
            tls: {
              ...(tls.cert ? { cert: tls.cert } : {}),
              ...(tls.key ? { key: tls.key } : {}),
              ...(tls.passphrase ? { passphrase: tls.passphrase } : {}),
              ...(tls.ca ? { ca: tls.ca } : {}),
              ...(tls.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: tls.rejectUnauthorized }),
              ...(tls.servername ? { servername: tls.servername } : {}),
            },
          }
        : {}),
    }
  }
}
