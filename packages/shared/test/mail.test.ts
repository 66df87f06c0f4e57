// Real: an SMTP server (smtp-server) on a loopback port and the file system. Nothing is mocked.
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { SMTPServer } from 'smtp-server'
import { createLogger } from '../src/logger.js'
import { createMailer } from '../src/mail.js'

const logger = createLogger({ name: 'mail-test', level: 'silent' })

describe('createMailer', () => {
  it('writes an .eml file per message when no SMTP server is configured', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'fph-mail-'))
    const mailer = createMailer({ MAIL_DIR: directory, MAIL_FROM: 'hub <noreply@hub.test>' }, logger)
    const sent = await mailer.send({ to: 'operatore@studio.test', subject: 'Fattura scartata', text: 'Codice 00404' })
    const files = await readdir(directory)
    expect(files).toHaveLength(1)
    expect(sent.destination).toBe(join(directory, files[0] as string))
    const eml = await readFile(sent.destination, 'utf8')
    expect(eml).toContain('Subject: Fattura scartata')
    expect(eml).toContain('To: operatore@studio.test')
    expect(eml).toContain('Codice 00404')
  })

  describe('over SMTP', () => {
    const received: Array<{ from: string; to: string[]; data: string }> = []
    let server: SMTPServer
    let port: number

    beforeAll(async () => {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        onData(stream, session, callback) {
          const chunks: Buffer[] = []
          stream.on('data', (chunk: Buffer) => chunks.push(chunk))
          stream.on('end', () => {
            received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              data: Buffer.concat(chunks).toString('utf8'),
            })
            callback()
          })
        },
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
      port = (server.server.address() as { port: number }).port
    })
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

    it('delivers to the configured server', async () => {
      const mailer = createMailer({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_DIR: '/nonexistent', MAIL_FROM: 'noreply@hub.test' }, logger)
      await mailer.verify()
      await mailer.send({ to: 'adm@studio.test', subject: 'Riattivazione utente', text: 'Il tuo utente è stato riattivato.' })
      mailer.close()
      expect(received).toHaveLength(1)
      expect(received[0]).toMatchObject({ from: 'noreply@hub.test', to: ['adm@studio.test'] })
      expect(received[0]?.data).toContain('Subject: Riattivazione utente')
    })
  })
})
