import {
  buildSoapFault,
  buildSoapResponse,
  encodeMtom,
  parseSoapHttp,
  type SoapEnvelope,
  type SoapFaultInput,
  type SoapMessage,
  soapFaultFromError,
  soapFaultHttpStatus,
} from '@fatturapa-hub/sdicoop'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { SdiEngine } from '../engine/index.js'

export interface SoapRoutesOptions {
  engine: SdiEngine
  /** Answer as MTOM/XOP multipart, as production SDI does. */
  mtom: boolean
}

const channelHeader = 'x-sdi-channel'

function sendEnvelope(reply: FastifyReply, envelope: SoapEnvelope, mtom: boolean): FastifyReply {
  if (!mtom) return reply.code(200).type(envelope.contentType).send(envelope.xml)
  const packaged = encodeMtom(envelope.xml)
  return reply.code(200).type(packaged.contentType).send(packaged.body)
}

function sendFault(reply: FastifyReply, fault: SoapFaultInput): FastifyReply {
  return reply.code(soapFaultHttpStatus).type('text/xml; charset=utf-8').send(buildSoapFault(fault))
}

function channelOf(request: FastifyRequest): string | undefined {
  const params = request.params as { channelId?: string }
  const header = request.headers[channelHeader]
  return params.channelId ?? (typeof header === 'string' && header !== '' ? header : undefined)
}

function soapActionOf(request: FastifyRequest): string | undefined {
  const value = request.headers.soapaction
  return typeof value === 'string' ? value : undefined
}

/** Holds the connection open without answering, then drops it: the caller sees a timeout. */
async function dropAfter(request: FastifyRequest, reply: FastifyReply, delayMs: number): Promise<void> {
  reply.hijack()
  await new Promise((resolve) => setTimeout(resolve, delayMs))
  request.raw.socket.destroy()
}

/** The two SDI services the platform calls: SdIRiceviFile and SdIRiceviNotifica (SOAP 1.1, optional MTOM answers). */
export const soapRoutes: FastifyPluginAsync<SoapRoutesOptions> = async (app, { engine, mtom }) => {
  for (const type of ['text/xml', 'application/xml', 'multipart/related', 'application/soap+xml']) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
  }

  const riceviFile = async (request: FastifyRequest, reply: FastifyReply) => {
    const channelId = channelOf(request)
    const fault = engine.takeFault('SdIRiceviFile', channelId)
    if (fault?.kind === 'http5xx')
      return reply
        .code(fault.status ?? 503)
        .type('text/plain')
        .send('Service Unavailable')
    let message: SoapMessage<'SdIRiceviFile.RiceviFile'>
    try {
      const soapAction = soapActionOf(request)
      message = parseSoapHttp(
        request.headers['content-type'],
        request.body as Buffer,
        { operation: 'SdIRiceviFile.RiceviFile', kind: 'request' },
        soapAction ? { soapAction } : {},
      )
    } catch (error) {
      return sendFault(reply, soapFaultFromError(error))
    }
    if (message.kind !== 'request') return sendFault(reply, { code: 'Client', faultstring: 'Expected a fileSdIAccoglienza request' })
    const answer =
      fault?.kind === 'unavailable'
        ? engine.unavailableAnswer()
        : engine.receiveFile({ nomeFile: message.body.NomeFile, file: message.body.File, ...(channelId ? { channelId } : {}) })
    if (fault?.kind === 'timeout') return dropAfter(request, reply, fault.delayMs ?? 1000)
    return sendEnvelope(reply, buildSoapResponse('SdIRiceviFile.RiceviFile', answer), mtom)
  }

  const riceviNotifica = async (request: FastifyRequest, reply: FastifyReply) => {
    const fault = engine.takeFault('SdIRiceviNotifica', channelOf(request))
    if (fault?.kind === 'http5xx')
      return reply
        .code(fault.status ?? 503)
        .type('text/plain')
        .send('Service Unavailable')
    let message: SoapMessage<'SdIRiceviNotifica.NotificaEsito'>
    try {
      const soapAction = soapActionOf(request)
      message = parseSoapHttp(
        request.headers['content-type'],
        request.body as Buffer,
        { operation: 'SdIRiceviNotifica.NotificaEsito', kind: 'request' },
        soapAction ? { soapAction } : {},
      )
    } catch (error) {
      return sendFault(reply, soapFaultFromError(error))
    }
    if (message.kind !== 'request') return sendFault(reply, { code: 'Client', faultstring: 'Expected a fileSdI request' })
    const answer = fault?.kind === 'unavailable' ? { Esito: 'ES02' as const } : await engine.receiveEsito(message.body)
    if (fault?.kind === 'timeout') return dropAfter(request, reply, fault.delayMs ?? 1000)
    return sendEnvelope(reply, buildSoapResponse('SdIRiceviNotifica.NotificaEsito', answer), mtom)
  }

  app.post('/SdIRiceviFile', riceviFile)
  app.post('/SdIRiceviFile/:channelId', riceviFile)
  app.post('/SdIRiceviNotifica', riceviNotifica)
  app.post('/SdIRiceviNotifica/:channelId', riceviNotifica)
}
