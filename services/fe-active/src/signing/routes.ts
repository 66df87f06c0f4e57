import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { verifyCades } from '@fatturapa-hub/fatturapa'
import { AppError, authenticatedUser, type Logger, Permissions, problemResponses, requirePermission } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/core'
import Type from 'typebox'
import { ClientReplica } from '../clients/client-replica.entity.js'
import type { Config } from '../config.js'
import { findStudioInvoice } from '../invoices/find-invoice.js'
import { InvoiceIdentityRow } from '../invoices/invoice.entity.js'
import { InvoiceState } from '../invoices/state/index.js'
import { commandInvoice, TransitionErrorCodes } from '../invoices/transitions.js'
import { loadStudioSettings } from '../settings/studio-settings.entity.js'
import { SettingsErrorCodes } from '../settings/submission-guard.js'
import { markDueForTransmission, requestTransmission } from '../transmission/schedule.js'
import { SdiTransmission } from '../transmission/transmission.entity.js'
import { inspectPkcs12, SigningErrorCodes, sealMaterial } from './credential.js'
import { ClientSigningPreferences, intermediaryOwner, SigningCredential } from './signing.entity.js'

const ClientParamsSchema = Type.Object({ clientId: Type.String({ format: 'uuid', description: 'The client (soggetto) in auth.' }) })
const InvoiceParamsSchema = Type.Object({ id: Type.String({ format: 'uuid', description: 'Invoice id.' }) })

const CredentialBodySchema = Type.Unsafe<unknown>({
  description:
    'The PKCS#12 (.p12/.pfx): the raw file as application/x-pkcs12 with its password in the X-Pkcs12-Password header, or JSON {"p12Base64": "…", "password": "…"}. The password is used once to open the file and never stored.',
  examples: [
    { p12Base64: 'MIIKzAIBAzCCCpIGCSqGSIb3DQEHAaCCCoMEggp/MIIKezCCBg8GCSqGSIb3DQEHBqCC…', password: 'S3gret0!' },
    '<PKCS#12 .p12 file, binary>',
  ],
})
const CredentialHeadersSchema = Type.Object({
  'x-pkcs12-password': Type.Optional(Type.String({ maxLength: 1000, description: 'Password of an application/x-pkcs12 body.' })),
})

const CredentialViewSchema = Type.Object(
  {
    owner: Type.Union([Type.Literal('client'), Type.Literal('intermediary')]),
    clientId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    subject: Type.String(),
    commonName: Type.Union([Type.String(), Type.Null()]),
    subjectSerialNumber: Type.Union([Type.String(), Type.Null()], { description: 'Subject serialNumber, e.g. TINIT-<codice fiscale>.' }),
    fiscalCode: Type.Union([Type.String(), Type.Null()]),
    serialNumber: Type.String({ description: 'Certificate serial, uppercase hex.' }),
    issuer: Type.String(),
    notBefore: Type.String({ format: 'date-time' }),
    notAfter: Type.String({ format: 'date-time' }),
    fingerprintSha256: Type.String(),
    keyUsage: Type.Array(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  {
    examples: [
      {
        owner: 'client',
        clientId: '6d1f4a0e-2b7c-4c8e-9d3a-1f2e3d4c5b6a',
        subject: 'C=IT, SN=ROSSI, GN=MARIO, serialNumber=TINIT-RSSMRA80A01H501U, CN=MARIO ROSSI, dnQualifier=22837945',
        commonName: 'MARIO ROSSI',
        subjectSerialNumber: 'TINIT-RSSMRA80A01H501U',
        fiscalCode: 'RSSMRA80A01H501U',
        serialNumber: '4F2A9C1D7E3B5A60',
        issuer: 'C=IT, O=ArubaPEC S.p.A., OU=Qualified Trust Service Provider, CN=ArubaPEC EU Qualified Certificates CA G1',
        notBefore: '2025-03-10T00:00:00.000Z',
        notAfter: '2028-03-09T23:59:59.000Z',
        fingerprintSha256: '3A:7F:1C:92:E4:0B:5D:86:A1:C3:27:F9:4E:6B:D8:10:92:AF:35:C7:0E:84:B2:59:1D:F6:63:A8:4C:E1:07:BD',
        keyUsage: ['nonRepudiation'],
        createdAt: '2026-11-20T14:02:11.000Z',
        updatedAt: '2026-11-20T14:02:11.000Z',
      },
      {
        owner: 'intermediary',
        clientId: null,
        subject: 'C=IT, SN=BIANCHI, GN=LAURA, serialNumber=TINIT-BNCLRA75M41F205X, CN=LAURA BIANCHI, O=STUDIO BIANCHI COMMERCIALISTI',
        commonName: 'LAURA BIANCHI',
        subjectSerialNumber: 'TINIT-BNCLRA75M41F205X',
        fiscalCode: 'BNCLRA75M41F205X',
        serialNumber: '1B8E05D3C94A7F21',
        issuer: 'C=IT, O=InfoCert S.p.A., OU=Qualified Trust Service Provider, CN=InfoCert Qualified Electronic Signature CA 3',
        notBefore: '2024-09-02T00:00:00.000Z',
        notAfter: '2027-09-01T23:59:59.000Z',
        fingerprintSha256: 'C5:10:8E:2D:74:F9:A3:06:BB:41:9C:E7:52:0D:6F:38:E9:14:A2:7B:C0:5D:83:F1:26:9A:4B:DE:07:63:C8:5F',
        keyUsage: ['nonRepudiation'],
        createdAt: '2026-10-05T08:30:00.000Z',
        updatedAt: '2026-11-02T16:45:27.000Z',
      },
    ],
  },
)

const PreferencesSchema = Type.Object(
  { signFpr12: Type.Boolean({ description: 'Sign the client’s FPR12 (B2B) invoices too; FPA12 are always signed.' }) },
  { additionalProperties: false, examples: [{ signFpr12: true }] },
)
const SignedFileBodySchema = Type.Unsafe<unknown>({
  description: 'The CAdES .xml.p7m (DER or Base64) whose content is the invoice XML as stored.',
  examples: ['<CAdES-BES IT01234567890_0000A.xml.p7m, binary DER or Base64>'],
})
const FileResponseSchema = Type.Unsafe<Buffer>({ description: 'The signed .p7m.' })

function credentialView(row: SigningCredential) {
  return {
    owner: row.owner === intermediaryOwner ? ('intermediary' as const) : ('client' as const),
    clientId: row.owner === intermediaryOwner ? null : row.owner,
    subject: row.subject,
    commonName: row.commonName,
    subjectSerialNumber: row.subjectSerialNumber,
    fiscalCode: row.fiscalCode,
    serialNumber: row.serialNumber,
    issuer: row.issuer,
    notBefore: row.notBefore.toISOString(),
    notAfter: row.notAfter.toISOString(),
    fingerprintSha256: row.fingerprintSha256,
    keyUsage: row.keyUsage,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

function credentialInput(body: unknown, headerPassword: string | undefined): { bytes: Buffer; password: string } {
  if (Buffer.isBuffer(body)) {
    if (headerPassword === undefined) {
      throw new AppError(SigningErrorCodes.CredentialInvalid, 422, 'Send the PKCS#12 password in the X-Pkcs12-Password header', {
        reason: 'password-missing',
      })
    }
    return { bytes: body, password: headerPassword }
  }
  if (body !== null && typeof body === 'object') {
    const { p12Base64, password } = body as Record<string, unknown>
    if (typeof p12Base64 === 'string' && typeof password === 'string' && p12Base64.length <= 200_000) {
      return { bytes: Buffer.from(p12Base64, 'base64'), password }
    }
  }
  throw new AppError(
    SigningErrorCodes.CredentialInvalid,
    422,
    'Send the PKCS#12 as application/x-pkcs12 or as JSON {p12Base64, password}',
    {
      reason: 'malformed',
    },
  )
}

/** XML equal to the stored one byte for byte, or once a UTF-8 BOM, line endings and trailing blanks are set aside. */
function sameXml(signed: Uint8Array, stored: Buffer): boolean {
  if (Buffer.from(signed).equals(stored)) return true
  const canonical = (bytes: Uint8Array) =>
    Buffer.from(bytes)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .replace(/\r\n?/g, '\n')
      .trimEnd()
  return canonical(signed) === canonical(stored)
}

/**
 * Signing certificates of the clients and of the intermediary, the clients' signing choices, externally signed
 * files, and invoice deletion under the studio's STATO CANCELLAZIONE.
 */
export const signingRoutes: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  const canConfigure = requirePermission(Permissions.FeActiveSettings)
  const canSend = requirePermission(Permissions.FeActiveSend)
  const canRead = requirePermission(Permissions.FeActiveRead)

  app.addContentTypeParser(
    ['application/x-pkcs12', 'application/pkcs7-mime', 'application/octet-stream'],
    { parseAs: 'buffer' },
    (_r, body, done) => done(null, body),
  )

  const secret = () => {
    if (config.SIGNING_SECRET === undefined) {
      throw new AppError(SigningErrorCodes.SigningNotConfigured, 503, 'Server-side signing is not configured (SIGNING_SECRET)')
    }
    return config.SIGNING_SECRET
  }
  const assertClient = async (em: EntityManager, studioId: string, clientId: string) => {
    // Another studio's client answers as an unknown one.
    if ((await em.findOne(ClientReplica, { clientId, studioId })) === null) {
      throw new AppError(SigningErrorCodes.ClientNotFound, 404, `No client ${clientId} in your studio`)
    }
  }
  const notFound = (owner: string) =>
    new AppError(
      SigningErrorCodes.CredentialNotFound,
      404,
      owner === intermediaryOwner ? 'The studio has no intermediary certificate' : 'The client has no signing certificate',
    )

  async function putCredential(studioId: string, owner: string, body: unknown, password: string | undefined) {
    const key = secret()
    const input = credentialInput(body, password)
    const { material, metadata } = inspectPkcs12(input.bytes, input.password, new Date())
    const now = new Date()
    const values = {
      subject: metadata.subject.slice(0, 1000),
      commonName: metadata.commonName?.slice(0, 300) ?? null,
      subjectSerialNumber: metadata.subjectSerialNumber?.slice(0, 100) ?? null,
      fiscalCode: metadata.fiscalCode,
      serialNumber: metadata.serialNumber.slice(0, 100),
      issuer: metadata.issuer.slice(0, 1000),
      notBefore: metadata.notBefore,
      notAfter: metadata.notAfter,
      fingerprintSha256: metadata.fingerprintSha256,
      keyUsage: metadata.keyUsage,
      sealed: sealMaterial(material, key, { studioId, owner }),
      updatedAt: now,
    }
    return app.orm.em.fork().transactional(async (tx) => {
      const row = await tx.findOne(SigningCredential, { studioId, owner })
      if (row === null) return tx.create(SigningCredential, { id: randomUUID(), studioId, owner, createdAt: now, ...values })
      tx.assign(row, values)
      return row
    })
  }
  async function getCredential(studioId: string, owner: string) {
    const row = await app.orm.em.fork().findOne(SigningCredential, { studioId, owner })
    if (row === null) throw notFound(owner)
    return credentialView(row)
  }
  async function deleteCredential(studioId: string, owner: string) {
    const deleted = await app.orm.em.fork().nativeDelete(SigningCredential, { studioId, owner })
    if (deleted === 0) throw notFound(owner)
  }

  const credentialDescription =
    'The PKCS#12 must hold a private key and its certificate, valid now, whose key usage (when stated) allows signatures (digitalSignature or nonRepudiation); otherwise 422 SIGNING_CREDENTIAL_INVALID with `reason` (wrong-password, expired, not-yet-valid, key-certificate-mismatch, key-usage, no-key, no-certificate, malformed, unsupported-algorithm). The key and certificates are kept encrypted (AES-256-GCM); the password is not kept. 503 SIGNING_NOT_CONFIGURED without SIGNING_SECRET. Invoices waiting in DA FIRMARE are signed by the worker’s sweeper.'

  app.put(
    '/clients/:clientId/signing-credential',
    {
      preHandler: canConfigure,
      schema: {
        tags: ['signing'],
        summary: 'Upload the client’s signing certificate (PKCS#12)',
        description: `Replaces the client’s certificate. 404 CLIENT_NOT_FOUND for a client of another studio. ${credentialDescription}`,
        operationId: 'fe-active.putClientSigningCredential',
        consumes: ['application/x-pkcs12', 'application/json'],
        params: ClientParamsSchema,
        headers: CredentialHeadersSchema,
        body: CredentialBodySchema,
        response: { 200: CredentialViewSchema, ...problemResponses(400, 401, 403, 404, 413, 415, 422, 503) },
      },
    },
    async (request) => {
      const studioId = authenticatedUser(request).studio
      await assertClient(app.orm.em.fork(), studioId, request.params.clientId)
      return credentialView(await putCredential(studioId, request.params.clientId, request.body, request.headers['x-pkcs12-password']))
    },
  )
  app.get(
    '/clients/:clientId/signing-credential',
    {
      preHandler: canConfigure,
      schema: {
        tags: ['signing'],
        summary: 'The client’s signing certificate (metadata only)',
        description: 'Subject, fiscal code, issuer, validity and fingerprint; never the key. 404 SIGNING_CREDENTIAL_NOT_FOUND when none.',
        operationId: 'fe-active.getClientSigningCredential',
        params: ClientParamsSchema,
        response: { 200: CredentialViewSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const studioId = authenticatedUser(request).studio
      await assertClient(app.orm.em.fork(), studioId, request.params.clientId)
      return getCredential(studioId, request.params.clientId)
    },
  )
  app.delete(
    '/clients/:clientId/signing-credential',
    {
      preHandler: canConfigure,
      schema: {
        tags: ['signing'],
        summary: 'Remove the client’s signing certificate',
        description: 'Later invoices of the client are signed with the intermediary certificate, if any.',
        operationId: 'fe-active.deleteClientSigningCredential',
        params: ClientParamsSchema,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const studioId = authenticatedUser(request).studio
      await assertClient(app.orm.em.fork(), studioId, request.params.clientId)
      await deleteCredential(studioId, request.params.clientId)
      return reply.code(204).send(null)
    },
  )

  app.put(
    '/signing-credentials/intermediary',
    {
      preHandler: canConfigure,
      schema: {
        tags: ['signing'],
        summary: 'Upload the intermediary’s signing certificate (PKCS#12)',
        description: `The studio’s own certificate, used for clients without one. ${credentialDescription}`,
        operationId: 'fe-active.putIntermediarySigningCredential',
        consumes: ['application/x-pkcs12', 'application/json'],
        headers: CredentialHeadersSchema,
        body: CredentialBodySchema,
        response: { 200: CredentialViewSchema, ...problemResponses(400, 401, 403, 413, 415, 422, 503) },
      },
    },
    async (request) =>
      credentialView(
        await putCredential(authenticatedUser(request).studio, intermediaryOwner, request.body, request.headers['x-pkcs12-password']),
      ),
  )
  app.get(
    '/signing-credentials/intermediary',
    {
      preHandler: canConfigure,
      schema: {
        tags: ['signing'],
        summary: 'The intermediary’s signing certificate (metadata only)',
        description: '404 SIGNING_CREDENTIAL_NOT_FOUND when none.',
        operationId: 'fe-active.getIntermediarySigningCredential',
        response: { 200: CredentialViewSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => getCredential(authenticatedUser(request).studio, intermediaryOwner),
  )
  app.delete(
    '/signing-credentials/intermediary',
    {
      preHandler: canConfigure,
      schema: {
        tags: ['signing'],
        summary: 'Remove the intermediary’s signing certificate',
        description: '404 SIGNING_CREDENTIAL_NOT_FOUND when none.',
        operationId: 'fe-active.deleteIntermediarySigningCredential',
        response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deleteCredential(authenticatedUser(request).studio, intermediaryOwner)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/clients/:clientId/signing-preferences',
    {
      preHandler: canConfigure,
      schema: {
        tags: ['signing'],
        summary: 'The client’s signing choices',
        description: 'signFpr12 is false until set.',
        operationId: 'fe-active.getClientSigningPreferences',
        params: ClientParamsSchema,
        response: { 200: PreferencesSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const studioId = authenticatedUser(request).studio
      const em = app.orm.em.fork()
      await assertClient(em, studioId, request.params.clientId)
      const row = await em.findOne(ClientSigningPreferences, { clientId: request.params.clientId, studioId })
      return { signFpr12: row?.signFpr12 ?? false }
    },
  )
  app.put(
    '/clients/:clientId/signing-preferences',
    {
      preHandler: canConfigure,
      schema: {
        tags: ['signing'],
        summary: 'Set the client’s signing choices',
        description: 'signFpr12: the client’s later FPR12 invoices start DA FIRMARE and are signed like FPA12 ones.',
        operationId: 'fe-active.putClientSigningPreferences',
        params: ClientParamsSchema,
        body: PreferencesSchema,
        response: { 200: PreferencesSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const studioId = authenticatedUser(request).studio
      const { clientId } = request.params
      await app.orm.em.fork().transactional(async (tx) => {
        await assertClient(tx, studioId, clientId)
        const row = await tx.findOne(ClientSigningPreferences, { clientId, studioId })
        if (row === null)
          tx.create(ClientSigningPreferences, { clientId, studioId, signFpr12: request.body.signFpr12, updatedAt: new Date() })
        else tx.assign(row, { signFpr12: request.body.signFpr12, updatedAt: new Date() })
      })
      return { signFpr12: request.body.signFpr12 }
    },
  )

  app.put(
    '/invoices/:id/signed-file',
    {
      preHandler: canSend,
      schema: {
        tags: ['signing'],
        summary: 'Upload the externally signed file of a DA FIRMARE invoice',
        description:
          'A CAdES .p7m signed outside the platform. Its signature must verify as SDI checks it (422 SIGNED_FILE_INVALID with `sdiCode`: 00102 bad signature, 00103 no signing time, 00100 expired, 00105 signed after now, 00107 not yet valid; the chain, 00104, and revocation, 00101, are left to SDI), and its content must be the stored XML (byte for byte, or once a BOM, line endings and trailing blanks are set aside: 422 SIGNED_FILE_CONTENT_MISMATCH). The invoice moves to DA INVIARE and is queued for transmission. 409 INVOICE_STATE_CONFLICT when it is not DA FIRMARE.',
        operationId: 'fe-active.putInvoiceSignedFile',
        consumes: ['application/pkcs7-mime', 'application/octet-stream'],
        params: InvoiceParamsSchema,
        body: SignedFileBodySchema,
        response: {
          200: Type.Object(
            { id: Type.String(), state: Type.String(), signedAt: Type.String() },
            {
              examples: [{ id: '3f2c9d1e-7a4b-4c6d-8e9f-0a1b2c3d4e5f', state: 'DA_INVIARE', signedAt: '2026-12-01T09:14:52.318Z' }],
            },
          ),
          ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422),
        },
      },
    },
    async (request) => {
      const studioId = authenticatedUser(request).studio
      const bytes = request.body
      if (!Buffer.isBuffer(bytes) || bytes.length === 0) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'Send the signed file as application/pkcs7-mime or application/octet-stream')
      }
      const em = app.orm.em.fork()
      const first = await findStudioInvoice(em, studioId, request.params.id)
      if (first.state !== InvoiceState.DaFirmare || first.contentKind !== 'xml') {
        throw new AppError(
          TransitionErrorCodes.InvoiceStateConflict,
          409,
          `The invoice is ${first.state}: only a DA_FIRMARE invoice takes a signed file`,
          {
            state: first.state,
          },
        )
      }
      const now = new Date()
      const verification = await verifyCades(bytes, { at: now })
      if (!verification.valid) {
        throw new AppError(SigningErrorCodes.SignedFileInvalid, 422, `The signature does not verify: ${verification.message}`, {
          sdiCode: verification.code,
          problem: verification.problem,
        })
      }
      const invoice = await em.transactional(async (tx) => {
        const current = await findStudioInvoice(tx, studioId, request.params.id)
        await tx.populate(current, ['file'])
        if (!verification.content || !sameXml(verification.content, Buffer.from(current.file))) {
          throw new AppError(
            SigningErrorCodes.SignedFileContentMismatch,
            422,
            'The signed content is not the invoice XML stored for this invoice',
          )
        }
        current.signedFile = bytes
        current.signedAt = verification.signingTime ?? now
        commandInvoice(
          tx,
          current,
          { kind: 'sign' },
          {
            at: now,
            details: {
              signature: 'external-cades',
              signer: verification.signer?.subject ?? null,
              signingTime: verification.signingTime?.toISOString(),
            },
          },
        )
        markDueForTransmission(current, now)
        return current
      })
      await requestTransmission(app.jobs, invoice, request.log as unknown as Logger, String(request.id))
      return { id: invoice.id, state: invoice.state, signedAt: (invoice.signedAt ?? now).toISOString() }
    },
  )

  app.get(
    '/invoices/:id/signed-file',
    {
      preHandler: canRead,
      schema: {
        tags: ['signing'],
        summary: 'Download the signed file',
        description:
          'The .p7m signed by the platform or uploaded signed; for an invoice submitted as .p7m, that file. 404 SIGNED_FILE_NOT_FOUND while there is none.',
        operationId: 'fe-active.getInvoiceSignedFile',
        params: InvoiceParamsSchema,
        produces: ['application/pkcs7-mime'],
        response: { 200: FileResponseSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const em = app.orm.em.fork()
      const invoice = await findStudioInvoice(em, authenticatedUser(request).studio, request.params.id)
      await em.populate(invoice, ['signedFile', 'file'])
      const signed = invoice.signedFile ?? (invoice.contentKind === 'p7m' ? invoice.file : null)
      if (signed === null) throw new AppError(SigningErrorCodes.SignedFileNotFound, 404, 'The invoice has no signed file (yet)')
      return reply
        .type('application/pkcs7-mime')
        .header('content-disposition', `attachment; filename="${invoice.id}.xml.p7m"`)
        .send(Buffer.from(signed))
    },
  )

  app.delete(
    '/invoices/:id',
    {
      preHandler: canSend,
      schema: {
        tags: ['invoices'],
        summary: 'Delete an invoice not yet sent to SDI',
        description:
          'Under the studio’s STATO CANCELLAZIONE: `default` deletes DA FIRMARE, DA INVIARE and an ERRORE IN INVIO that surely did not reach SDI (409 INVOICE_STATE_CONFLICT with reason DELETE_AFTER_TRANSMISSION otherwise); `never` refuses every deletion (409 INVOICE_DELETION_DISABLED). The invoice is marked deleted in its history (kept for audit), no longer read or transmitted, and its numbers are free again.',
        operationId: 'fe-active.deleteInvoice',
        params: InvoiceParamsSchema,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const studioId = authenticatedUser(request).studio
      await app.orm.em.fork().transactional(async (tx) => {
        const invoice = await findStudioInvoice(tx, studioId, request.params.id)
        const settings = await loadStudioSettings(tx, studioId)
        if (settings.deletionPolicy === 'never') {
          throw new AppError(
            SettingsErrorCodes.InvoiceDeletionDisabled,
            409,
            'Your studio does not allow deleting invoices (STATO CANCELLAZIONE)',
          )
        }
        // DA INVIARE with a call to SDI in flight: SDI may be taking the file right now.
        if ((await tx.count(SdiTransmission, { invoiceId: invoice.id, status: { $in: ['sending', 'ambiguous'] } })) > 0) {
          throw new AppError(
            TransitionErrorCodes.InvoiceStateConflict,
            409,
            'The invoice is being transmitted to SDI: it cannot be deleted',
            {
              reason: 'DELETE_AFTER_TRANSMISSION',
              state: invoice.state,
            },
          )
        }
        commandInvoice(tx, invoice, { kind: 'delete' }, { at: new Date(), details: { by: authenticatedUser(request).sub } })
        invoice.nextActionAt = null
        await tx.nativeDelete(InvoiceIdentityRow, { invoiceId: invoice.id })
      })
      return reply.code(204).send(null)
    },
  )
}
