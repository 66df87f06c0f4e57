import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import type { Channel, DeliveryRecord, FileRecord, NotificationRecord, SdiEngine } from '../engine/index.js'
import {
  AdvanceSchema,
  ChannelInputSchema,
  ChannelSchema,
  ClockSchema,
  DeliverySchema,
  ErrorBodySchema,
  FaultInputSchema,
  FaultSchema,
  FileSummarySchema,
  IdParamsSchema,
  NotificationQuerySchema,
  NotificationSchema,
  RecipientInputSchema,
  RecipientParamsSchema,
  RecipientSchema,
  TransmitInputSchema,
  TransmitResultSchema,
} from '../schemas/admin.js'

export interface AdminRoutesOptions {
  engine: SdiEngine
}

const tags = ['admin']
const iso = (ms: number) => new Date(ms).toISOString()

function channelView(channel: Channel) {
  const { tls, ...rest } = channel
  return { ...rest, ...(tls ? { tls: { configured: true } } : {}) }
}

function fileView(file: FileRecord) {
  const { file: _bytes, receivedAt: _receivedAt, mcAt: _mcAt, deliveredAt, ...rest } = file
  return { ...rest, ...(deliveredAt === undefined ? {} : { deliveredAt: iso(deliveredAt) }) }
}

function notificationView(notification: NotificationRecord) {
  return { ...notification, createdAt: iso(notification.createdAt) }
}

function deliveryView(delivery: DeliveryRecord) {
  return { ...delivery, attempts: delivery.attempts.map((attempt) => ({ ...attempt, at: iso(attempt.at) })) }
}

function clockView(engine: SdiEngine) {
  return {
    now: engine.clock.now().toISOString(),
    start: iso(engine.clock.start),
    offsetMs: engine.clock.nowMs() - engine.clock.start,
    pending: engine.clock.pending(),
  }
}

/** Control of the simulator: channels, recipient codes and scenarios, faults, virtual clock, what was exchanged. */
export const adminRoutes: FastifyPluginAsyncTypebox<AdminRoutesOptions> = async (app, { engine }) => {
  app.get(
    '/channels',
    { schema: { tags, operationId: 'sdiSim.listChannels', summary: 'Registered channels', response: { 200: Type.Array(ChannelSchema) } } },
    async () => [...engine.channels.values()].map(channelView),
  )

  app.post(
    '/channels',
    {
      schema: {
        tags,
        operationId: 'sdiSim.registerChannel',
        summary: 'Register (or replace) a channel',
        description:
          'TrasmissioneFatture and/or RicezioneFatture endpoints, the transmitters whose receipts it gets, its recipient codes, TLS.',
        body: ChannelInputSchema,
        response: { 201: ChannelSchema },
      },
    },
    async (request, reply) => reply.code(201).send(channelView(engine.registerChannel(request.body))),
  )

  app.delete(
    '/channels/:id',
    {
      schema: {
        tags,
        operationId: 'sdiSim.removeChannel',
        summary: 'Remove a channel',
        params: IdParamsSchema,
        response: { 204: Type.Null(), 404: ErrorBodySchema },
      },
    },
    async (request, reply) => {
      if (!engine.removeChannel(request.params.id))
        return reply.code(404).send({ code: 'SDI_SIM_CHANNEL_NOT_FOUND', message: `No channel ${request.params.id}` })
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/recipients',
    {
      schema: {
        tags,
        operationId: 'sdiSim.listRecipients',
        summary: 'Recipient codes and their scenarios',
        response: { 200: Type.Array(RecipientSchema) },
      },
    },
    async () => [...engine.recipients.values()],
  )

  app.put(
    '/recipients/:code',
    {
      schema: {
        tags,
        operationId: 'sdiSim.setRecipient',
        summary: 'Bind a recipient code to a channel and/or choose its scenario',
        description:
          'Scenarios: accept (PA: EC01 after delayMs), refuse (EC02), noAnswer (DT after 15 days unless an EC arrives), discard (NS with the given codes), down (every delivery fails), slow (delivery ms later).',
        params: RecipientParamsSchema,
        body: RecipientInputSchema,
        response: { 200: RecipientSchema, 404: ErrorBodySchema },
      },
    },
    async (request, reply) => {
      const { channelId, scenario } = request.body
      if (typeof channelId === 'string' && !engine.channels.has(channelId)) {
        return reply.code(404).send({ code: 'SDI_SIM_CHANNEL_NOT_FOUND', message: `No channel ${channelId}` })
      }
      return engine.setRecipient(request.params.code, {
        ...(channelId === undefined ? {} : { channelId }),
        ...(scenario ? { scenario } : {}),
      })
    },
  )

  app.delete(
    '/recipients/:code',
    {
      schema: {
        tags,
        operationId: 'sdiSim.removeRecipient',
        summary: 'Forget a recipient code',
        params: RecipientParamsSchema,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      engine.removeRecipient(request.params.code)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/faults',
    { schema: { tags, operationId: 'sdiSim.listFaults', summary: 'Faults still armed', response: { 200: Type.Array(FaultSchema) } } },
    async () => engine.faults,
  )

  app.post(
    '/faults',
    {
      schema: {
        tags,
        operationId: 'sdiSim.injectFault',
        summary: 'Arm a fault for the next `count` calls',
        description:
          'Inbound (SdIRiceviFile, SdIRiceviNotifica): timeout (processed, never answered), http5xx (not processed), unavailable (EI02 / ES02). Outbound (TrasmissioneFatture, RicezioneFatture): timeout (sent, counted as failed and retried), http5xx (not sent, failed), duplicate (sent twice), outOfOrder (sent after the next one).',
        body: FaultInputSchema,
        response: { 201: FaultSchema },
      },
    },
    async (request, reply) => reply.code(201).send(engine.addFault(request.body)),
  )

  app.delete(
    '/faults',
    { schema: { tags, operationId: 'sdiSim.clearFaults', summary: 'Disarm every fault', response: { 204: Type.Null() } } },
    async (_request, reply) => {
      engine.clearFaults()
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/clock',
    { schema: { tags, operationId: 'sdiSim.getClock', summary: 'Virtual time and scheduled tasks', response: { 200: ClockSchema } } },
    async () => clockView(engine),
  )

  app.post(
    '/clock/advance',
    {
      schema: {
        tags,
        operationId: 'sdiSim.advanceClock',
        summary: 'Move virtual time forward',
        description:
          'Runs every task that falls due (deliveries, retries, EC, DT, AT), in time order; answers when all have run. `ms: 0` waits for pending work.',
        body: AdvanceSchema,
        response: { 200: ClockSchema },
      },
    },
    async (request) => {
      await engine.clock.advance(request.body.ms)
      return clockView(engine)
    },
  )

  app.get(
    '/files',
    {
      schema: {
        tags,
        operationId: 'sdiSim.listFiles',
        summary: 'Files received, with their IdentificativoSdI and state',
        response: { 200: Type.Array(FileSummarySchema) },
      },
    },
    async () => [...engine.files.values()].map(fileView),
  )

  app.get(
    '/notifications',
    {
      schema: {
        tags,
        operationId: 'sdiSim.listNotifications',
        summary: 'Every SDI message produced or received (MT, RC, NS, MC, NE, DT, AT, EC, SE)',
        querystring: NotificationQuerySchema,
        response: { 200: Type.Array(NotificationSchema) },
      },
    },
    async (request) => {
      const { identificativoSdI, type, code, direction } = request.query
      return engine.notifications
        .filter(
          (n) =>
            (!identificativoSdI || n.identificativoSdI === identificativoSdI) &&
            (!type || n.type === type) &&
            (!code || n.code === code) &&
            (!direction || n.direction === direction),
        )
        .map(notificationView)
    },
  )

  app.get(
    '/deliveries',
    {
      schema: {
        tags,
        operationId: 'sdiSim.listDeliveries',
        summary: 'Outbound calls and PEC messages, with every attempt',
        response: { 200: Type.Array(DeliverySchema) },
      },
    },
    async () => engine.deliveries.map(deliveryView),
  )

  app.post(
    '/reset',
    {
      schema: {
        tags,
        operationId: 'sdiSim.reset',
        summary: 'Forget everything and restart the clock and the seed',
        response: { 204: Type.Null() },
      },
    },
    async (_request, reply) => {
      await engine.reset()
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/transmit',
    {
      schema: {
        tags,
        operationId: 'sdiSim.transmit',
        summary: 'Inject a file as if uploaded on the web portal',
        body: TransmitInputSchema,
        response: { 200: TransmitResultSchema },
      },
    },
    async (request) =>
      engine.receiveFile({
        nomeFile: request.body.nomeFile,
        file: Buffer.from(request.body.file, 'base64'),
        ...(request.body.channelId ? { channelId: request.body.channelId } : {}),
      }),
  )
}
