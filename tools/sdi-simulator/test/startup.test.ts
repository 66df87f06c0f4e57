import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildSoapRequest } from '@fatturapa-hub/sdicoop'
import { afterAll, describe, expect, it } from '@jest/globals'
import { buildSimulator, xadesMessageSigner } from '../src/index.js'
import { loadOrCreateSigningIdentity, platformWiringFromEnv, wirePlatform } from '../src/startup.js'
import { sampleInvoice } from './support.js'

const env = {
  PLATFORM_TRASMISSIONE_URL: 'http://127.0.0.1:3002/sdi/TrasmissioneFatture',
  PLATFORM_RICEZIONE_URL: 'http://127.0.0.1:3003/sdi/RicezioneFatture',
  PLATFORM_CODICI_DESTINATARIO: 'fphub00, FPHPA0',
}

describe('platformWiringFromEnv', () => {
  it('reads the platform endpoints and codes; nothing set means not wired', () => {
    expect(platformWiringFromEnv({})).toBeUndefined()
    expect(platformWiringFromEnv(env)).toEqual({
      channelId: 'platform',
      trasmissioneUrl: 'http://127.0.0.1:3002/sdi/TrasmissioneFatture',
      ricezioneUrl: 'http://127.0.0.1:3003/sdi/RicezioneFatture',
      codes: ['FPHUB00', 'FPHPA0'],
      transmitters: [],
    })
    expect(platformWiringFromEnv({ ...env, PLATFORM_TRANSMITTERS: 'IT01234567890', PLATFORM_CHANNEL_ID: 'hub' })).toMatchObject({
      channelId: 'hub',
      transmitters: ['IT01234567890'],
    })
  })

  it('refuses malformed values, naming every problem', () => {
    expect(() =>
      platformWiringFromEnv({ PLATFORM_TRASMISSIONE_URL: 'fe-active:3002', PLATFORM_CODICI_DESTINATARIO: 'ABC,0000000' }),
    ).toThrow(
      /PLATFORM_TRASMISSIONE_URL must be an http\(s\) URL.*"ABC" is not a recipient code.*"0000000" is not a recipient code.*needs PLATFORM_RICEZIONE_URL/,
    )
  })
})

describe('wirePlatform', () => {
  it('registers the transmitting and receiving channels, keeps them across resets, and takes unattributed files', async () => {
    const app = await buildSimulator({ seed: 'wiring' })
    const wiring = platformWiringFromEnv(env)
    if (!wiring) throw new Error('not wired')
    wirePlatform(app, wiring)
    try {
      const expected = [
        { id: 'platform', trasmissioneUrl: env.PLATFORM_TRASMISSIONE_URL, transmitters: [], enabled: true },
        { id: 'platform-ricezione', ricezioneUrl: env.PLATFORM_RICEZIONE_URL, transmitters: [], enabled: true },
      ]
      expect((await app.inject({ method: 'GET', url: '/admin/channels' })).json()).toEqual(expected)
      expect((await app.inject({ method: 'GET', url: '/admin/recipients' })).json()).toEqual([
        { code: 'FPHUB00', channelId: 'platform-ricezione', scenario: { kind: 'noAnswer' } },
        { code: 'FPHPA0', channelId: 'platform-ricezione', scenario: { kind: 'noAnswer' } },
      ])
      expect((await app.inject({ method: 'POST', url: '/admin/reset' })).statusCode).toBe(204)
      expect((await app.inject({ method: 'GET', url: '/admin/channels' })).json()).toEqual(expected)
      expect(app.sdi.recipients.get('FPHUB00')?.channelId).toBe('platform-ricezione')

      // A transmitter no channel lists, through SdIRiceviFile with no channel in the path: the platform's file.
      const request = buildSoapRequest('SdIRiceviFile.RiceviFile', { NomeFile: 'IT99999999999_00001.xml', File: sampleInvoice('FPR01') })
      const answer = await app.inject({
        method: 'POST',
        url: '/SdIRiceviFile',
        headers: { 'content-type': request.contentType },
        payload: request.xml,
      })
      expect(answer.statusCode).toBe(200)
      expect([...app.sdi.files.values()].map((file) => file.channelId)).toEqual(['platform'])
    } finally {
      await app.close()
    }
  })
})

describe('loadOrCreateSigningIdentity', () => {
  const directory = mkdtempSync(join(tmpdir(), 'sdi-sim-identity-'))
  afterAll(() => rmSync(directory, { recursive: true, force: true }))

  it('generates a valid self-signed certificate and key on first start, then reuses them; the key is private', async () => {
    const folder = join(directory, 'signing')
    const first = await loadOrCreateSigningIdentity(folder)
    expect(first.created).toBe(true)
    expect(first.certificatePem).toContain('-----BEGIN CERTIFICATE-----')
    expect(first.privateKeyPem).toContain('PRIVATE KEY-----')
    expect(statSync(first.keyFile).mode & 0o777).toBe(0o600)
    const certificate = new X509Certificate(first.certificatePem)
    expect(certificate.subject).toBe('C=IT\nO=SDI simulator (fatturapa-hub)\nCN=SDI simulator')
    expect(certificate.verify(createPublicKey(first.privateKeyPem))).toBe(true)
    expect(certificate.checkPrivateKey(createPrivateKey(first.privateKeyPem))).toBe(true)
    expect(Date.parse(certificate.validTo) - Date.now()).toBeGreaterThan(9 * 365 * 86_400_000)
    const second = await loadOrCreateSigningIdentity(folder)
    expect(second).toEqual({ ...first, created: false })
    // It signs.
    const signed = await xadesMessageSigner(second).sign('<a xmlns="urn:x"><b>1</b></a>', { id: 'SDI-1', signingTime: new Date() })
    expect(signed).toContain('<ds:SignatureValue ')
  })
})
