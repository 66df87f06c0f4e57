import { createHash } from 'node:crypto'
import { maxInvoiceBytes, parseSdiMessage, type SdiMessage, validateSdiMessage } from '@fatturapa-hub/fatturapa'
import type { FileSdI, RispostaSdINotificaEsito, RispostaSdIRiceviFile } from '@fatturapa-hub/sdicoop'
import { unzipSync } from 'fflate'
import { VirtualClock } from './clock.js'
import { sdiError } from './errors.js'
import { checkInvoiceFile, MemoryDuplicateStore, nameKey, sniffVocabulary, transmitterOf } from './intake.js'
import { codeOf, MessageNamer, serialiseMessage } from './messages.js'
import type {
  Channel,
  DeliveryRecord,
  Fault,
  FaultKind,
  FaultTarget,
  FileRecord,
  MessageDirection,
  MessageSigner,
  NotificationOperation,
  NotificationRecord,
  OutboundPort,
  RecipientCode,
  Scenario,
  SdiError,
  Vocabulary,
} from './model.js'
import { buildPecMessage } from './pec.js'
import { SeededRandom } from './random.js'
import { Schedules } from './schedules.js'
import { sdiDate, sdiDateTime } from './time-format.js'

export const defaultStart = '2025-06-02T08:00:00.000Z'

export interface SdiEngineOptions {
  port: OutboundPort
  /** Same seed, same identifiers and message ids. Default `sdi-simulator`. */
  seed?: string | number
  /** Virtual time at start. Default 2025-06-02T08:00:00Z. */
  start?: Date | string | number
  signer?: MessageSigner
  /** Adds " (SIMULAZIONE)" to PEC subjects, as the SDI test environment does. Default true. */
  simulation?: boolean
  /** Envelope sender of PEC messages (the certifying provider). */
  pecProviderAddress?: string
  /** Trusted CAs (DER) for CAdES signatures: an untrusted signer gives 00104. */
  trustedRoots?: Uint8Array[]
  onError?: (error: unknown, label: string) => void
}

export interface ReceiveFileInput {
  nomeFile: string
  file: Uint8Array
  /** The channel the file came from (its receipts go to its TrasmissioneFatture endpoint). */
  channelId?: string
}

export interface ChannelInput {
  id: string
  trasmissioneUrl?: string
  ricezioneUrl?: string
  transmitters?: string[]
  codes?: string[]
  tls?: Channel['tls']
  mtom?: boolean
  enabled?: boolean
}

export interface FaultInput {
  target: FaultTarget
  kind: FaultKind
  count?: number
  channelId?: string
  delayMs?: number
  status?: number
}

type Timers = Set<number>

const automaticEsitoPrefix = 'SIM'

/**
 * The deterministic core of the simulator: intake pipeline, routing, schedules and message construction. Network
 * access goes through the OutboundPort, time through the VirtualClock, randomness through the seeded PRNG.
 */
export class SdiEngine {
  readonly clock: VirtualClock
  readonly channels = new Map<string, Channel>()
  readonly recipients = new Map<string, RecipientCode>()
  readonly files = new Map<string, FileRecord>()
  readonly notifications: NotificationRecord[] = []
  readonly deliveries: DeliveryRecord[] = []
  faults: Fault[] = []
  readonly #options: SdiEngineOptions
  readonly #seed: string
  #random: SeededRandom
  #nextId = 0
  #nextMessageId = 0
  #nextFaultId = 0
  #nextDeliveryId = 0
  #sdiPec = ''
  readonly #names = new Set<string>()
  readonly #duplicates = new MemoryDuplicateStore()
  readonly #namer = new MessageNamer()
  readonly #timers = new Map<string, Timers>()
  readonly #held = new Map<string, Array<() => Promise<void>>>()
  readonly #invoiceDeliveries = new Map<string, DeliveryRecord>()

  constructor(options: SdiEngineOptions) {
    this.#options = options
    this.#seed = String(options.seed ?? 'sdi-simulator')
    const start = options.start === undefined ? defaultStart : options.start
    this.clock = new VirtualClock(typeof start === 'string' ? Date.parse(start) : start, options.onError)
    this.#random = new SeededRandom(this.#seed)
    this.#initCounters()
  }

  get seed(): string {
    return this.#seed
  }

  /** The SDI PEC mailbox of this run (`sdiNN@pec.fatturapa.it`, NN from the seed). */
  get sdiPecAddress(): string {
    return this.#sdiPec
  }

  #initCounters(): void {
    this.#random = new SeededRandom(this.#seed)
    this.#nextId = this.#random.int(100_000_000, 899_999_999)
    this.#nextMessageId = this.#random.int(1_000_000, 8_999_999)
    this.#sdiPec = `sdi${String(this.#random.int(1, 99)).padStart(2, '0')}@pec.fatturapa.it`
  }

  /** Forgets everything (channels, codes, scenarios, faults, files, messages) and goes back to the start time and seed. */
  async reset(): Promise<void> {
    await this.clock.reset()
    this.channels.clear()
    this.recipients.clear()
    this.files.clear()
    this.notifications.length = 0
    this.deliveries.length = 0
    this.faults = []
    this.#names.clear()
    this.#duplicates.clear()
    this.#namer.clear()
    this.#timers.clear()
    this.#held.clear()
    this.#invoiceDeliveries.clear()
    this.#nextFaultId = 0
    this.#nextDeliveryId = 0
    this.#initCounters()
  }

  // ---------- configuration ----------

  registerChannel(input: ChannelInput): Channel {
    const channel: Channel = {
      id: input.id,
      transmitters: input.transmitters ?? [],
      enabled: input.enabled ?? true,
      ...(input.trasmissioneUrl ? { trasmissioneUrl: input.trasmissioneUrl } : {}),
      ...(input.ricezioneUrl ? { ricezioneUrl: input.ricezioneUrl } : {}),
      ...(input.tls ? { tls: input.tls } : {}),
      ...(input.mtom ? { mtom: true } : {}),
    }
    this.channels.set(channel.id, channel)
    for (const code of input.codes ?? []) this.setRecipient(code, { channelId: channel.id })
    return channel
  }

  removeChannel(id: string): boolean {
    return this.channels.delete(id)
  }

  setRecipient(code: string, input: { channelId?: string | null; scenario?: Scenario }): RecipientCode {
    const existing = this.recipients.get(code)
    const channelId = input.channelId === null ? undefined : (input.channelId ?? existing?.channelId)
    const recipient: RecipientCode = {
      code,
      scenario: input.scenario ?? existing?.scenario ?? { kind: 'noAnswer' },
      ...(channelId ? { channelId } : {}),
    }
    this.recipients.set(code, recipient)
    return recipient
  }

  removeRecipient(code: string): boolean {
    return this.recipients.delete(code)
  }

  addFault(input: FaultInput): Fault {
    const fault: Fault = {
      id: ++this.#nextFaultId,
      target: input.target,
      kind: input.kind,
      remaining: input.count ?? 1,
      ...(input.channelId ? { channelId: input.channelId } : {}),
      ...(input.delayMs === undefined ? {} : { delayMs: input.delayMs }),
      ...(input.status === undefined ? {} : { status: input.status }),
    }
    this.faults.push(fault)
    return fault
  }

  clearFaults(): void {
    this.faults = []
  }

  /** Consumes one use of the first fault that applies to a call. */
  takeFault(target: FaultTarget, channelId?: string): Fault | undefined {
    const fault = this.faults.find(
      (candidate) => candidate.target === target && candidate.remaining > 0 && (!candidate.channelId || candidate.channelId === channelId),
    )
    if (!fault) return undefined
    fault.remaining--
    if (fault.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault)
    return { ...fault }
  }

  // ---------- SdIRiceviFile ----------

  /** The synchronous part of SdIRiceviFile; checks run at the same virtual instant, in the background. */
  receiveFile(input: ReceiveFileInput): RispostaSdIRiceviFile {
    const now = this.clock.nowMs()
    const dataOraRicezione = sdiDateTime(now)
    const channel = input.channelId === undefined ? this.#channelOfTransmitter(input.nomeFile) : this.channels.get(input.channelId)
    if ((input.channelId !== undefined && !channel) || (channel && !channel.enabled)) {
      return { IdentificativoSdI: '0', DataOraRicezione: dataOraRicezione, Errore: 'EI03' }
    }
    if (input.file.length === 0) return { IdentificativoSdI: '0', DataOraRicezione: dataOraRicezione, Errore: 'EI01' }
    const file = Buffer.from(input.file)
    const record: FileRecord = {
      identificativoSdI: this.#newId(),
      nomeFile: input.nomeFile,
      receivedAt: now,
      dataOraRicezione,
      hash: createHash('sha256').update(file).digest('hex'),
      size: file.length,
      vocabulary: sniffVocabulary(file),
      state: 'received',
      errors: [],
      deliveryAttempts: 0,
      file,
      ...(channel ? { channelId: channel.id } : {}),
    }
    const transmitterId = transmitterOf(input.nomeFile)
    if (transmitterId) record.transmitterId = transmitterId
    this.files.set(record.identificativoSdI, record)
    this.clock.schedule(now, `intake ${record.identificativoSdI}`, () => this.#intake(record))
    return { IdentificativoSdI: record.identificativoSdI, DataOraRicezione: dataOraRicezione }
  }

  /** EI02: the answer SdIRiceviFile gives when the service is unavailable. */
  unavailableAnswer(): RispostaSdIRiceviFile {
    return { IdentificativoSdI: '0', DataOraRicezione: sdiDateTime(this.clock.nowMs()), Errore: 'EI02' }
  }

  #channelOfTransmitter(nomeFile: string): Channel | undefined {
    const transmitter = transmitterOf(nomeFile)
    if (!transmitter) return undefined
    return [...this.channels.values()].find((channel) => channel.transmitters.some((id) => id.toUpperCase() === transmitter.toUpperCase()))
  }

  #newId(): string {
    return String(this.#nextId++)
  }

  #newMessageId(): string {
    return String(this.#nextMessageId++)
  }

  async #intake(record: FileRecord): Promise<void> {
    if (/\.zip$/i.test(record.nomeFile)) {
      await this.#intakeArchive(record)
      return
    }
    await this.#intakeInvoice(record)
  }

  async #intakeArchive(archive: FileRecord): Promise<void> {
    const key = nameKey(archive.nomeFile)
    if (!key) return this.#discard(archive, [sdiError('00001', `${archive.nomeFile}: nome file non conforme`)])
    if (this.#names.has(key)) return this.#discard(archive, [sdiError('00002', `${archive.nomeFile} già ricevuto`)])
    this.#names.add(key)
    // SDI's 5 MB limit applies to the archive, and the declared sizes of its entries are read before inflating
    // anything, so a small, highly compressed archive cannot expand into gigabytes.
    if (archive.file.length > maxInvoiceBytes) {
      return this.#discard(archive, [sdiError('00003', `${archive.file.length} byte, massimo ${maxInvoiceBytes}`)])
    }
    let entries: Array<[string, Uint8Array]>
    let inflated = 0
    try {
      const unpacked = unzipSync(archive.file, {
        filter: (entry) => {
          inflated += entry.originalSize
          if (entry.originalSize > maxInvoiceBytes || inflated > 10 * maxInvoiceBytes) throw new Error(`${entry.name}: contenuto eccessivo`)
          return true
        },
      })
      entries = Object.entries(unpacked).filter(([name]) => !name.endsWith('/'))
    } catch (error) {
      return this.#discard(archive, [sdiError('00106', (error as Error).message)])
    }
    if (entries.length === 0) return this.#discard(archive, [sdiError('00106', 'archivio vuoto')])
    archive.state = 'archive'
    for (const [path, bytes] of entries) {
      const nomeFile = path.slice(path.lastIndexOf('/') + 1)
      const file = Buffer.from(bytes)
      const child: FileRecord = {
        identificativoSdI: this.#newId(),
        nomeFile,
        receivedAt: archive.receivedAt,
        dataOraRicezione: archive.dataOraRicezione,
        hash: createHash('sha256').update(file).digest('hex'),
        size: file.length,
        vocabulary: sniffVocabulary(file),
        state: 'received',
        errors: [],
        deliveryAttempts: 0,
        file,
        archive: { identificativoSdI: archive.identificativoSdI, nomeFile: archive.nomeFile },
        ...(archive.channelId ? { channelId: archive.channelId } : {}),
        ...(archive.transmitterId ? { transmitterId: archive.transmitterId } : {}),
      }
      this.files.set(child.identificativoSdI, child)
      await this.#intakeInvoice(child)
    }
  }

  async #intakeInvoice(record: FileRecord): Promise<void> {
    const result = await checkInvoiceFile(record.nomeFile, record.file, {
      receivedAt: record.receivedAt,
      names: this.#names,
      duplicates: this.#duplicates,
      ...(this.#options.trustedRoots ? { trustedRoots: this.#options.trustedRoots } : {}),
    })
    record.vocabulary = result.vocabulary
    if (result.format) record.format = result.format
    if (result.codiceDestinatario) record.codiceDestinatario = result.codiceDestinatario
    if (result.pecDestinatario) record.pecDestinatario = result.pecDestinatario
    if (!result.ok) return this.#discard(record, result.errors)
    const recipient = record.codiceDestinatario ? this.recipients.get(record.codiceDestinatario) : undefined
    if (recipient?.scenario.kind === 'discard') {
      const errors = recipient.scenario.errors.map((error) => sdiError(error.codice, error.descrizione))
      return this.#discard(record, errors.length > 0 ? errors : [sdiError('00200')])
    }
    this.#duplicates.add(result.identities)
    await this.#route(record, recipient)
  }

  async #discard(record: FileRecord, errors: SdiError[]): Promise<void> {
    record.state = 'discarded'
    record.errors = errors
    const common = {
      IdentificativoSdI: record.identificativoSdI,
      NomeFile: record.nomeFile,
      DataOraRicezione: record.dataOraRicezione,
      MessageId: this.#newMessageId(),
      ...this.#archiveRef(record),
    }
    const message: SdiMessage =
      record.vocabulary === 'PA'
        ? {
            vocabulary: 'PA',
            type: 'NotificaScarto',
            ...common,
            ListaErrori: errors.map((error) => ({ Codice: error.codice, Descrizione: error.descrizione })),
          }
        : {
            vocabulary: 'B2B',
            type: 'RicevutaScarto',
            ...common,
            Hash: record.hash,
            ListaErrori: errors.map((error) => ({
              Codice: error.codice,
              Descrizione: error.descrizione,
              Suggerimento: error.suggerimento,
            })),
          }
    await this.#sendToTransmitter(record, message, 'TrasmissioneFatture.NotificaScarto')
  }

  #archiveRef(record: FileRecord): { RiferimentoArchivio?: { IdentificativoSdI: string; NomeFile: string } } {
    return record.archive
      ? { RiferimentoArchivio: { IdentificativoSdI: record.archive.identificativoSdI, NomeFile: record.archive.nomeFile } }
      : {}
  }

  // ---------- routing and delivery ----------

  async #route(record: FileRecord, recipient: RecipientCode | undefined): Promise<void> {
    record.state = 'delivering'
    if (recipient && record.vocabulary === 'B2B' && recipient.channelId !== undefined && recipient.channelId === record.channelId) {
      // Flusso semplificato (spec 1.7.1 §1.5.6): same channel on both sides, SDI only sends the RC.
      record.route = 'channel'
      await this.#delivered(record)
      return
    }
    if (recipient) {
      record.route = recipient.channelId ? 'channel' : 'virtual'
      const delay = recipient.scenario.kind === 'slow' ? recipient.scenario.ms : 0
      this.#timer(
        record,
        this.clock.after(delay, `deliver ${record.identificativoSdI} #1`, () => this.#attemptDelivery(record, 1)),
      )
      return
    }
    if (record.codiceDestinatario === '0000000' && record.pecDestinatario) {
      record.route = 'pec'
      await this.#attemptPec(record, 1)
      return
    }
    record.route = 'none'
    await this.#deliveryImpossible(record, 'Codice destinatario non associato ad alcun canale')
  }

  #timer(record: FileRecord, id: number): void {
    let timers = this.#timers.get(record.identificativoSdI)
    if (!timers) {
      timers = new Set()
      this.#timers.set(record.identificativoSdI, timers)
    }
    timers.add(id)
  }

  #cancelTimers(record: FileRecord): void {
    for (const id of this.#timers.get(record.identificativoSdI) ?? []) this.clock.cancel(id)
    this.#timers.delete(record.identificativoSdI)
  }

  #recipientOf(record: FileRecord): RecipientCode | undefined {
    return record.codiceDestinatario ? this.recipients.get(record.codiceDestinatario) : undefined
  }

  async #metadata(record: FileRecord, attempt: number): Promise<{ name: string; xml: string }> {
    const common = {
      IdentificativoSdI: record.identificativoSdI,
      NomeFile: record.nomeFile,
      CodiceDestinatario: record.codiceDestinatario ?? '0000000',
      Formato: record.format ?? (record.vocabulary === 'PA' ? 'FPA12' : 'FPR12'),
      TentativiInvio: attempt,
      MessageId: this.#newMessageId(),
    }
    const message: SdiMessage =
      record.vocabulary === 'PA'
        ? { vocabulary: 'PA', type: 'MetadatiInvioFile', ...common }
        : { vocabulary: 'B2B', type: 'FileMetadati', ...common, Hash: record.hash }
    return this.#emit(record, message, 'to-recipient')
  }

  async #attemptDelivery(record: FileRecord, attempt: number): Promise<void> {
    if (record.state !== 'delivering' && record.state !== 'not-delivered') return
    const recipient = this.#recipientOf(record)
    if (!recipient) {
      if (record.mcAt === undefined) await this.#deliveryImpossible(record, 'Codice destinatario non più associato')
      return
    }
    record.deliveryAttempts = attempt
    const metadata = await this.#metadata(record, attempt)
    const channel = recipient.channelId ? this.channels.get(recipient.channelId) : undefined
    const delivery =
      this.#invoiceDeliveries.get(record.identificativoSdI) ??
      this.#newDelivery({
        kind: 'invoice',
        identificativoSdI: record.identificativoSdI,
        operation: 'RicezioneFatture.RiceviFatture',
        fileName: record.nomeFile,
        ...(recipient.channelId ? { channelId: recipient.channelId } : {}),
        ...(channel?.ricezioneUrl ? { target: channel.ricezioneUrl } : {}),
      })
    this.#invoiceDeliveries.set(record.identificativoSdI, delivery)
    const after = async (ok: boolean) => {
      if (ok) return this.#delivered(record)
      await this.#deliveryFailed(record, attempt)
    }
    if (recipient.scenario.kind === 'down') {
      this.#attempt(delivery, false, 'scenario down: endpoint unreachable')
      return after(false)
    }
    if (!recipient.channelId) {
      this.#attempt(delivery, true)
      return after(true)
    }
    if (!channel?.ricezioneUrl) {
      this.#attempt(delivery, false, `channel ${recipient.channelId} has no RicezioneFatture endpoint`)
      return after(false)
    }
    const body = {
      IdentificativoSdI: record.identificativoSdI,
      NomeFile: record.nomeFile,
      File: record.file,
      NomeFileMetadati: metadata.name,
      Metadati: Buffer.from(metadata.xml, 'utf8'),
    }
    await this.#outbound('RicezioneFatture', channel, delivery, () => this.#options.port.deliverInvoice(channel, body), after)
  }

  async #deliveryFailed(record: FileRecord, attempt: number): Promise<void> {
    // Before an MC, each flow has its own schedule of attempts; once exhausted, B2B is final and PA gets an MC.
    if (record.vocabulary === 'B2B' || record.mcAt === undefined) {
      const schedule = record.vocabulary === 'B2B' ? Schedules.b2bDelivery : Schedules.paDelivery
      if (attempt < schedule.attempts) {
        this.#retryDelivery(record, attempt, this.clock.nowMs() + schedule.intervalMs)
        return
      }
      await this.#deliveryImpossible(record, `Recapito non riuscito dopo ${attempt} tentativi`)
      if (record.vocabulary === 'B2B') return
    }
    // PA after the MC: SDI keeps trying until the AT ends it.
    const next = this.clock.nowMs() + Schedules.paRetryAfterMc.intervalMs
    if (record.mcAt !== undefined && next < record.mcAt + Schedules.attestazioneAfterMcMs) this.#retryDelivery(record, attempt, next)
  }

  #retryDelivery(record: FileRecord, attempt: number, at: number): void {
    this.#timer(
      record,
      this.clock.schedule(at, `deliver ${record.identificativoSdI} #${attempt + 1}`, () => this.#attemptDelivery(record, attempt + 1)),
    )
  }

  /** B2B: final RicevutaImpossibilitaRecapito. PA: NotificaMancataConsegna now, AttestazioneTrasmissioneFattura 10 days later. */
  async #deliveryImpossible(record: FileRecord, descrizione: string): Promise<void> {
    const now = this.clock.nowMs()
    const invoiceDelivery = this.#invoiceDeliveries.get(record.identificativoSdI)
    if (invoiceDelivery && invoiceDelivery.status !== 'delivered') invoiceDelivery.status = 'failed'
    const common = {
      IdentificativoSdI: record.identificativoSdI,
      NomeFile: record.nomeFile,
      DataOraRicezione: record.dataOraRicezione,
      MessageId: this.#newMessageId(),
      ...this.#archiveRef(record),
      Descrizione: descrizione,
    }
    if (record.vocabulary === 'B2B') {
      this.#cancelTimers(record)
      record.state = 'impossible'
      record.mcAt = now
      await this.#sendToTransmitter(
        record,
        { vocabulary: 'B2B', type: 'RicevutaImpossibilitaRecapito', ...common, Hash: record.hash, DataMessaADisposizione: sdiDate(now) },
        'TrasmissioneFatture.NotificaMancataConsegna',
      )
      return
    }
    record.state = 'not-delivered'
    record.mcAt = now
    this.#timer(
      record,
      this.clock.after(Schedules.attestazioneAfterMcMs, `AT ${record.identificativoSdI}`, () => this.#attestazione(record)),
    )
    await this.#sendToTransmitter(
      record,
      { vocabulary: 'PA', type: 'NotificaMancataConsegna', ...common },
      'TrasmissioneFatture.NotificaMancataConsegna',
    )
  }

  async #attestazione(record: FileRecord): Promise<void> {
    if (record.state !== 'not-delivered') return
    this.#cancelTimers(record)
    record.state = 'attested'
    await this.#sendToTransmitter(
      record,
      {
        vocabulary: 'PA',
        type: 'AttestazioneTrasmissioneFattura',
        IdentificativoSdI: record.identificativoSdI,
        NomeFile: record.nomeFile,
        DataOraRicezione: record.dataOraRicezione,
        ...this.#archiveRef(record),
        Destinatario: { Codice: record.codiceDestinatario ?? '999999', Descrizione: `Ufficio ${record.codiceDestinatario ?? ''}`.trim() },
        MessageId: this.#newMessageId(),
        Note: 'Attestazione di avvenuta trasmissione della fattura con impossibilità di recapito',
        HashFileOriginale: record.hash,
      },
      'TrasmissioneFatture.AttestazioneTrasmissioneFattura',
    )
  }

  async #attemptPec(record: FileRecord, attempt: number): Promise<void> {
    if (record.state !== 'delivering') return
    record.deliveryAttempts = attempt
    const metadata = await this.#metadata(record, attempt)
    const to = record.pecDestinatario as string
    const delivery =
      this.#invoiceDeliveries.get(record.identificativoSdI) ??
      this.#newDelivery({
        kind: 'pec',
        identificativoSdI: record.identificativoSdI,
        operation: 'PEC',
        fileName: record.nomeFile,
        target: to,
      })
    this.#invoiceDeliveries.set(record.identificativoSdI, delivery)
    const now = this.clock.nowMs()
    const token = this.#random.hex(16)
    const subject = `Invio File ${record.identificativoSdI}${this.#options.simulation === false ? '' : ' (SIMULAZIONE)'}`
    const pec = buildPecMessage({
      sdiAddress: this.#sdiPec,
      providerAddress: this.#options.pecProviderAddress ?? 'posta-certificata@pec.sdi-simulator.invalid',
      to,
      subject,
      date: now,
      sdiMessageId: `<${token}.${now}@pec.fatturapa.it>`,
      envelopeMessageId: `<opec.${token}.${attempt}@pec.sdi-simulator.invalid>`,
      attachments: [
        { filename: metadata.name, content: Buffer.from(metadata.xml, 'utf8') },
        { filename: record.nomeFile, content: record.file },
      ],
      text:
        `Invio file ${record.nomeFile}, con identificativo ${record.identificativoSdI}, nel contesto della simulazione. ` +
        "In allegato il file contenente la fattura ed il file contenente i metadati.\nLa mail e' inviata dal Sistema di Interscambio per la fatturazione elettronica (L. 244/2007).\n",
      boundary: token,
    })
    try {
      await this.#options.port.sendPec(pec)
      this.#attempt(delivery, true)
    } catch (error) {
      this.#attempt(delivery, false, (error as Error).message)
      if (attempt < Schedules.pecDelivery.attempts) {
        this.#timer(
          record,
          this.clock.after(Schedules.pecDelivery.intervalMs, `PEC ${record.identificativoSdI} #${attempt + 1}`, () =>
            this.#attemptPec(record, attempt + 1),
          ),
        )
        return
      }
      return this.#deliveryImpossible(record, `Recapito PEC a ${to} non riuscito`)
    }
    await this.#delivered(record)
  }

  async #delivered(record: FileRecord): Promise<void> {
    this.#cancelTimers(record)
    const now = this.clock.nowMs()
    record.deliveredAt = now
    record.state = 'delivered'
    const recipient = this.#recipientOf(record)
    const sameChannel = recipient?.channelId !== undefined && recipient.channelId === record.channelId
    const common = {
      IdentificativoSdI: record.identificativoSdI,
      NomeFile: record.nomeFile,
      DataOraRicezione: record.dataOraRicezione,
      DataOraConsegna: sdiDateTime(now),
      ...this.#archiveRef(record),
      MessageId: this.#newMessageId(),
    }
    const codice = record.codiceDestinatario ?? '0000000'
    if (record.vocabulary === 'B2B') {
      await this.#sendToTransmitter(
        record,
        {
          vocabulary: 'B2B',
          type: 'RicevutaConsegna',
          ...common,
          Hash: record.hash,
          Destinatario: { Codice: codice },
          ...(sameChannel ? { FlussoSemplificato: 'Si' as const } : {}),
        },
        'TrasmissioneFatture.RicevutaConsegna',
      )
      return
    }
    await this.#sendToTransmitter(
      record,
      {
        vocabulary: 'PA',
        type: 'RicevutaConsegna',
        ...common,
        Destinatario: { Codice: codice, Descrizione: `Ufficio ${codice}` },
        ...(sameChannel ? { IntermediarioConDupliceRuolo: 'Si' as const } : {}),
      },
      'TrasmissioneFatture.RicevutaConsegna',
    )
    this.#timer(
      record,
      this.clock.after(Schedules.decorrenzaTerminiMs, `DT ${record.identificativoSdI}`, () => this.#decorrenzaTermini(record)),
    )
    const scenario = recipient?.scenario
    if (scenario && (scenario.kind === 'accept' || scenario.kind === 'refuse')) {
      const delay = scenario.delayMs ?? Schedules.automaticEsitoDelayMs
      this.#timer(
        record,
        this.clock.after(delay, `EC ${record.identificativoSdI}`, () =>
          this.#automaticEsito(record, scenario.kind === 'accept' ? 'EC01' : 'EC02', scenario.descrizione),
        ),
      )
    }
  }

  async #decorrenzaTermini(record: FileRecord): Promise<void> {
    if (record.state !== 'delivered') return
    this.#cancelTimers(record)
    record.state = 'expired'
    const dt = (): SdiMessage => ({
      vocabulary: 'PA',
      type: 'NotificaDecorrenzaTermini',
      IdentificativoSdI: record.identificativoSdI,
      NomeFile: record.nomeFile,
      Descrizione: 'Decorrenza termini: nessun esito del committente entro 15 giorni dal recapito',
      MessageId: this.#newMessageId(),
    })
    await this.#sendToTransmitter(record, dt(), 'TrasmissioneFatture.NotificaDecorrenzaTermini')
    await this.#sendToRecipient(record, dt())
  }

  // ---------- outcome from the PA (EC) ----------

  async #automaticEsito(record: FileRecord, esito: 'EC01' | 'EC02', descrizione?: string): Promise<void> {
    if (record.state !== 'delivered') return
    const message: SdiMessage = {
      vocabulary: 'PA',
      type: 'NotificaEsitoCommittente',
      IdentificativoSdI: record.identificativoSdI,
      Esito: esito,
      ...(descrizione ? { Descrizione: descrizione } : {}),
      MessageIdCommittente: `${automaticEsitoPrefix}${this.#newMessageId()}`,
    }
    const ec = await this.#emit(record, message, 'from-recipient')
    await this.receiveEsito(
      { IdentificativoSdI: record.identificativoSdI, NomeFile: ec.name, File: Buffer.from(ec.xml, 'utf8') },
      { recorded: true },
    )
  }

  /** SdIRiceviNotifica.NotificaEsito: ES01 and an NE to the transmitter, or ES00 with an SE (EN00 not conforming, EN01 not admissible). */
  async receiveEsito(body: FileSdI, options: { recorded?: boolean } = {}): Promise<RispostaSdINotificaEsito> {
    let parsed: SdiMessage | undefined
    try {
      const schema = validateSdiMessage(body.File)
      const message = parseSdiMessage(body.File)
      if (schema.valid && message.type === 'NotificaEsitoCommittente') parsed = message
    } catch {
      parsed = undefined
    }
    const record = this.files.get(parsed?.IdentificativoSdI ?? body.IdentificativoSdI)
    if (parsed?.type !== 'NotificaEsitoCommittente') return this.#scartoEsito(record, body, 'EN00')
    if (record && !options.recorded) this.#record(record, parsed, body.NomeFile, Buffer.from(body.File).toString('utf8'), 'from-recipient')
    if (record?.vocabulary !== 'PA' || record.state !== 'delivered')
      return this.#scartoEsito(record, body, 'EN01', parsed.MessageIdCommittente)
    this.#cancelTimers(record)
    record.state = parsed.Esito === 'EC01' ? 'accepted' : 'refused'
    record.esito = parsed.Esito
    const recipient = this.#recipientOf(record)
    const sameChannel = recipient?.channelId !== undefined && recipient.channelId === record.channelId
    const { vocabulary: _vocabulary, type: _type, ...esitoCommittente } = parsed
    const notifica: SdiMessage = {
      vocabulary: 'PA',
      type: 'NotificaEsito',
      IdentificativoSdI: record.identificativoSdI,
      NomeFile: record.nomeFile,
      EsitoCommittente: esitoCommittente,
      MessageId: this.#newMessageId(),
      ...(sameChannel ? { IntermediarioConDupliceRuolo: 'Si' as const } : {}),
    }
    // The NE goes out on the clock, after the synchronous answer, like every other message.
    this.clock.schedule(this.clock.nowMs(), `NE ${record.identificativoSdI}`, () =>
      this.#sendToTransmitter(record, notifica, 'TrasmissioneFatture.NotificaEsito'),
    )
    return { Esito: 'ES01' }
  }

  async #scartoEsito(
    record: FileRecord | undefined,
    body: FileSdI,
    scarto: 'EN00' | 'EN01',
    messageIdCommittente?: string,
  ): Promise<RispostaSdINotificaEsito> {
    const identificativoSdI = record?.identificativoSdI ?? body.IdentificativoSdI
    const message: SdiMessage = {
      vocabulary: 'PA',
      type: 'ScartoEsitoCommittente',
      IdentificativoSdI: identificativoSdI,
      Scarto: scarto,
      MessageId: this.#newMessageId(),
      ...(messageIdCommittente ? { MessageIdCommittente: messageIdCommittente } : {}),
    }
    const base = record?.nomeFile ?? body.NomeFile.replace(/_EC_[A-Za-z0-9]{1,3}\.xml$/i, '.xml')
    const se = await this.#emitNamed(identificativoSdI, base, message, 'in-response')
    return { Esito: 'ES00', ScartoEsito: { NomeFile: se.name, File: Buffer.from(se.xml, 'utf8') } }
  }

  // ---------- messages and outbound calls ----------

  async #emit(record: FileRecord, message: SdiMessage, direction: MessageDirection): Promise<{ name: string; xml: string }> {
    return this.#emitNamed(record.identificativoSdI, record.nomeFile, message, direction)
  }

  async #emitNamed(
    identificativoSdI: string,
    baseFileName: string,
    message: SdiMessage,
    direction: MessageDirection,
  ): Promise<{ name: string; xml: string }> {
    const name = this.#namer.next(baseFileName, codeOf(message))
    const xml = await serialiseMessage(message, this.#options.signer, this.clock.now())
    this.notifications.push({
      seq: this.notifications.length + 1,
      identificativoSdI,
      type: message.type,
      code: codeOf(message),
      vocabulary: message.vocabulary,
      fileName: name,
      direction,
      createdAt: this.clock.nowMs(),
      xml,
    })
    return { name, xml }
  }

  #record(record: FileRecord, message: SdiMessage, fileName: string, xml: string, direction: MessageDirection): void {
    this.notifications.push({
      seq: this.notifications.length + 1,
      identificativoSdI: record.identificativoSdI,
      type: message.type,
      code: codeOf(message),
      vocabulary: message.vocabulary,
      fileName,
      direction,
      createdAt: this.clock.nowMs(),
      xml,
    })
  }

  #newDelivery(input: Omit<DeliveryRecord, 'id' | 'attempts' | 'status'>): DeliveryRecord {
    const delivery: DeliveryRecord = { id: ++this.#nextDeliveryId, ...input, attempts: [], status: 'pending' }
    this.deliveries.push(delivery)
    return delivery
  }

  #attempt(delivery: DeliveryRecord, ok: boolean, error?: string): void {
    delivery.attempts.push({ at: this.clock.nowMs(), ok, ...(error ? { error } : {}) })
    delivery.status = ok ? 'delivered' : 'pending'
  }

  async #sendToTransmitter(record: FileRecord, message: SdiMessage, operation: NotificationOperation): Promise<void> {
    const emitted = await this.#emit(record, message, 'to-transmitter')
    const channel = record.channelId ? this.channels.get(record.channelId) : undefined
    const delivery = this.#newDelivery({
      kind: 'notification',
      identificativoSdI: record.identificativoSdI,
      operation,
      fileName: emitted.name,
      ...(channel ? { channelId: channel.id } : {}),
      ...(channel?.trasmissioneUrl ? { target: channel.trasmissioneUrl } : {}),
    })
    if (!channel?.trasmissioneUrl) {
      delivery.status = 'no-endpoint'
      return
    }
    const body: FileSdI = { IdentificativoSdI: record.identificativoSdI, NomeFile: emitted.name, File: Buffer.from(emitted.xml, 'utf8') }
    await this.#notify(channel, 'TrasmissioneFatture', operation, body, delivery, 1)
  }

  async #sendToRecipient(record: FileRecord, message: SdiMessage): Promise<void> {
    const emitted = await this.#emit(record, message, 'to-recipient')
    const recipient = this.#recipientOf(record)
    const channel = recipient?.channelId ? this.channels.get(recipient.channelId) : undefined
    const operation: NotificationOperation = 'RicezioneFatture.NotificaDecorrenzaTermini'
    const delivery = this.#newDelivery({
      kind: 'notification',
      identificativoSdI: record.identificativoSdI,
      operation,
      fileName: emitted.name,
      ...(channel ? { channelId: channel.id } : {}),
      ...(channel?.ricezioneUrl ? { target: channel.ricezioneUrl } : {}),
    })
    if (!channel?.ricezioneUrl) {
      delivery.status = recipient && !recipient.channelId ? 'delivered' : 'no-endpoint'
      return
    }
    const body: FileSdI = { IdentificativoSdI: record.identificativoSdI, NomeFile: emitted.name, File: Buffer.from(emitted.xml, 'utf8') }
    await this.#notify(channel, 'RicezioneFatture', operation, body, delivery, 1)
  }

  /** One attempt of a notification; failures are retried 6 times over 3 days (every 12 hours). */
  async #notify(
    channel: Channel,
    target: FaultTarget,
    operation: NotificationOperation,
    body: FileSdI,
    delivery: DeliveryRecord,
    attempt: number,
  ): Promise<void> {
    await this.#outbound(
      target,
      channel,
      delivery,
      () => this.#options.port.deliverNotification(channel, operation, body),
      async (ok) => {
        if (ok) return
        if (attempt >= Schedules.receipts.attempts) {
          delivery.status = 'failed'
          return
        }
        this.clock.after(Schedules.receipts.intervalMs, `retry ${body.NomeFile} #${attempt + 1}`, () =>
          this.#notify(channel, target, operation, body, delivery, attempt + 1),
        )
      },
    )
  }

  /** Applies the outbound faults, makes the call and records the attempt, then continues with `then(ok)`. */
  async #outbound(
    target: FaultTarget,
    channel: Channel,
    delivery: DeliveryRecord,
    call: () => Promise<void>,
    then: (ok: boolean) => Promise<void>,
  ): Promise<void> {
    const fault = this.takeFault(target, channel.id)
    const key = `${channel.id}|${target}`
    if (fault?.kind === 'outOfOrder') {
      const held = this.#held.get(key) ?? []
      let released = false
      const release = async () => {
        if (released) return
        released = true
        await this.#outbound(target, channel, delivery, call, then)
      }
      held.push(release)
      this.#held.set(key, held)
      this.clock.after(Schedules.outOfOrderHoldMs, `release ${delivery.fileName}`, async () => {
        this.#held.set(
          key,
          (this.#held.get(key) ?? []).filter((item) => item !== release),
        )
        await release()
      })
      return
    }
    let ok: boolean
    if (fault?.kind === 'http5xx') {
      this.#attempt(delivery, false, `HTTP ${fault.status ?? 503} (injected)`)
      ok = false
    } else {
      try {
        await call()
        if (fault?.kind === 'duplicate') await call().catch(() => {})
        if (fault?.kind === 'timeout') {
          this.#attempt(delivery, false, 'timeout (injected): the call went through but SDI did not see the answer')
          ok = false
        } else {
          this.#attempt(delivery, true)
          ok = true
        }
      } catch (error) {
        this.#attempt(delivery, false, (error as Error).message)
        ok = false
      }
    }
    const held = this.#held.get(key)
    if (held && held.length > 0) {
      this.#held.delete(key)
      for (const release of held) await release()
    }
    await then(ok)
  }

  // ---------- views ----------

  vocabularyOf(identificativoSdI: string): Vocabulary | undefined {
    return this.files.get(identificativoSdI)?.vocabulary
  }
}
