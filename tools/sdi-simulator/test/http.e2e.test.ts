/**
 * End to end over real HTTP: the simulator listens on a loopback port, a tiny node:http server plays the platform's
 * TrasmissioneFatture and RicezioneFatture endpoints, the platform side uses the sdicoop client. Nothing is mocked.
 */

import { parseSdiMessage } from '@fatturapa-hub/fatturapa'
import { callSoap, decodeMtom, parseSoapMessage, SoapError } from '@fatturapa-hub/sdicoop'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { closedUrl, type Platform, request, startPlatform, startSimulator } from './platform.js'
import { day, hour, sampleInvoice } from './support.js'

type Simulator = Awaited<ReturnType<typeof startSimulator>>

let platform: Platform
let sim: Simulator

beforeAll(async () => {
  platform = await startPlatform()
  sim = await startSimulator()
})
afterAll(async () => {
  await sim.close()
  await platform.close()
})
beforeEach(async () => {
  platform.received.length = 0
  platform.fail(undefined)
  await sim.admin('POST', '/reset')
  await sim.admin('POST', '/channels', { id: 'hub', trasmissioneUrl: platform.trasmissioneUrl, transmitters: ['IT01234567890'] })
  await sim.admin('POST', '/channels', { id: 'rx', ricezioneUrl: platform.ricezioneUrl })
})
afterEach(() => {
  expect(platform.errors).toEqual([])
})

async function transmit(nomeFile: string, file: Buffer) {
  return callSoap(`${sim.url}/SdIRiceviFile`, 'SdIRiceviFile.RiceviFile', { NomeFile: nomeFile, File: file }, { timeoutMs: 5000 })
}
const advance = (ms: number) => sim.admin('POST', '/clock/advance', { ms })
const operations = () => platform.received.map((r) => r.operation)

describe('B2B', () => {
  it('delivers to the recipient channel with the MT, then sends RC to the transmitter', async () => {
    await sim.admin('PUT', '/recipients/ABC1234', { channelId: 'rx', scenario: { kind: 'accept' } })
    const answer = await transmit('IT01234567890_00001.xml', sampleInvoice('FPR01'))
    expect(answer.Errore).toBeUndefined()
    await advance(0)
    expect(operations()).toEqual(['RicezioneFatture.RiceviFatture', 'TrasmissioneFatture.RicevutaConsegna'])
    const [invoice, rc] = platform.received
    expect(invoice?.metadati).toMatchObject({
      type: 'FileMetadati',
      IdentificativoSdI: answer.IdentificativoSdI,
      CodiceDestinatario: 'ABC1234',
    })
    expect(rc?.nomeFile).toBe('IT01234567890_00001_RC_001.xml')
    expect(rc?.message).toMatchObject({ vocabulary: 'B2B', type: 'RicevutaConsegna', IdentificativoSdI: answer.IdentificativoSdI })
  })

  it('tries an unreachable recipient 4 times every 6 hours, then sends RicevutaImpossibilitaRecapito', async () => {
    await sim.admin('POST', '/channels', { id: 'gone', ricezioneUrl: await closedUrl() })
    await sim.admin('PUT', '/recipients/ABC1234', { channelId: 'gone' })
    await transmit('IT01234567890_00002.xml', sampleInvoice('FPR01'))
    await advance(17 * hour)
    expect(operations()).toEqual([])
    await advance(1 * hour)
    const deliveries = await sim.admin<Array<{ kind: string; attempts: Array<{ at: string; ok: boolean }>; status: string }>>(
      'GET',
      '/deliveries',
    )
    const invoice = deliveries.find((d) => d.kind === 'invoice')
    expect(invoice?.attempts.map((a) => a.at)).toEqual([
      '2025-06-02T08:00:00.000Z',
      '2025-06-02T14:00:00.000Z',
      '2025-06-02T20:00:00.000Z',
      '2025-06-03T02:00:00.000Z',
    ])
    expect(invoice?.status).toBe('failed')
    expect(platform.received.map((r) => [r.operation, r.message.type])).toEqual([
      ['TrasmissioneFatture.NotificaMancataConsegna', 'RicevutaImpossibilitaRecapito'],
    ])
  })

  it('rejects with RicevutaScarto carrying the codes of the discard scenario', async () => {
    await sim.admin('PUT', '/recipients/ABC1234', { scenario: { kind: 'discard', errors: [{ codice: '00305' }, { codice: '00311' }] } })
    await transmit('IT01234567890_00003.xml', sampleInvoice('FPR01'))
    await advance(0)
    expect(platform.received).toHaveLength(1)
    expect(platform.received[0]?.operation).toBe('TrasmissioneFatture.NotificaScarto')
    const ns = platform.received[0]?.message as { type: string; ListaErrori: Array<{ Codice: string; Suggerimento?: string }> }
    expect(ns.type).toBe('RicevutaScarto')
    expect(ns.ListaErrori.map((e) => e.Codice)).toEqual(['00305', '00311'])
    expect(ns.ListaErrori.every((e) => e.Suggerimento)).toBe(true)
  })

  it('answers 00002 to a duplicate file name and 00404 to a duplicate invoice', async () => {
    await sim.admin('PUT', '/recipients/ABC1234', { channelId: 'rx' })
    await transmit('IT01234567890_00004.xml', sampleInvoice('FPR01'))
    await transmit('IT01234567890_00004.xml', sampleInvoice('FPR01', { numero: 'X9' }))
    await transmit('IT01234567890_00005.xml', sampleInvoice('FPR01'))
    await advance(0)
    const scarti = platform.received
      .filter((r) => r.operation === 'TrasmissioneFatture.NotificaScarto')
      .map((r) => [r.nomeFile, (r.message as { ListaErrori: Array<{ Codice: string }> }).ListaErrori[0]?.Codice])
    expect(scarti).toEqual([
      ['IT01234567890_00004_NS_001.xml', '00002'],
      ['IT01234567890_00005_NS_001.xml', '00404'],
    ])
  })

  it('sends 0000000 invoices by PEC with the SDI layout to a real SMTP server', async () => {
    const { startTestSmtpServer } = await import('@fatturapa-hub/shared/testing')
    const { createLogger, createMailer } = await import('@fatturapa-hub/shared')
    const smtp = await startTestSmtpServer()
    const mailer = createMailer(
      { SMTP_URL: smtp.url, MAIL_DIR: '/tmp/unused', MAIL_FROM: 'sdi@sim.invalid' },
      createLogger({ name: 'sdi-sim', level: 'warn' }),
    )
    const pecSim = await startSimulator({ mailer })
    try {
      await pecSim.admin('POST', '/channels', { id: 'hub', trasmissioneUrl: platform.trasmissioneUrl, transmitters: ['IT01234567890'] })
      const answer = await callSoap(`${pecSim.url}/SdIRiceviFile`, 'SdIRiceviFile.RiceviFile', {
        NomeFile: 'IT01234567890_00006.xml',
        File: sampleInvoice('FPR02'),
      })
      await pecSim.admin('POST', '/clock/advance', { ms: 0 })
      const mail = await smtp.waitFor((m) => m.to.includes('betagamma@pec.it'))
      expect(mail.subject).toBe(`POSTA CERTIFICATA: Invio File ${answer.IdentificativoSdI} (SIMULAZIONE)`)
      expect(mail.parsed.headers.get('x-trasporto')).toBe('posta-certificata')
      expect(mail.parsed.from?.text).toMatch(/^"Per conto di: sdi\d\d@pec\.fatturapa\.it"/)
      expect(mail.text).toContain('Messaggio di posta certificata')
      // mailparser flattens the attachments of the embedded postacert.eml next to daticert.xml.
      const attachments = mail.parsed.attachments
      expect(attachments.map((a) => a.filename)).toEqual(['daticert.xml', 'IT01234567890_00006_MT_001.xml', 'IT01234567890_00006.xml'])
      expect(attachments[0]?.content.toString()).toContain(`<oggetto>Invio File ${answer.IdentificativoSdI} (SIMULAZIONE)</oggetto>`)
      expect(parseSdiMessage(attachments[1]?.content as Buffer)).toMatchObject({ type: 'FileMetadati', CodiceDestinatario: '0000000' })
      expect(attachments[2]?.content.equals(sampleInvoice('FPR02'))).toBe(true)
      expect(platform.received.map((r) => r.message.type)).toEqual(['RicevutaConsegna'])
    } finally {
      await pecSim.close()
      await smtp.close()
    }
  })
})

describe('PA', () => {
  it('accepted (EC01) → NE with EC01 to the transmitter', async () => {
    await sim.admin('PUT', '/recipients/AAAAAA', { channelId: 'rx', scenario: { kind: 'accept', delayMs: hour } })
    const answer = await transmit('IT01234567890_00010.xml', sampleInvoice('FPA01'))
    await advance(hour)
    expect(operations()).toEqual([
      'RicezioneFatture.RiceviFatture',
      'TrasmissioneFatture.RicevutaConsegna',
      'TrasmissioneFatture.NotificaEsito',
    ])
    expect(platform.received[0]?.metadati).toMatchObject({ type: 'MetadatiInvioFile', Formato: 'FPA12' })
    expect(platform.received[2]?.message).toMatchObject({
      type: 'NotificaEsito',
      EsitoCommittente: { Esito: 'EC01', IdentificativoSdI: answer.IdentificativoSdI },
    })
    expect(platform.received[2]?.nomeFile).toBe('IT01234567890_00010_NE_001.xml')
  })

  it('refused (EC02) → NE with EC02', async () => {
    await sim.admin('PUT', '/recipients/AAAAAA', { channelId: 'rx', scenario: { kind: 'refuse', descrizione: 'Ordine errato' } })
    await transmit('IT01234567890_00011.xml', sampleInvoice('FPA01'))
    await advance(2 * hour)
    expect(platform.received.at(-1)?.message).toMatchObject({
      type: 'NotificaEsito',
      EsitoCommittente: { Esito: 'EC02', Descrizione: 'Ordine errato' },
    })
  })

  it('no EC → DT to transmitter and recipient 15 days after delivery', async () => {
    await sim.admin('PUT', '/recipients/AAAAAA', { channelId: 'rx', scenario: { kind: 'noAnswer' } })
    await transmit('IT01234567890_00012.xml', sampleInvoice('FPA01'))
    await advance(15 * day - 1000)
    expect(operations()).not.toContain('TrasmissioneFatture.NotificaDecorrenzaTermini')
    await advance(1000)
    expect(operations().slice(2)).toEqual(['TrasmissioneFatture.NotificaDecorrenzaTermini', 'RicezioneFatture.NotificaDecorrenzaTermini'])
    const clock = await sim.admin<{ now: string }>('GET', '/clock')
    expect(clock.now).toBe('2025-06-17T08:00:00.000Z')
    expect(platform.received.slice(2).map((r) => r.message.type)).toEqual(['NotificaDecorrenzaTermini', 'NotificaDecorrenzaTermini'])
  })

  it('unreachable → MC, then AT 10 days later', async () => {
    await sim.admin('PUT', '/recipients/AAAAAA', { scenario: { kind: 'down' } })
    await transmit('IT01234567890_00013.xml', sampleInvoice('FPA01'))
    await advance(48 * hour)
    expect(platform.received.map((r) => r.message.type)).toEqual(['NotificaMancataConsegna'])
    await advance(10 * day - 1000)
    expect(platform.received).toHaveLength(1)
    await advance(1000)
    expect(platform.received.map((r) => [r.operation, r.message.type])).toEqual([
      ['TrasmissioneFatture.NotificaMancataConsegna', 'NotificaMancataConsegna'],
      ['TrasmissioneFatture.AttestazioneTrasmissioneFattura', 'AttestazioneTrasmissioneFattura'],
    ])
  })

  it('EC through SdIRiceviNotifica: ES01 and NE, then ES00 + SE EN01 for a second EC, ES02 when unavailable', async () => {
    await sim.admin('PUT', '/recipients/AAAAAA', { channelId: 'rx', scenario: { kind: 'noAnswer' } })
    const answer = await transmit('IT01234567890_00014.xml', sampleInvoice('FPA01'))
    await advance(0)
    const ec = Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?><types:NotificaEsitoCommittente xmlns:types="http://www.fatturapa.gov.it/sdi/messaggi/v1.0" versione="1.0"><IdentificativoSdI>${answer.IdentificativoSdI}</IdentificativoSdI><Esito>EC01</Esito><MessageIdCommittente>PA-1</MessageIdCommittente></types:NotificaEsitoCommittente>`,
    )
    const body = { IdentificativoSdI: answer.IdentificativoSdI, NomeFile: 'IT01234567890_00014_EC_001.xml', File: ec }
    const first = await callSoap(`${sim.url}/SdIRiceviNotifica`, 'SdIRiceviNotifica.NotificaEsito', body)
    expect(first).toEqual({ Esito: 'ES01' })
    await advance(0)
    expect(platform.received.at(-1)?.message).toMatchObject({
      type: 'NotificaEsito',
      EsitoCommittente: { Esito: 'EC01', MessageIdCommittente: 'PA-1' },
    })
    const second = await callSoap(`${sim.url}/SdIRiceviNotifica`, 'SdIRiceviNotifica.NotificaEsito', body)
    expect(second.Esito).toBe('ES00')
    expect(second.ScartoEsito?.NomeFile).toBe('IT01234567890_00014_SE_001.xml')
    expect(parseSdiMessage(second.ScartoEsito?.File as Buffer)).toMatchObject({
      type: 'ScartoEsitoCommittente',
      Scarto: 'EN01',
      MessageIdCommittente: 'PA-1',
    })
    await sim.admin('POST', '/faults', { target: 'SdIRiceviNotifica', kind: 'unavailable' })
    expect((await callSoap(`${sim.url}/SdIRiceviNotifica`, 'SdIRiceviNotifica.NotificaEsito', body)).Esito).toBe('ES02')
  })
})

describe('receipts, faults, MTOM, determinism', () => {
  it('retries receipts to an unreachable transmitter 6 times over 3 days', async () => {
    platform.fail(503)
    await transmit('IT01234567890_00020.xml', sampleInvoice('FPR01', { codice: 'ZZZZZZZ' }))
    await advance(4 * day)
    const deliveries = await sim.admin<Array<{ operation: string; attempts: Array<{ at: string }>; status: string }>>('GET', '/deliveries')
    const receipt = deliveries.find((d) => d.operation === 'TrasmissioneFatture.NotificaMancataConsegna')
    expect(receipt?.attempts.map((a) => (Date.parse(a.at) - Date.parse('2025-06-02T08:00:00Z')) / hour)).toEqual([0, 12, 24, 36, 48, 60])
    expect(receipt?.status).toBe('failed')
  })

  it('recovers when the transmitter comes back before the 6th attempt', async () => {
    platform.fail(503)
    await transmit('IT01234567890_00021.xml', sampleInvoice('FPR01', { codice: 'ZZZZZZZ' }))
    await advance(13 * hour)
    platform.fail(undefined)
    await advance(12 * hour)
    expect(platform.received.map((r) => r.message.type)).toEqual(['RicevutaImpossibilitaRecapito'])
  })

  it('injects duplicate and out-of-order notifications', async () => {
    await sim.admin('POST', '/faults', { target: 'TrasmissioneFatture', kind: 'duplicate' })
    await transmit('IT01234567890_00022.xml', sampleInvoice('FPR01', { codice: 'ZZZZZZZ', numero: 'F1' }))
    await advance(0)
    expect(platform.received.map((r) => r.nomeFile)).toEqual(['IT01234567890_00022_MC_001.xml', 'IT01234567890_00022_MC_001.xml'])
    platform.received.length = 0
    await sim.admin('POST', '/faults', { target: 'TrasmissioneFatture', kind: 'outOfOrder' })
    await transmit('IT01234567890_00023.xml', sampleInvoice('FPR01', { codice: 'ZZZZZZZ', numero: 'F2' }))
    await transmit('IT01234567890_00024.xml', sampleInvoice('FPR01', { codice: 'ZZZZZZZ', numero: 'F3' }))
    await advance(0)
    expect(platform.received.map((r) => r.nomeFile)).toEqual(['IT01234567890_00024_MC_001.xml', 'IT01234567890_00023_MC_001.xml'])
  })

  it('injects inbound 5xx, timeouts and EI02', async () => {
    await sim.admin('POST', '/faults', { target: 'SdIRiceviFile', kind: 'http5xx', status: 503 })
    await expect(transmit('IT01234567890_00030.xml', sampleInvoice('FPR01'))).rejects.toMatchObject({
      code: 'SOAP_HTTP_ERROR',
      httpStatus: 503,
    })
    await sim.admin('POST', '/faults', { target: 'SdIRiceviFile', kind: 'timeout', delayMs: 300 })
    const timedOut = await callSoap(
      `${sim.url}/SdIRiceviFile`,
      'SdIRiceviFile.RiceviFile',
      { NomeFile: 'IT01234567890_00031.xml', File: sampleInvoice('FPR01') },
      { timeoutMs: 5000 },
    ).catch((error: unknown) => error)
    expect(timedOut).toBeInstanceOf(SoapError)
    expect((timedOut as SoapError).ambiguous).toBe(true)
    const files = await sim.admin<Array<{ nomeFile: string }>>('GET', '/files')
    expect(files.map((f) => f.nomeFile)).toEqual(['IT01234567890_00031.xml'])
    await sim.admin('POST', '/faults', { target: 'SdIRiceviFile', kind: 'unavailable' })
    expect((await transmit('IT01234567890_00032.xml', sampleInvoice('FPR01'))).Errore).toBe('EI02')
  })

  it('answers in MTOM when asked, decodable by sdicoop decodeMtom', async () => {
    const mtomSim = await startSimulator({ mtom: true })
    try {
      const envelope = (await import('@fatturapa-hub/sdicoop')).buildSoapRequest('SdIRiceviFile.RiceviFile', {
        NomeFile: 'IT01234567890_00040.xml',
        File: sampleInvoice('FPR01'),
      })
      const response = await request('POST', `${mtomSim.url}/SdIRiceviFile`, envelope.xml, {
        'content-type': envelope.contentType,
        soapaction: envelope.soapActionHeader,
      })
      const contentType = response.headers['content-type'] as string
      expect(contentType).toMatch(/^multipart\/related/)
      const xml = decodeMtom(contentType, response.bytes)
      const message = parseSoapMessage(xml, { operation: 'SdIRiceviFile.RiceviFile', kind: 'response' })
      expect(message).toMatchObject({ kind: 'response', body: { DataOraRicezione: '2025-06-02T10:00:00.000+02:00' } })
      const viaClient = await callSoap(`${mtomSim.url}/SdIRiceviFile`, 'SdIRiceviFile.RiceviFile', {
        NomeFile: 'IT01234567890_00041.xml',
        File: sampleInvoice('FPR01'),
      })
      expect(viaClient.IdentificativoSdI).toMatch(/^\d+$/)
    } finally {
      await mtomSim.close()
    }
  })

  it('produces byte-identical messages on two runs with the same seed', async () => {
    const run = async () => {
      const local = await startSimulator({ seed: 'same' })
      try {
        await local.admin('PUT', '/recipients/AAAAAA', { scenario: { kind: 'accept' } })
        await local.admin('PUT', '/recipients/ABC1234', { scenario: { kind: 'down' } })
        for (const [name, sample] of [
          ['IT01234567890_00050.xml', 'FPA01'],
          ['IT01234567890_00051.xml', 'FPR01'],
          ['IT01234567890_00051.xml', 'FPR04'],
        ] as const) {
          await callSoap(`${local.url}/SdIRiceviFile`, 'SdIRiceviFile.RiceviFile', { NomeFile: name, File: sampleInvoice(sample) })
        }
        await local.admin('POST', '/clock/advance', { ms: 20 * day })
        return await local.admin<Array<{ fileName: string; xml: string }>>('GET', '/notifications')
      } finally {
        await local.close()
      }
    }
    const first = await run()
    const second = await run()
    expect(first.map((n) => n.fileName)).toContain('IT01234567890_00051_MC_001.xml')
    expect(second).toEqual(first)
  })
})
