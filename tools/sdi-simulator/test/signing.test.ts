import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { validateSdiMessage, verifyXades } from '@fatturapa-hub/fatturapa'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { SdiEngine, xadesMessageSigner } from '../src/index.js'
import { day, RecordingPort, sampleInvoice } from './support.js'

let directory: string
let certificatePem: string
let privateKeyPem: string

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'sdi-sim-sign-'))
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '3650',
      '-subj',
      '/CN=SDI simulator test',
      '-set_serial',
      '1001',
      '-keyout',
      join(directory, 'key.pem'),
      '-out',
      join(directory, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  )
  certificatePem = readFileSync(join(directory, 'cert.pem'), 'utf8')
  privateKeyPem = readFileSync(join(directory, 'key.pem'), 'utf8')
})
afterAll(() => rmSync(directory, { recursive: true, force: true }))

describe('xadesMessageSigner', () => {
  it('signs every message whose schema requires it; signed messages validate and verify, MT and EC stay unsigned', async () => {
    // The test certificate is valid from now: the virtual clock starts now too.
    const sut = new SdiEngine({
      port: new RecordingPort(),
      seed: 'sign',
      start: Date.now() + 60_000,
      signer: xadesMessageSigner({ certificatePem, privateKeyPem }),
    })
    sut.setRecipient('AAAAAA', { scenario: { kind: 'accept' } })
    sut.setRecipient('BBBBBB', { scenario: { kind: 'noAnswer' } })
    sut.setRecipient('ABC1234', { scenario: { kind: 'down' } })
    sut.receiveFile({ nomeFile: 'IT01234567890_00001.xml', file: sampleInvoice('FPA01') })
    sut.receiveFile({ nomeFile: 'IT01234567890_00002.xml', file: sampleInvoice('FPA01', { codice: 'BBBBBB', numero: 'B1' }) })
    sut.receiveFile({ nomeFile: 'IT01234567890_00003.xml', file: sampleInvoice('FPR01') })
    sut.receiveFile({ nomeFile: 'IT01234567890_00004.xml', file: sampleInvoice('FPR01') })
    await sut.clock.advance(16 * day)
    const types = new Set(sut.notifications.map((n) => `${n.vocabulary}:${n.type}`))
    expect([...types].sort()).toEqual(
      [
        'PA:MetadatiInvioFile',
        'PA:RicevutaConsegna',
        'PA:NotificaEsitoCommittente',
        'PA:NotificaEsito',
        'PA:NotificaDecorrenzaTermini',
        'B2B:FileMetadati',
        'B2B:RicevutaImpossibilitaRecapito',
        'B2B:RicevutaScarto',
      ].sort(),
    )
    for (const notification of sut.notifications) {
      expect({ file: notification.fileName, ...validateSdiMessage(notification.xml) }).toMatchObject({
        file: notification.fileName,
        valid: true,
      })
      const signed = notification.xml.includes('<ds:Signature')
      expect([notification.type, signed]).toEqual([
        notification.type,
        !['MetadatiInvioFile', 'FileMetadati', 'NotificaEsitoCommittente'].includes(notification.type),
      ])
      if (!signed) continue
      expect(notification.xml).toContain(certificatePem.replace(/-----[^-]+-----|\s/g, '').slice(0, 64))
      // SDI-shaped: the <?xml-stylesheet?> PI is outside the root, and URI="" signs it too (XML-DSig).
      expect(notification.xml).toMatch(/^<\?xml [^>]*\?>\s*<\?xml-stylesheet /)
      const verified = await verifyXades(notification.xml, { at: sut.clock.now() })
      expect({ file: notification.fileName, ...verified }).toMatchObject({ file: notification.fileName, valid: true, message: 'valid' })
      expect(verified.signer?.subject).toContain('CN=SDI simulator test')
    }
  })
})
