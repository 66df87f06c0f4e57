import { parseSdiMessage, validateSdiMessage } from '@fatturapa-hub/fatturapa'
import { describe, expect, it } from '@jest/globals'
import { strToU8, zipSync } from 'fflate'
import { type NotificationRecord, Schedules, SdiEngine, VirtualClock } from '../src/engine/index.js'
import { day, hour, RecordingPort, sampleInvoice } from './support.js'

function setup(seed = 'unit') {
  const port = new RecordingPort()
  const sut = new SdiEngine({ port, seed })
  sut.registerChannel({ id: 'tx', trasmissioneUrl: 'http://tx.invalid/', transmitters: ['IT01234567890'] })
  sut.registerChannel({ id: 'rx', ricezioneUrl: 'http://rx.invalid/' })
  return { sut, port }
}

function sent(sut: SdiEngine, direction?: NotificationRecord['direction']): NotificationRecord[] {
  return sut.notifications.filter((n) => !direction || n.direction === direction)
}

/** Only the missing ds:Signature may make a message invalid (the simulator signs nothing without a signer). */
function expectSchemaValidApartFromSignature(xml: string) {
  const result = validateSdiMessage(xml)
  const issues = result.issues.filter((issue) => !/Signature/.test(issue.message))
  expect(issues).toEqual([])
}

describe('VirtualClock', () => {
  it('runs due tasks in time order, ties in scheduling order, and moves time to the target', async () => {
    const clock = new VirtualClock(0)
    const seen: string[] = []
    clock.schedule(2 * hour, 'b', () => {
      seen.push(`b@${clock.nowMs()}`)
      clock.after(hour, 'd', () => {
        seen.push(`d@${clock.nowMs()}`)
      })
    })
    clock.schedule(hour, 'a', () => {
      seen.push(`a@${clock.nowMs()}`)
    })
    clock.schedule(2 * hour, 'c', () => {
      seen.push(`c@${clock.nowMs()}`)
    })
    await clock.advance(2.5 * hour)
    expect(seen).toEqual([`a@${hour}`, `b@${2 * hour}`, `c@${2 * hour}`])
    expect(clock.nowMs()).toBe(2.5 * hour)
    await clock.advance(hour)
    expect(seen.at(-1)).toBe(`d@${3 * hour}`)
    expect(clock.pending()).toEqual([])
  })

  it('cancels tasks and refuses to go back in time', async () => {
    const clock = new VirtualClock(0)
    let ran = false
    const id = clock.after(10, 'x', () => {
      ran = true
    })
    clock.cancel(id)
    await clock.advance(20)
    expect(ran).toBe(false)
    await expect(clock.advance(-1)).rejects.toThrow(RangeError)
  })
})

describe('SdiEngine B2B', () => {
  it('delivers to the registered channel with FileMetadati, then sends RicevutaConsegna with the hash', async () => {
    const { sut, port } = setup()
    sut.setRecipient('ABC1234', { channelId: 'rx', scenario: { kind: 'accept' } })
    const answer = sut.receiveFile({ nomeFile: 'IT01234567890_00001.xml', file: sampleInvoice('FPR01') })
    expect(answer.Errore).toBeUndefined()
    expect(answer.DataOraRicezione).toBe('2025-06-02T10:00:00.000+02:00')
    await sut.clock.idle()
    const invoice = port.calls.find((call) => call.kind === 'invoice')
    expect(invoice?.channelId).toBe('rx')
    const body = invoice?.body as { NomeFileMetadati: string; Metadati: Buffer; IdentificativoSdI: string }
    expect(body.NomeFileMetadati).toBe('IT01234567890_00001_MT_001.xml')
    const mt = parseSdiMessage(body.Metadati)
    expect(mt).toMatchObject({
      vocabulary: 'B2B',
      type: 'FileMetadati',
      CodiceDestinatario: 'ABC1234',
      Formato: 'FPR12',
      TentativiInvio: 1,
    })
    expect(validateSdiMessage(body.Metadati).valid).toBe(true)
    const rc = port.calls.find((call) => call.operation === 'TrasmissioneFatture.RicevutaConsegna')
    expect(rc?.channelId).toBe('tx')
    expect(rc?.body?.NomeFile).toBe('IT01234567890_00001_RC_001.xml')
    const parsed = parseSdiMessage(rc?.body?.File as Buffer)
    expect(parsed).toMatchObject({ vocabulary: 'B2B', type: 'RicevutaConsegna', IdentificativoSdI: answer.IdentificativoSdI })
    expect((parsed as { Hash: string }).Hash).toBe(sut.files.get(answer.IdentificativoSdI)?.hash)
    expectSchemaValidApartFromSignature(Buffer.from(rc?.body?.File as Buffer).toString())
  })
})

describe('SdiEngine B2B failures', () => {
  it('tries an unreachable channel 4 times every 6 hours, then sends the final RicevutaImpossibilitaRecapito', async () => {
    const { sut, port } = setup()
    sut.setRecipient('ABC1234', { channelId: 'rx' })
    port.down.add('rx')
    const { IdentificativoSdI } = sut.receiveFile({ nomeFile: 'IT01234567890_00002.xml', file: sampleInvoice('FPR01') })
    const start = sut.clock.nowMs()
    await sut.clock.advance(3 * day)
    const attempts = sut.deliveries.find((d) => d.kind === 'invoice')?.attempts ?? []
    expect(attempts.map((a) => a.at - start)).toEqual([0, 6 * hour, 12 * hour, 18 * hour])
    expect(port.calls.filter((c) => c.kind === 'invoice').map((c) => (c.body as { NomeFileMetadati: string }).NomeFileMetadati)).toEqual([
      'IT01234567890_00002_MT_001.xml',
      'IT01234567890_00002_MT_002.xml',
      'IT01234567890_00002_MT_003.xml',
      'IT01234567890_00002_MT_004.xml',
    ])
    const mc = sent(sut, 'to-transmitter').find((n) => n.code === 'MC')
    expect(mc?.fileName).toBe('IT01234567890_00002_MC_001.xml')
    expect(mc?.createdAt).toBe(start + 18 * hour)
    expect(parseSdiMessage(mc?.xml as string)).toMatchObject({
      type: 'RicevutaImpossibilitaRecapito',
      IdentificativoSdI,
      DataMessaADisposizione: '2025-06-03',
    })
    expectSchemaValidApartFromSignature(mc?.xml as string)
    expect(sut.files.get(IdentificativoSdI)?.state).toBe('impossible')
  })

  it('sends RicevutaImpossibilitaRecapito at once for an unknown code', async () => {
    const { sut } = setup()
    sut.receiveFile({ nomeFile: 'IT01234567890_00003.xml', file: sampleInvoice('FPR01', { codice: 'ZZZZZZZ' }) })
    await sut.clock.idle()
    expect(sent(sut).map((n) => n.type)).toEqual(['RicevutaImpossibilitaRecapito'])
  })

  it('retries receipts to an unreachable transmitter 6 times over 3 days, then gives up', async () => {
    const { sut, port } = setup()
    port.down.add('tx')
    sut.receiveFile({ nomeFile: 'IT01234567890_00004.xml', file: sampleInvoice('FPR01', { codice: 'ZZZZZZZ' }) })
    const start = sut.clock.nowMs()
    await sut.clock.advance(5 * day)
    const receipt = sut.deliveries.find((d) => d.operation === 'TrasmissioneFatture.NotificaMancataConsegna')
    expect(receipt?.attempts.map((a) => (a.at - start) / hour)).toEqual([0, 12, 24, 36, 48, 60])
    expect(receipt?.status).toBe('failed')
  })
})

describe('SdiEngine checks', () => {
  it.each([
    ['an invalid name', 'IT01234567890-00005.xml', sampleInvoice('FPR01'), '00001'],
    [
      'a file larger than 5 MB',
      'IT01234567890_00006.xml',
      Buffer.concat([sampleInvoice('FPR01'), Buffer.alloc(5 * 1024 * 1024, 32)]),
      '00003',
    ],
    [
      'a file that does not conform to the schema',
      'IT01234567890_00007.xml',
      Buffer.from(
        sampleInvoice('FPR01')
          .toString()
          .replace(/<Numero>123<\/Numero>/, ''),
      ),
      '00200',
    ],
    ['a tampered signature', 'IT02182030391_31.xml.p7m', 'tampered', '00102'],
  ])('rejects %s with %s', async (_label, nomeFile, file, code) => {
    const { sut } = setup()
    const bytes =
      file === 'tampered'
        ? (await import('node:fs')).readFileSync('/work/shared/reference/fatturapa/p7m/IT02182030391_31_tampered.xml.p7m')
        : (file as Buffer)
    sut.receiveFile({ nomeFile, file: bytes })
    await sut.clock.idle()
    const ns = sent(sut).find((n) => n.code === 'NS')
    expect(ns?.type).toBe('RicevutaScarto')
    const parsed = parseSdiMessage(ns?.xml as string) as { ListaErrori: Array<{ Codice: string; Suggerimento: string }> }
    expect(parsed.ListaErrori[0]?.Codice).toBe(code)
    expect(parsed.ListaErrori[0]?.Suggerimento).toBeTruthy()
    expectSchemaValidApartFromSignature(ns?.xml as string)
  })

  it('rejects a duplicate file name with 00002 and a duplicate invoice with 00404', async () => {
    const { sut } = setup()
    sut.setRecipient('ABC1234', { channelId: 'rx' })
    sut.receiveFile({ nomeFile: 'IT01234567890_00010.xml', file: sampleInvoice('FPR01', { numero: 'A1' }) })
    sut.receiveFile({ nomeFile: 'IT01234567890_00010.xml.p7m', file: sampleInvoice('FPR01', { numero: 'A2' }) })
    sut.receiveFile({ nomeFile: 'IT01234567890_00011.xml', file: sampleInvoice('FPR01', { numero: 'A1' }) })
    await sut.clock.idle()
    const codes = sent(sut, 'to-transmitter')
      .filter((n) => n.code === 'NS')
      .map((n) => [n.fileName, (parseSdiMessage(n.xml) as { ListaErrori: Array<{ Codice: string }> }).ListaErrori.map((e) => e.Codice)])
    expect(codes).toEqual([
      ['IT01234567890_00010_NS_001.xml', ['00002']],
      ['IT01234567890_00011_NS_001.xml', ['00404']],
    ])
  })

  it('rejects the same invoice twice in a lot with 00409', async () => {
    const { sut } = setup()
    const single = sampleInvoice('FPR01').toString()
    const body = single.slice(
      single.indexOf('<FatturaElettronicaBody>'),
      single.indexOf('</FatturaElettronicaBody>') + '</FatturaElettronicaBody>'.length,
    )
    const lot = single.replace(body, body + body)
    sut.receiveFile({ nomeFile: 'IT01234567890_00012.xml', file: Buffer.from(lot) })
    await sut.clock.idle()
    const ns = parseSdiMessage(sent(sut).find((n) => n.code === 'NS')?.xml as string) as { ListaErrori: Array<{ Codice: string }> }
    expect(ns.ListaErrori.map((e) => e.Codice)).toContain('00409')
  })

  it('checks each file of a ZIP separately, with RiferimentoArchivio', async () => {
    const { sut } = setup()
    sut.setRecipient('ABC1234', { channelId: 'rx' })
    const zip = zipSync({
      'IT01234567890_00021.xml': new Uint8Array(sampleInvoice('FPR01', { numero: 'Z1' })),
      'IT01234567890_00022.xml': strToU8('<not-an-invoice/>'),
    })
    const answer = sut.receiveFile({ nomeFile: 'IT01234567890_00020.zip', file: zip })
    await sut.clock.idle()
    const children = [...sut.files.values()].filter((f) => f.archive?.identificativoSdI === answer.IdentificativoSdI)
    expect(children.map((f) => [f.nomeFile, f.state])).toEqual([
      ['IT01234567890_00021.xml', 'delivered'],
      ['IT01234567890_00022.xml', 'discarded'],
    ])
    expect(children[0]?.identificativoSdI).not.toBe(answer.IdentificativoSdI)
    const rc = parseSdiMessage(sent(sut).find((n) => n.code === 'RC')?.xml as string)
    expect(rc).toMatchObject({
      NomeFile: 'IT01234567890_00021.xml',
      RiferimentoArchivio: { IdentificativoSdI: answer.IdentificativoSdI, NomeFile: 'IT01234567890_00020.zip' },
    })
    expect(sent(sut).find((n) => n.code === 'NS')?.fileName).toBe('IT01234567890_00022_NS_001.xml')
  })

  it('rejects an unreadable ZIP with 00106 and answers EI01 for an empty file, EI03 for a disabled channel', async () => {
    const { sut } = setup()
    sut.receiveFile({ nomeFile: 'IT01234567890_00030.zip', file: Buffer.from('not a zip') })
    await sut.clock.idle()
    expect((parseSdiMessage(sent(sut)[0]?.xml as string) as { ListaErrori: Array<{ Codice: string }> }).ListaErrori[0]?.Codice).toBe(
      '00106',
    )
    expect(sut.receiveFile({ nomeFile: 'IT01234567890_00031.xml', file: Buffer.alloc(0) }).Errore).toBe('EI01')
    sut.registerChannel({ id: 'off', enabled: false })
    expect(sut.receiveFile({ nomeFile: 'IT01234567890_00032.xml', file: sampleInvoice('FPR01'), channelId: 'off' }).Errore).toBe('EI03')
  })

  it('refuses a ZIP that would inflate beyond the limits without inflating it', async () => {
    const { sut } = setup()
    // 60 MB of zeros compress to about 60 kB: the declared sizes are read before anything is inflated.
    const bomb = zipSync({ 'IT01234567890_00041.xml': new Uint8Array(60 * 1024 * 1024) }, { level: 9 })
    expect(bomb.length).toBeLessThan(1024 * 1024)
    sut.receiveFile({ nomeFile: 'IT01234567890_00040.zip', file: Buffer.from(bomb) })
    await sut.clock.idle()
    const errors = (parseSdiMessage(sent(sut)[0]?.xml as string) as { ListaErrori: Array<{ Codice: string }> }).ListaErrori
    expect(errors.map((error) => error.Codice)).toEqual(['00106'])
  })

  it('discards every file for a code with the discard scenario, with the given codes', async () => {
    const { sut } = setup()
    sut.setRecipient('ABC1234', {
      scenario: { kind: 'discard', errors: [{ codice: '00311' }, { codice: '00305', descrizione: 'IdCodice non valido' }] },
    })
    sut.receiveFile({ nomeFile: 'IT01234567890_00040.xml', file: sampleInvoice('FPR01', { numero: 'D1' }) })
    await sut.clock.idle()
    const ns = parseSdiMessage(sent(sut)[0]?.xml as string) as { ListaErrori: Array<{ Codice: string; Descrizione: string }> }
    expect(ns.ListaErrori.map((e) => e.Codice)).toEqual(['00311', '00305'])
    expect(ns.ListaErrori[1]?.Descrizione).toContain('IdCodice non valido')
  })
})

describe('SdiEngine PA', () => {
  it('accepts (EC01): RC, MT, EC, then NE ACCETTATA; a second EC gets ES00 with SE EN01', async () => {
    const { sut } = setup()
    sut.setRecipient('AAAAAA', { channelId: 'rx', scenario: { kind: 'accept', delayMs: 2 * hour } })
    const { IdentificativoSdI } = sut.receiveFile({ nomeFile: 'IT01234567890_00050.xml', file: sampleInvoice('FPA01') })
    await sut.clock.advance(3 * hour)
    expect(sent(sut).map((n) => `${n.direction}:${n.type}`)).toEqual([
      'to-recipient:MetadatiInvioFile',
      'to-transmitter:RicevutaConsegna',
      'from-recipient:NotificaEsitoCommittente',
      'to-transmitter:NotificaEsito',
    ])
    const ne = sent(sut).find((n) => n.code === 'NE') as NotificationRecord
    expect(ne.fileName).toBe('IT01234567890_00050_NE_001.xml')
    expect(parseSdiMessage(ne.xml)).toMatchObject({ type: 'NotificaEsito', EsitoCommittente: { IdentificativoSdI, Esito: 'EC01' } })
    for (const n of sent(sut)) expectSchemaValidApartFromSignature(n.xml)
    const ec = sent(sut).find((n) => n.code === 'EC') as NotificationRecord
    const again = await sut.receiveEsito({ IdentificativoSdI, NomeFile: ec.fileName, File: Buffer.from(ec.xml) })
    expect(again.Esito).toBe('ES00')
    expect(again.ScartoEsito?.NomeFile).toBe('IT01234567890_00050_SE_001.xml')
    expect(parseSdiMessage(again.ScartoEsito?.File as Buffer)).toMatchObject({ type: 'ScartoEsitoCommittente', Scarto: 'EN01' })
    expectSchemaValidApartFromSignature(Buffer.from(again.ScartoEsito?.File as Buffer).toString())
  })

  it('refuses (EC02): NE with EC02', async () => {
    const { sut } = setup()
    sut.setRecipient('AAAAAA', { scenario: { kind: 'refuse', descrizione: 'Importi errati' } })
    sut.receiveFile({ nomeFile: 'IT01234567890_00051.xml', file: sampleInvoice('FPA01', { numero: 'R1' }) })
    await sut.clock.advance(day)
    const ne = parseSdiMessage(sent(sut).find((n) => n.code === 'NE')?.xml as string)
    expect(ne).toMatchObject({ EsitoCommittente: { Esito: 'EC02', Descrizione: 'Importi errati' } })
  })

  it('answers an EC that does not conform with ES00 + SE EN00', async () => {
    const { sut } = setup()
    const answer = await sut.receiveEsito({
      IdentificativoSdI: '123',
      NomeFile: 'IT01234567890_00052_EC_001.xml',
      File: Buffer.from('<x/>'),
    })
    expect(answer.Esito).toBe('ES00')
    expect(parseSdiMessage(answer.ScartoEsito?.File as Buffer)).toMatchObject({ Scarto: 'EN00', IdentificativoSdI: '123' })
    expect(answer.ScartoEsito?.NomeFile).toBe('IT01234567890_00052_SE_001.xml')
  })

  it('sends DT to transmitter and recipient exactly 15 days after delivery without an outcome', async () => {
    const { sut, port } = setup()
    sut.setRecipient('AAAAAA', { channelId: 'rx', scenario: { kind: 'noAnswer' } })
    sut.receiveFile({ nomeFile: 'IT01234567890_00053.xml', file: sampleInvoice('FPA01', { numero: 'T1' }) })
    const start = sut.clock.nowMs()
    await sut.clock.advance(15 * day - 1)
    expect(sent(sut).some((n) => n.code === 'DT')).toBe(false)
    await sut.clock.advance(1)
    const dts = sent(sut).filter((n) => n.code === 'DT')
    expect(dts.map((n) => [n.direction, n.fileName, n.createdAt - start])).toEqual([
      ['to-transmitter', 'IT01234567890_00053_DT_001.xml', 15 * day],
      ['to-recipient', 'IT01234567890_00053_DT_002.xml', 15 * day],
    ])
    expect(port.calls.filter((c) => c.operation?.endsWith('NotificaDecorrenzaTermini')).map((c) => [c.channelId, c.operation])).toEqual([
      ['tx', 'TrasmissioneFatture.NotificaDecorrenzaTermini'],
      ['rx', 'RicezioneFatture.NotificaDecorrenzaTermini'],
    ])
    for (const n of dts) expectSchemaValidApartFromSignature(n.xml)
  })

  it('sends MC after 48 hours of failed attempts and AT 10 days after the MC', async () => {
    const { sut, port } = setup()
    sut.setRecipient('AAAAAA', { channelId: 'rx' })
    port.down.add('rx')
    sut.receiveFile({ nomeFile: 'IT01234567890_00054.xml', file: sampleInvoice('FPA01', { numero: 'M1' }) })
    const start = sut.clock.nowMs()
    await sut.clock.advance(20 * day)
    const mc = sent(sut).find((n) => n.code === 'MC') as NotificationRecord
    const at = sent(sut).find((n) => n.code === 'AT') as NotificationRecord
    expect(mc.type).toBe('NotificaMancataConsegna')
    expect(mc.createdAt - start).toBe(48 * hour)
    expect(at.createdAt - mc.createdAt).toBe(10 * day)
    expect(parseSdiMessage(at.xml)).toMatchObject({
      type: 'AttestazioneTrasmissioneFattura',
      HashFileOriginale: sut.files.values().next().value?.hash,
    })
    expectSchemaValidApartFromSignature(mc.xml)
    expectSchemaValidApartFromSignature(at.xml)
  })

  it('delivers after an MC when the PA comes back, and cancels the AT', async () => {
    const { sut, port } = setup()
    sut.setRecipient('AAAAAA', { channelId: 'rx' })
    port.down.add('rx')
    sut.receiveFile({ nomeFile: 'IT01234567890_00055.xml', file: sampleInvoice('FPA01', { numero: 'M2' }) })
    await sut.clock.advance(3 * day)
    port.down.delete('rx')
    await sut.clock.advance(20 * day)
    expect(sent(sut, 'to-transmitter').map((n) => n.code)).toEqual(['MC', 'RC', 'DT'])
  })
})

describe('SdiEngine PEC and determinism', () => {
  it('sends 0000000 invoices by PEC with the SDI layout, then RC', async () => {
    const { sut, port } = setup()
    sut.receiveFile({ nomeFile: 'IT01234567890_00060.xml', file: sampleInvoice('FPR02', { numero: 'P1' }) })
    await sut.clock.idle()
    const pec = port.calls.find((c) => c.kind === 'pec')?.pec
    expect(pec?.to).toBe('betagamma@pec.it')
    expect(pec?.subject).toMatch(/^POSTA CERTIFICATA: Invio File \d+ \(SIMULAZIONE\)$/)
    const raw = pec?.raw.toString() ?? ''
    expect(raw).toContain('filename="postacert.eml"')
    expect(raw).toContain('filename="daticert.xml"')
    expect(raw).toContain('filename=IT01234567890_00060_MT_001.xml')
    expect(sent(sut, 'to-transmitter').map((n) => n.type)).toEqual(['RicevutaConsegna'])
  })

  it('gives MC after 2 failed PEC attempts', async () => {
    const { sut, port } = setup()
    port.pecDown = true
    sut.receiveFile({ nomeFile: 'IT01234567890_00061.xml', file: sampleInvoice('FPR02', { numero: 'P2' }) })
    await sut.clock.advance(day)
    expect(port.calls.filter((c) => c.kind === 'pec')).toHaveLength(2)
    expect(sent(sut, 'to-transmitter').map((n) => n.type)).toEqual(['RicevutaImpossibilitaRecapito'])
  })

  it('produces the same messages byte for byte with the same seed, and different ids with another seed', async () => {
    const run = async (seed: string) => {
      const { sut } = setup(seed)
      sut.setRecipient('AAAAAA', { scenario: { kind: 'accept' } })
      sut.setRecipient('ABC1234', { channelId: 'rx' })
      sut.receiveFile({ nomeFile: 'IT01234567890_00070.xml', file: sampleInvoice('FPA01') })
      sut.receiveFile({ nomeFile: 'IT01234567890_00071.xml', file: sampleInvoice('FPR01') })
      sut.receiveFile({ nomeFile: 'IT01234567890_00072.xml', file: sampleInvoice('FPR01') })
      await sut.clock.advance(16 * day)
      return sut.notifications.map((n) => `${n.fileName}\n${n.xml}`)
    }
    const first = await run('seed-1')
    expect(await run('seed-1')).toEqual(first)
    expect(await run('seed-2')).not.toEqual(first)
    expect(first.length).toBeGreaterThan(4)
  })

  it('resets to the initial state and identifiers', async () => {
    const { sut } = setup()
    const first = sut.receiveFile({ nomeFile: 'IT01234567890_00080.xml', file: sampleInvoice('FPR01') })
    await sut.clock.advance(day)
    await sut.reset()
    expect(sut.files.size).toBe(0)
    expect(sut.clock.nowMs()).toBe(Date.parse('2025-06-02T08:00:00Z'))
    expect(sut.receiveFile({ nomeFile: 'IT01234567890_00080.xml', file: sampleInvoice('FPR01') }).IdentificativoSdI).toBe(
      first.IdentificativoSdI,
    )
  })

  it('waits for the outcome and then the DT: Schedules match the specification', () => {
    expect(Schedules.b2bDelivery).toEqual({ attempts: 4, intervalMs: 6 * hour })
    expect(Schedules.receipts).toEqual({ attempts: 6, intervalMs: 12 * hour })
    expect(Schedules.decorrenzaTerminiMs).toBe(15 * day)
    expect(Schedules.attestazioneAfterMcMs).toBe(10 * day)
  })
})
