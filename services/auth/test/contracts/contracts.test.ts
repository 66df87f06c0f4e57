// Real: PostgreSQL, Redis and an SMTP server (smtp-server) on loopback. Nothing is mocked.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { User } from '../../src/users/user.entity.js'
import { type AuthTest, bearer, startAuthTest } from '../support/auth-test.js'
import { tinyPdf } from './pdf.js'

const password = 'Sicura.2026-ok'
const serviceTitle = 'Accordo di servizio fatturazione elettronica'
const privacyTitle = 'Informativa trattamento dati personali'

interface PublishedContract {
  id: string
  code: string
  title: string
  version: number
  sha256: string
  sizeBytes: number
  publishedAt: string
}
interface CurrentContract extends PublishedContract {
  accepted: boolean
  acceptedAt: string | null
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
const romeDate = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', day: '2-digit', month: '2-digit', year: 'numeric' })
const romeTime = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

describe('contracts', () => {
  let auth: AuthTest
  let admin: string
  let otherAdmin: string
  const serviceV1 = tinyPdf('Accordo di servizio - versione 1')
  const serviceV2 = tinyPdf('Accordo di servizio - versione 2')
  const privacyV1 = tinyPdf('Informativa privacy - versione 1')
  const published: Record<string, PublishedContract> = {}

  const app = () => auth.service.app
  const publish = (token: string, code: string, title: string, document: Buffer, contentType = 'application/pdf') =>
    app().inject({
      method: 'POST',
      url: '/contracts',
      query: { code, title },
      headers: { ...bearer(token), 'content-type': contentType },
      payload: document,
    })
  const accept = (token: string, contractIds: string[]) =>
    app().inject({ method: 'POST', url: '/contracts/acceptances', headers: bearer(token), payload: { contractIds } })
  const current = async (token: string) => {
    const response = await app().inject({ method: 'GET', url: '/contracts', headers: bearer(token) })
    expect(response.statusCode).toBe(200)
    return response.json() as { items: CurrentContract[]; pending: boolean }
  }
  const clients = (token: string) => app().inject({ method: 'GET', url: '/clients', headers: bearer(token) })
  const claims = (token: string) => app().authRuntime.verifier.verify(token)

  beforeAll(async () => {
    auth = await startAuthTest()
    await auth.provision('ct00001', { partitaIva: '01234567897', email: 'segreteria@ct00001.example' })
    await auth.provision('ct00002', { partitaIva: '12345678903' })
    for (const username of ['ADM@ct00001', 'OPERATORE@ct00001', 'ADM@ct00002', 'OPERATORE@ct00002']) {
      await auth.setPassword(username, password)
    }
    const em = auth.service.orm.em.fork()
    const operator = await em.findOneOrFail(User, { usernameKey: 'operatore@ct00001' })
    operator.email = 'operatore@ct00001.example'
    await em.flush()
    admin = await auth.tokenFor('ADM@ct00001')
    otherAdmin = await auth.tokenFor('ADM@ct00002')
  })
  afterAll(async () => auth?.close())

  describe('POST /contracts', () => {
    it('publishes version 1 of two contracts with the SHA-256 and size of the bytes', async () => {
      for (const [code, title, document] of [
        ['accordo-servizio', serviceTitle, serviceV1],
        ['privacy', privacyTitle, privacyV1],
      ] as const) {
        const response = await publish(admin, code, title, document)
        expect(response.statusCode).toBe(201)
        const body = response.json() as PublishedContract
        expect(body).toMatchObject({ code, title, version: 1, sha256: sha256(document), sizeBytes: document.length })
        published[code] = body
      }
    })

    it('refuses bodies that are not PDF documents', async () => {
      const notPdf = await publish(admin, 'accordo-servizio', serviceTitle, Buffer.from('Hello, I am not a PDF'))
      expect(notPdf.statusCode).toBe(422)
      expect(notPdf.json().code).toBe('CONTRACT_NOT_PDF')
      const json = await publish(admin, 'accordo-servizio', serviceTitle, Buffer.from('{"pdf":"%PDF-"}'), 'application/json')
      expect(json.statusCode).toBe(415)
      const text = await publish(admin, 'accordo-servizio', serviceTitle, serviceV2, 'text/plain')
      expect(text.statusCode).toBe(415)
      const badCode = await publish(admin, 'Accordo Servizio', serviceTitle, serviceV2)
      expect(badCode.statusCode).toBe(400)
      const tooLarge = await publish(admin, 'grande', 'Troppo grande', Buffer.concat([serviceV2, Buffer.alloc(10 * 1024 * 1024)]))
      expect(tooLarge.statusCode).toBe(413)
      expect((await current(admin)).items.map((contract) => `${contract.code}@${contract.version}`)).toEqual([
        'accordo-servizio@1',
        'privacy@1',
      ])
    })

    it('refuses to publish the same document and title again, and users without ContractsManage', async () => {
      const again = await publish(admin, 'privacy', privacyTitle, privacyV1)
      expect(again.statusCode).toBe(409)
      expect(again.json().code).toBe('CONTRACT_UNCHANGED')
      const operator = await auth.tokenFor('OPERATORE@ct00001')
      const refused = await publish(operator, 'privacy', privacyTitle, tinyPdf('operatore'))
      expect(refused.statusCode).toBe(403)
      expect(refused.json().code).toBe('FORBIDDEN')
    })

    it('gives concurrent publishes of the same code distinct versions or a 409', async () => {
      const responses = await Promise.all(
        ['a', 'b', 'c'].map((label) => publish(otherAdmin, 'concorrente', 'Contratto concorrente', tinyPdf(`concorrente ${label}`))),
      )
      const statuses = responses.map((response) => response.statusCode)
      expect(statuses.every((status) => status === 201 || status === 409)).toBe(true)
      const created = responses.filter((response) => response.statusCode === 201).map((response) => response.json().version as number)
      expect(created.length).toBeGreaterThan(0)
      expect(new Set(created).size).toBe(created.length)
      for (const response of responses.filter((candidate) => candidate.statusCode === 409)) {
        expect(response.json().code).toBe('CONTRACT_VERSION_CONFLICT')
      }
    })
  })

  describe('acceptance gating', () => {
    let operatorToken: string

    it('blocks an operator with pending contracts but lets them read the contracts', async () => {
      operatorToken = await auth.tokenFor('OPERATORE@ct00001')
      expect((await claims(operatorToken)).contractsPending).toBe(true)
      const blocked = await clients(operatorToken)
      expect(blocked.statusCode).toBe(403)
      expect(blocked.json().code).toBe('CONTRACTS_PENDING')
      const list = await current(operatorToken)
      expect(list.pending).toBe(true)
      expect(list.items.map((contract) => [contract.code, contract.version, contract.accepted, contract.acceptedAt])).toEqual([
        ['accordo-servizio', 1, false, null],
        ['privacy', 1, false, null],
      ])
    })

    it('keeps contracts pending after accepting only one', async () => {
      const response = await accept(operatorToken, [published['accordo-servizio']?.id as string])
      expect(response.statusCode).toBe(200)
      const body = response.json()
      expect(body.acceptances).toEqual([
        expect.objectContaining({ contractCode: 'accordo-servizio', contractVersion: 1, sha256: sha256(serviceV1), recordedNow: true }),
      ])
      expect(body.access.contractsPending).toBe(true)
      expect((await claims(body.access.accessToken)).contractsPending).toBe(true)
      expect((await clients(body.access.accessToken)).json().code).toBe('CONTRACTS_PENDING')
      const mail = await auth.smtp.waitFor(
        (message) => message.subject.startsWith('Conferma accettazione') && message.text.includes(serviceTitle),
      )
      expect(mail.text).not.toContain(privacyTitle)
    })

    it('releases the operator once every current contract is accepted, without duplicating acceptances', async () => {
      const ids = [published['accordo-servizio']?.id as string, published.privacy?.id as string]
      const response = await accept(operatorToken, ids)
      expect(response.statusCode).toBe(200)
      const body = response.json()
      expect(body.acceptances.map((row: { contractCode: string; recordedNow: boolean }) => [row.contractCode, row.recordedNow])).toEqual([
        ['accordo-servizio', false],
        ['privacy', true],
      ])
      expect(body.emailSent).toBe(true)
      expect(body.access.contractsPending).toBe(false)
      expect((await claims(body.access.accessToken)).contractsPending ?? false).toBe(false)
      const allowed = await clients(body.access.accessToken)
      expect(allowed.statusCode).toBe(200)
      operatorToken = body.access.accessToken
      const list = await current(operatorToken)
      expect(list.pending).toBe(false)
      expect(list.items.every((contract) => contract.accepted && contract.acceptedAt !== null)).toBe(true)

      const repeated = await accept(operatorToken, ids)
      expect(repeated.json().emailSent).toBe(false)
      expect(repeated.json().acceptances.map((row: { acceptedAt: string }) => row.acceptedAt)).toEqual(
        body.acceptances.map((row: { acceptedAt: string }) => row.acceptedAt),
      )
      const operator = await auth.findUser('OPERATORE@ct00001')
      const history = await app().inject({ method: 'GET', url: `/contracts/acceptances?userId=${operator.id}`, headers: bearer(admin) })
      expect(history.json().total).toBe(2)
    })

    it('e-mails the studio, cc the operator, with the contracts, the operator and the time in Europe/Rome', async () => {
      const mail = await auth.smtp.waitFor(
        (message) => message.subject.startsWith('Conferma accettazione') && message.text.includes(privacyTitle),
      )
      expect(mail.to).toEqual(expect.arrayContaining(['segreteria@ct00001.example', 'operatore@ct00001.example']))
      expect(mail.text).toContain('OPERATORE@ct00001 (Operatore)')
      expect(mail.text).toContain(`versione 1`)
      expect(mail.text).toContain(sha256(privacyV1))
      const list = await current(operatorToken)
      const acceptedAt = new Date(list.items.find((contract) => contract.code === 'privacy')?.acceptedAt as string)
      expect(mail.text).toContain(`${romeDate.format(acceptedAt)} alle ore ${romeTime.format(acceptedAt)}`)
      expect(mail.text).toContain('Europe/Rome')
    })

    it('sends one e-mail listing both contracts when they are accepted together', async () => {
      const adminToken = await auth.tokenFor('ADM@ct00001')
      expect((await claims(adminToken)).contractsPending).toBe(true)
      const sessionsBefore = await auth.service.orm.em.fork().getConnection().execute('select count(*) as n from refresh_token')
      const response = await accept(adminToken, [published.privacy?.id as string, published['accordo-servizio']?.id as string])
      expect(response.statusCode).toBe(200)
      expect(response.json()).toMatchObject({ emailSent: true, access: { contractsPending: false } })
      // Only an access token: a stolen access token must not become a new long-lived session here.
      expect(response.json().access.refreshToken).toBeUndefined()
      const sessionsAfter = await auth.service.orm.em.fork().getConnection().execute('select count(*) as n from refresh_token')
      expect(sessionsAfter).toEqual(sessionsBefore)
      const acceptedAt = new Date(response.json().acceptances[0].acceptedAt)
      const mail = await auth.smtp.waitFor(
        (message) => message.subject.startsWith('Conferma accettazione') && message.text.includes('ADM@ct00001 (Amministratore)'),
      )
      expect(mail.text).toContain(serviceTitle)
      expect(mail.text).toContain(privacyTitle)
      expect(mail.text).toContain(sha256(serviceV1))
      expect(mail.text).toContain(`${romeDate.format(acceptedAt)} alle ore ${romeTime.format(acceptedAt)}`)
      expect(mail.to).toEqual(['segreteria@ct00001.example'])
    })

    it('asks for a new acceptance when a new version is published, and refuses the superseded one', async () => {
      const response = await publish(admin, 'accordo-servizio', `${serviceTitle} (rev. 2)`, serviceV2)
      expect(response.statusCode).toBe(201)
      expect(response.json()).toMatchObject({ version: 2, sha256: sha256(serviceV2) })
      const v2 = response.json() as PublishedContract
      const token = await auth.tokenFor('OPERATORE@ct00001')
      expect((await claims(token)).contractsPending).toBe(true)
      expect((await clients(token)).json().code).toBe('CONTRACTS_PENDING')
      const list = await current(token)
      expect(list.items.map((contract) => [contract.code, contract.version, contract.accepted])).toEqual([
        ['accordo-servizio', 2, false],
        ['privacy', 1, true],
      ])

      const old = await accept(token, [published['accordo-servizio']?.id as string, v2.id])
      expect(old.statusCode).toBe(422)
      expect(old.json()).toMatchObject({ code: 'CONTRACT_NOT_CURRENT', contractIds: [published['accordo-servizio']?.id] })
      expect((await current(token)).items[0]?.accepted).toBe(false)

      const renewed = await accept(token, [v2.id])
      expect(renewed.statusCode).toBe(200)
      expect(renewed.json().access.contractsPending).toBe(false)
      expect((await clients(renewed.json().access.accessToken)).statusCode).toBe(200)

      const history = await app().inject({
        method: 'GET',
        url: '/contracts/acceptances?contractCode=accordo-servizio&limit=10',
        headers: bearer(await auth.tokenFor('ADM@ct00001')),
      })
      expect(history.statusCode).toBe(200)
      const operatorRows = history
        .json()
        .items.filter((row: { username: string }) => row.username === 'OPERATORE@ct00001')
        .map((row: { contractVersion: number; sha256: string; ip: string | null }) => [row.contractVersion, row.sha256, row.ip])
      expect(operatorRows).toEqual([
        [2, sha256(serviceV2), '127.0.0.1'],
        [1, sha256(serviceV1), '127.0.0.1'],
      ])
      published['accordo-servizio-v2'] = v2
    })

    it('does not let integration users accept contracts, and does not block them', async () => {
      const token = await auth.tokenFor('APIREST_ct00001@ct00001')
      expect((await claims(token)).contractsPending ?? false).toBe(false)
      const response = await accept(token, [published['accordo-servizio-v2']?.id as string])
      expect(response.statusCode).toBe(403)
      expect(response.json().code).toBe('FORBIDDEN')
    })

    it('records one acceptance when the same user accepts twice at the same time', async () => {
      const token = await auth.tokenFor('OPERATORE@ct00002')
      const ids = (await current(token)).items.map((contract) => contract.id)
      expect(ids.length).toBe(1)
      const responses = await Promise.all([accept(token, ids), accept(token, ids), accept(token, ids)])
      expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 200])
      expect(responses.filter((response) => response.json().acceptances[0].recordedNow)).toHaveLength(1)
      const history = await app().inject({ method: 'GET', url: '/contracts/acceptances', headers: bearer(otherAdmin) })
      expect(history.json().total).toBe(1)
    })

    it('refuses the acceptance history to users without ContractsManage', async () => {
      const token = await auth.tokenFor('OPERATORE@ct00001')
      const response = await app().inject({ method: 'GET', url: '/contracts/acceptances', headers: bearer(token) })
      expect(response.statusCode).toBe(403)
      expect(response.json().code).toBe('FORBIDDEN')
    })
  })

  describe('GET /contracts/:id/document', () => {
    it('returns the exact bytes, inline, with the SHA-256 as ETag', async () => {
      for (const [contract, bytes] of [
        [published['accordo-servizio'], serviceV1],
        [published['accordo-servizio-v2'], serviceV2],
      ] as const) {
        const response = await app().inject({
          method: 'GET',
          url: `/contracts/${contract?.id}/document`,
          headers: bearer(await auth.tokenFor('OPERATORE@ct00001')),
        })
        expect(response.statusCode).toBe(200)
        expect(response.headers['content-type']).toBe('application/pdf')
        expect(response.headers.etag).toBe(`"${sha256(bytes)}"`)
        expect(response.headers['content-disposition']).toBe(`inline; filename="accordo-servizio-v${contract?.version}.pdf"`)
        expect(Buffer.compare(response.rawPayload, bytes)).toBe(0)
      }
    })

    it('answers 304 to a matching If-None-Match and is readable while contracts are pending', async () => {
      const pending = await auth.tokenFor('ADM@ct00001')
      expect((await claims(pending)).contractsPending).toBe(true)
      const response = await app().inject({
        method: 'GET',
        url: `/contracts/${published['accordo-servizio-v2']?.id}/document`,
        headers: { ...bearer(pending), 'if-none-match': `"${sha256(serviceV2)}"` },
      })
      expect(response.statusCode).toBe(304)
      expect(response.rawPayload.length).toBe(0)
    })
  })

  describe('OpenAPI', () => {
    it('documents every client and contract route with its operationId, and the PDF body and response', async () => {
      const response = await app().inject({ method: 'GET', url: '/openapi.json' })
      expect(response.statusCode).toBe(200)
      const document = response.json() as { paths: Record<string, Record<string, Record<string, unknown>>> }
      const operations = Object.values(document.paths).flatMap((path) => Object.values(path))
      const ids = operations.map((operation) => operation.operationId)
      expect(ids).toEqual(
        expect.arrayContaining([
          'auth.listClients',
          'auth.getClient',
          'auth.createClient',
          'auth.updateClient',
          'auth.setClientFeAttiva',
          'auth.setClientFePassiva',
          'auth.publishContract',
          'auth.listCurrentContracts',
          'auth.getContractDocument',
          'auth.acceptContracts',
          'auth.listContractAcceptances',
        ]),
      )
      const publishOperation = document.paths['/contracts']?.post as { requestBody: { content: Record<string, unknown> } }
      expect(Object.keys(publishOperation.requestBody.content)).toEqual(['application/pdf'])
      const download = document.paths['/contracts/{id}/document']?.get as { responses: Record<string, { content?: object }> }
      expect(Object.keys(download.responses['200']?.content ?? {})).toEqual(['application/pdf'])
    })
  })

  describe('studio isolation', () => {
    it('answers 404 or 422 to another studio and never lists its contracts or acceptances', async () => {
      for (const contract of [published['accordo-servizio'], published['accordo-servizio-v2'], published.privacy]) {
        const download = await app().inject({ method: 'GET', url: `/contracts/${contract?.id}/document`, headers: bearer(otherAdmin) })
        expect(download.statusCode).toBe(404)
        expect(download.json().code).toBe('NOT_FOUND')
      }
      const foreign = await accept(otherAdmin, [published['accordo-servizio-v2']?.id as string])
      expect(foreign.statusCode).toBe(422)
      expect(foreign.json().code).toBe('CONTRACT_NOT_CURRENT')

      const otherList = await current(otherAdmin)
      expect(otherList.items.map((contract) => contract.code)).toEqual(['concorrente'])
      const ownList = await current(await auth.tokenFor('OPERATORE@ct00001'))
      expect(ownList.items.map((contract) => contract.code)).toEqual(['accordo-servizio', 'privacy'])

      const operator = await auth.findUser('OPERATORE@ct00001')
      const foreignHistory = await app().inject({
        method: 'GET',
        url: `/contracts/acceptances?userId=${operator.id}`,
        headers: bearer(otherAdmin),
      })
      expect(foreignHistory.json().total).toBe(0)
      const otherHistory = await app().inject({ method: 'GET', url: '/contracts/acceptances?limit=200', headers: bearer(otherAdmin) })
      expect(otherHistory.json().items.map((row: { username: string }) => row.username)).toEqual(['OPERATORE@ct00002'])
      const byCode = await app().inject({
        method: 'GET',
        url: '/contracts/acceptances?contractCode=accordo-servizio',
        headers: bearer(otherAdmin),
      })
      expect(byCode.json().total).toBe(0)
    })
  })
})
