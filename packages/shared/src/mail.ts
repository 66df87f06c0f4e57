import { randomUUID } from 'node:crypto'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer'
import type { Logger } from 'pino'

export interface MailConfig {
  SMTP_URL?: string | undefined
  MAIL_DIR: string
  MAIL_FROM: string
}

/** A message as the mailer takes it (nodemailer's options; `from` defaults to MAIL_FROM). */
export type MailMessage = SendMailOptions

export interface SentMail {
  messageId: string
  /** Where the message went: the SMTP server's answer, or the .eml file written in embedded mode. */
  destination: string
}

export interface Mailer {
  send(message: SendMailOptions): Promise<SentMail>
  verify(): Promise<void>
  close(): void
}

/** SMTP when SMTP_URL is set; otherwise every message is written as an .eml file (embedded mode). */
export function createMailer(config: MailConfig, logger: Logger): Mailer {
  return config.SMTP_URL ? smtpMailer(config, config.SMTP_URL, logger) : fileMailer(config, logger)
}

function smtpMailer(config: MailConfig, url: string, logger: Logger): Mailer {
  const transport: Transporter = nodemailer.createTransport(url)
  return {
    async send(message) {
      const info = await transport.sendMail({ from: config.MAIL_FROM, ...message })
      logger.info({ messageId: info.messageId, accepted: info.accepted?.length ?? 0 }, 'mail sent')
      return { messageId: info.messageId, destination: info.response ?? url.replace(/\/\/[^@]*@/, '//') }
    },
    async verify() {
      await transport.verify()
    },
    close() {
      transport.close()
    },
  }
}

function fileMailer(config: MailConfig, logger: Logger): Mailer {
  const directory = resolve(config.MAIL_DIR)
  const transport: Transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  return {
    async send(message) {
      const info = await transport.sendMail({ from: config.MAIL_FROM, ...message })
      await mkdir(directory, { recursive: true })
      const stamp = new Date().toISOString().replace(/[:.]/g, '-')
      const file = join(directory, `${stamp}-${randomUUID()}.eml`)
      // Written under a temporary name and renamed, so a reader never sees half a message.
      await writeFile(`${file}.tmp`, info.message as Buffer)
      await rename(`${file}.tmp`, file)
      logger.info({ messageId: info.messageId, file }, 'mail written')
      return { messageId: info.messageId, destination: file }
    },
    async verify() {
      await mkdir(directory, { recursive: true })
    },
    close() {},
  }
}
