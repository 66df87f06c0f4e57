import type { PecAttachment, PecMessage } from './model.js'
import { pecDateParts } from './time-format.js'

export interface PecInput {
  /** The SDI mailbox that sends, e.g. `sdi03@pec.fatturapa.it`. */
  sdiAddress: string
  /** The mailbox of the PEC provider that certifies (the envelope sender). */
  providerAddress: string
  to: string
  /** `Invio File 7339338`; the test environment appends ` (SIMULAZIONE)`. */
  subject: string
  date: number
  /** Message-ID of SDI's message (`<...@pec.fatturapa.it>`) and of the provider's envelope. */
  sdiMessageId: string
  envelopeMessageId: string
  attachments: PecAttachment[]
  text: string
  /** Deterministic boundary stem. */
  boundary: string
}

const crlf = '\r\n'

function rfc2822Date(ms: number): string {
  const { giorno, ora, zona } = pecDateParts(ms)
  const [day, month, year] = giorno.split('/')
  const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][
    new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))).getUTCDay()
  ]
  return `${weekday}, ${Number(day)} ${names[Number(month) - 1]} ${year} ${ora} ${zona}`
}

function base64Lines(content: Buffer): string {
  return (content.toString('base64').match(/.{1,76}/g) ?? []).join(crlf)
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * An SDI message by PEC, laid out as the real ones (see shared/reference/fatturapa/pec/): the provider's envelope
 * ("POSTA CERTIFICATA: <subject>", sent "Per conto di" the sdiNN mailbox, X-Trasporto/X-Riferimento-Message-ID
 * headers) holding a text part, `daticert.xml` and the original message `postacert.eml`, whose attachments are the
 * SDI files. The envelope is not S/MIME signed.
 */
export function buildPecMessage(input: PecInput): PecMessage {
  const date = rfc2822Date(input.date)
  const { giorno, ora, zona } = pecDateParts(input.date)
  const innerBoundary = `----=_Part_${input.boundary}_inner`
  const inner = [
    `From: ${input.sdiAddress}`,
    `To: ${input.to}`,
    `Subject: ${input.subject}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${innerBoundary}"`,
    'X-TipoRicevuta: completa',
    `Date: ${date}`,
    `Message-ID: ${input.envelopeMessageId}`,
    `X-Riferimento-Message-ID: ${input.sdiMessageId}`,
    '',
    ...input.attachments.flatMap((attachment) => [
      `--${innerBoundary}`,
      `Content-Type: application/octet-stream; name=${attachment.filename}`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename=${attachment.filename}`,
      '',
      base64Lines(attachment.content),
    ]),
    `--${innerBoundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(Buffer.from(input.text, 'utf8')),
    `--${innerBoundary}--`,
    '',
  ].join(crlf)
  const daticert = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<postacert tipo="posta-certificata" errore="nessuno">',
    '    <intestazione>',
    `        <mittente>${escapeXml(input.sdiAddress)}</mittente>`,
    `        <destinatari tipo="certificato">${escapeXml(input.to)}</destinatari>`,
    `        <risposte>${escapeXml(input.sdiAddress)}</risposte>`,
    `        <oggetto>${escapeXml(input.subject)}</oggetto>`,
    '    </intestazione>',
    '    <dati>',
    '        <gestore-emittente>SDI simulator</gestore-emittente>',
    `        <data zona="${zona}">`,
    `            <giorno>${giorno}</giorno>`,
    `            <ora>${ora}</ora>`,
    '        </data>',
    `        <identificativo>${escapeXml(input.envelopeMessageId.replace(/^<|>$/g, ''))}</identificativo>`,
    `        <msgid>${escapeXml(input.sdiMessageId)}</msgid>`,
    '        <ricevuta tipo="completa" />',
    '    </dati>',
    '</postacert>',
    '',
  ].join('\n')
  const text = [
    'Messaggio di posta certificata',
    '',
    '  -----',
    '',
    `Il giorno ${giorno} alle ore ${ora} (${zona}) il messaggio`,
    `"${input.subject}" e' stato inviato da "${input.sdiAddress}"`,
    'indirizzato a:',
    input.to,
    '',
    "Il messaggio originale e' incluso in allegato.",
    `Identificativo messaggio: ${input.envelopeMessageId.replace(/^<|>$/g, '')}`,
    '',
  ].join(crlf)
  const outerBoundary = `----------=_${input.boundary}_outer`
  const subject = `POSTA CERTIFICATA: ${input.subject}`
  const raw = [
    `Subject: ${subject}`,
    `X-Riferimento-Message-ID: ${input.sdiMessageId}`,
    `Date: ${date}`,
    `Reply-To: ${input.sdiAddress}`,
    `To: ${input.to}`,
    'X-Trasporto: posta-certificata',
    `From: "Per conto di: ${input.sdiAddress}" <${input.providerAddress}>`,
    'X-Tiporicevuta: completa',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${outerBoundary}"`,
    `Message-ID: ${input.envelopeMessageId}`,
    '',
    `--${outerBoundary}`,
    'Content-Type: text/plain; charset="iso-8859-1"',
    'Content-Disposition: inline',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(Buffer.from(text, 'latin1')),
    `--${outerBoundary}`,
    'Content-Type: application/xml; name="daticert.xml"',
    'Content-Disposition: inline; filename="daticert.xml"',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(Buffer.from(daticert, 'utf8')),
    `--${outerBoundary}`,
    'Content-Type: message/rfc822; name="postacert.eml"',
    'Content-Disposition: inline; filename="postacert.eml"',
    '',
    inner,
    `--${outerBoundary}--`,
    '',
  ].join(crlf)
  return {
    from: input.providerAddress,
    to: input.to,
    subject,
    messageId: input.envelopeMessageId,
    date: new Date(input.date),
    raw: Buffer.from(raw, 'utf8'),
  }
}
