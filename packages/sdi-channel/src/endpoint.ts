import type { TLSSocket } from 'node:tls'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  buildSoapFault,
  buildSoapResponse,
  defaultMaxSoapBytes,
  type FileSdI,
  type FileSdIConMetadati,
  type OperationsOf,
  parseSoapHttp,
  SoapError,
  type SoapFaultInput,
  type SoapMessage,
  soapFaultFromError,
  soapFaultHttpStatus,
} from '@fatturapa-hub/sdicoop'
import { type Orm, setAuditSubject } from '@fatturapa-hub/shared'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'
import type { SdiChannel } from './inbound-message.entity.js'
import { type StoredDelivery, storeInboundMessage } from './inbox.js'

export interface SdiEndpointOptions {
  /** Path of the SOAP endpoint inside the registering scope. Default `/sdi/TrasmissioneFatture` or `/sdi/RicezioneFatture`. */
  path?: string
  /** OpenAPI operationId, conventionally `<service>.<name>`. */
  operationId?: string
  /**
   * `tls`: only requests that arrived over a TLS connection whose client certificate verified (the listener of
   * listenSdiEndpoint) are served; any other request gets the service's 404, as if the route did not exist.
   * `any`: plain HTTP too (SDI_INBOUND_PLAIN_HTTP, tests). Default `tls`.
   */
  transport?: 'tls' | 'any'
  /** Largest accepted HTTP body and SOAP message. Default 8 MiB: a 5 MB invoice in base64 plus the envelope. */
  maxBytes?: number
  /** Default: the service's `app.orm`. */
  orm?: Orm
  /**
   * Called once per newly stored message, after the commit and before SDI gets its answer (not for
   * redeliveries). A failure is logged and does not change the answer: the message is safe in the inbox.
   */
  onStored?: (stored: StoredDelivery, request: FastifyRequest) => Promise<void> | void
}

const SoapRequestSchema = Type.Unsafe<Buffer>({
  description:
    'A SOAP 1.1 envelope (document/literal) as SDI sends it: Content-Type text/xml, or multipart/related (MTOM/XOP) with the binary fields as parts. SOAP 1.2 (application/soap+xml) is refused with a VersionMismatch fault.',
  examples: [
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:ricevutaConsegna xmlns:ns="http://www.fatturapa.gov.it/sdi/ws/trasmissione/v1.0/types"><IdentificativoSdI>111</IdentificativoSdI><NomeFile>IT01234567890_00001_RC_001.xml</NomeFile><File>PD94bWwgLi4uPz4=</File></ns:ricevutaConsegna></soapenv:Body></soapenv:Envelope>',
  ],
})

const SoapFaultSchema = Type.String({
  description:
    'SOAP 1.1 Fault (text/xml): faultcode Client for a message that must not be re-sent as it is (malformed, not SDICoop, invalid body, too large), VersionMismatch for SOAP 1.2, Server for a failure of ours (SDI retries later).',
})

const SoapActionHeaders = Type.Object({
  soapaction: Type.Optional(
    Type.String({ description: 'SOAPAction of the operation, quoted; when present it must match the body element.' }),
  ),
})

const sdiActor = { kind: 'system' as const, username: 'sdi' }

interface EndpointSpec<S extends 'TrasmissioneFatture' | 'RicezioneFatture'> {
  service: S
  channel: SdiChannel
  defaultPath: string
  defaultOperationId: string
  summary: string
  description: string
  responses: Record<number, unknown>
}

function sdiEndpoint<S extends 'TrasmissioneFatture' | 'RicezioneFatture'>(
  spec: EndpointSpec<S>,
): FastifyPluginAsyncTypebox<SdiEndpointOptions> {
  return async (app, options) => {
    const maxBytes = options.maxBytes ?? defaultMaxSoapBytes
    const transport = options.transport ?? 'tls'
    const orm = options.orm ?? app.orm

    // Scoped to this plugin: the service's JSON parsers and problem+json errors stay as they are elsewhere.
    // Every media type reaches the handler as bytes, so anything but SOAP 1.1 gets a SOAP fault, not a problem.
    app.removeAllContentTypeParsers()
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBytes }, (_request, body, done) => done(null, body))

    app.setErrorHandler((error: FastifyError, request, reply) => {
      const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
      if (status >= 500) request.log.error({ err: error }, 'SDI endpoint failed')
      const fault: SoapFaultInput =
        status < 500 ? { code: 'Client', faultstring: error.message } : { code: 'Server', faultstring: 'Internal error' }
      return sendFault(request, reply, fault, status, error.code ?? 'ERROR')
    })

    if (transport === 'tls') {
      // Only the mutual-TLS listener reaches the route: the plain port (behind the public gateway) must not.
      app.addHook('onRequest', async (request, reply) => {
        const socket = request.raw.socket as Partial<TLSSocket>
        if (socket.encrypted === true && socket.authorized === true) return
        reply.callNotFound()
        return reply
      })
    }

    app.post(
      options.path ?? spec.defaultPath,
      {
        bodyLimit: maxBytes,
        config: { public: true },
        schema: {
          tags: ['sdi'],
          summary: spec.summary,
          description: spec.description,
          operationId: options.operationId ?? spec.defaultOperationId,
          consumes: ['text/xml', 'multipart/related'],
          produces: ['text/xml'],
          headers: SoapActionHeaders,
          body: SoapRequestSchema,
          response: { ...spec.responses, 413: SoapFaultSchema, 500: SoapFaultSchema },
        },
      },
      async (request, reply) => {
        setAuditSubject(request, { actor: sdiActor, resource: { type: 'sdi-messages' } })
        const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
        let parsed: SoapMessage<OperationsOf<S>>
        try {
          parsed = parseSoapHttp(
            request.headers['content-type'],
            bytes,
            { service: spec.service, kind: 'request' },
            { maxBytes, ...soapActionOf(request) },
          )
        } catch (error) {
          return sendParseFault(request, reply, error)
        }
        if (parsed.kind !== 'request') {
          const error = new SoapError(
            'SOAP_UNKNOWN_OPERATION',
            `A ${parsed.kind === 'fault' ? 'SOAP Fault' : 'response'} is no request of ${spec.service}`,
          )
          return sendParseFault(request, reply, error)
        }
        const operation = parsed.operation as OperationsOf<S>
        const body = parsed.body as FileSdI | FileSdIConMetadati
        setAuditSubject(request, {
          resource: { type: 'sdi-messages', id: body.IdentificativoSdI },
          details: { operation, fileName: body.NomeFile.slice(0, 100) },
        })

        const stored = await storeInboundMessage(orm.em.fork(), {
          channel: spec.channel,
          operation,
          identificativoSdI: body.IdentificativoSdI,
          fileName: body.NomeFile,
          file: body.File,
          ...('Metadati' in body ? { metadataFileName: body.NomeFileMetadati, metadata: body.Metadati } : {}),
          requestId: request.id,
        })
        const { message } = stored
        setAuditSubject(request, { details: { redelivery: stored.redelivery, messageType: message.messageType ?? 'unreadable' } })
        const logFields = {
          operation,
          identificativoSdI: message.identificativoSdI,
          fileName: message.fileName,
          messageType: message.messageType,
          inboxId: message.id,
        }
        if (stored.redelivery) {
          request.log[stored.sameContent ? 'info' : 'warn'](
            { ...logFields, sameContent: stored.sameContent },
            stored.sameContent
              ? 'SDI redelivered a stored message'
              : 'SDI redelivered a stored message with other content; the first copy is kept',
          )
        } else {
          if (message.parseError !== null)
            request.log.warn({ ...logFields, parseError: message.parseError }, 'SDI message stored with a problem')
          else request.log.info(logFields, 'SDI message stored')
          if (options.onStored) {
            try {
              await options.onStored(stored, request)
            } catch (error) {
              request.log.error({ err: error, ...logFields }, 'onStored failed; the message stays in the inbox')
            }
          }
        }

        if (operation === 'RicezioneFatture.RiceviFatture') {
          const answer = buildSoapResponse('RicezioneFatture.RiceviFatture', { Esito: 'ER01' })
          return (reply as FastifyReply).code(200).type(answer.contentType).send(answer.xml)
        }
        // One-way operation (WS-I BP R2714/R2750): no envelope in the answer.
        return (reply as FastifyReply).code(202).send()
      },
    )
  }
}

function soapActionOf(request: FastifyRequest): { soapAction?: string } {
  const header = request.headers.soapaction
  const value = Array.isArray(header) ? header[0] : header
  return value === undefined ? {} : { soapAction: value }
}

function sendParseFault(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const fault = soapFaultFromError(error)
  if (fault.code === 'Server') request.log.error({ err: error }, 'SDI endpoint failed')
  const code = error instanceof SoapError ? error.code : 'ERROR'
  return sendFault(request, reply, fault, soapFaultHttpStatus, code)
}

function sendFault(request: FastifyRequest, reply: FastifyReply, fault: SoapFaultInput, status: number, code: string) {
  if (status < 500 || fault.code !== 'Server') {
    request.log.warn({ fault: fault.code, code, faultstring: fault.faultstring.slice(0, 500) }, 'SDI request refused')
  }
  setAuditSubject(request, { actor: sdiActor, details: { fault: fault.code, code } })
  if (request.auditSubject?.resource === undefined) setAuditSubject(request, { resource: { type: 'sdi-messages' } })
  return reply.code(status).type('text/xml; charset=utf-8').send(buildSoapFault(fault))
}

/**
 * Our TrasmissioneFatture v1.1 endpoint: SDI's notifications about the files we transmitted (RC, NS, MC, NE, DT,
 * AT of both vocabularies). Every message is stored in the inbox before the empty HTTP 202 answer of these
 * one-way operations; a redelivery gets the same answer and stores nothing new.
 */
export const trasmissioneFattureEndpoint = sdiEndpoint({
  service: 'TrasmissioneFatture',
  channel: 'trasmissione',
  defaultPath: '/sdi/TrasmissioneFatture',
  defaultOperationId: 'sdi.trasmissioneFatture',
  summary: 'SDICoop TrasmissioneFatture v1.1: SDI notifications about transmitted files',
  description:
    'Called by SDI only (mutual TLS in production). Operations, chosen by the body element and the SOAPAction: RicevutaConsegna, NotificaMancataConsegna, NotificaScarto, NotificaEsito, NotificaDecorrenzaTermini, AttestazioneTrasmissioneFattura; the File is the SDI message (PA or B2B vocabulary). All are one-way: HTTP 202 with an empty body once the message is stored; the same answer for a redelivery.',
  responses: { 202: Type.Null({ description: 'Stored (or already stored): empty body, as for every one-way operation.' }) },
})

/**
 * Our RicezioneFatture v1.0 endpoint: invoices for our recipients (RiceviFatture, invoice file plus MT metadata,
 * answered with rispostaRiceviFatture ER01) and the DT notification (one-way, HTTP 202). Stored before answering,
 * idempotent on redelivery.
 */
export const ricezioneFattureEndpoint = sdiEndpoint({
  service: 'RicezioneFatture',
  channel: 'ricezione',
  defaultPath: '/sdi/RicezioneFatture',
  defaultOperationId: 'sdi.ricezioneFatture',
  summary: 'SDICoop RicezioneFatture v1.0: invoices and DT notifications for our recipients',
  description:
    'Called by SDI only (mutual TLS in production). RiceviFatture (invoice file with its MetadatiInvioFile / FileMetadati) is answered with rispostaRiceviFatture Esito ER01 once stored; NotificaDecorrenzaTermini is one-way (HTTP 202, empty body). A redelivery gets the same answer and stores nothing new.',
  responses: {
    200: Type.String({ description: 'rispostaRiceviFatture (SOAP 1.1 envelope, text/xml) with Esito ER01.' }),
    202: Type.Null({ description: 'NotificaDecorrenzaTermini stored (or already stored): empty body.' }),
  },
})
