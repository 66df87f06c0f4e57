// Real: PostgreSQL, Redis and an SMTP server (smtp-server) on loopback. Nothing is mocked.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { ClientResponse } from '../../src/clients/schemas.js'
import { createUser } from '../../src/users/create-user.js'
import { type AuthTest, bearer, startAuthTest } from '../support/auth-test.js'

const password = 'Sicura.2026-ok'

describe('clients', () => {
  let auth: AuthTest
  let admin: string
  let operator: string
  let reader: string
  let otherAdmin: string
  let companyId: string

  const request = (token: string, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: object) =>
    auth.service.app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) })
  const create = async (payload: object, token = admin) => {
    const response = await request(token, 'POST', '/clients', payload)
    expect(response.statusCode).toBe(201)
    return response.json() as ClientResponse
  }

  beforeAll(async () => {
    auth = await startAuthTest()
    const studio = await auth.provision('cl00001', { partitaIva: '01234567897' })
    companyId = studio.company.id
    await auth.provision('cl00002', { partitaIva: '12345678903' })
    for (const username of ['ADM@cl00001', 'OPERATORE@cl00001', 'ADM@cl00002']) await auth.setPassword(username, password)
    const em = auth.service.orm.em.fork()
    await createUser(em, auth.service.config, {
      studioId: studio.studio.id,
      username: 'LETTORE@cl00001',
      description: 'Utente senza classi',
      kind: 'operator',
      active: true,
      classes: [],
      password,
    })
    admin = await auth.tokenFor('ADM@cl00001')
    operator = await auth.tokenFor('OPERATORE@cl00001')
    reader = await auth.tokenFor('LETTORE@cl00001')
    otherAdmin = await auth.tokenFor('ADM@cl00002')
  })
  afterAll(async () => auth?.close())

  describe('POST /clients', () => {
    it('creates a client with trimmed, upper-case identifiers and both services disabled', async () => {
      const client = await create({
        codiceSoggetto: ' 100 ',
        denominazione: 'Impugnatura S.p.A.',
        codiceFiscale: '03096010016',
        partitaIva: '03096010016',
        pec: 'Amministrazione@PEC.Impugnatura.example',
        codiceDestinatario: 'krrh6b9',
      })
      expect(client).toMatchObject({
        codiceSoggetto: '100',
        denominazione: 'Impugnatura S.p.A.',
        partitaIva: '03096010016',
        pec: 'amministrazione@pec.impugnatura.example',
        codiceDestinatario: 'KRRH6B9',
        feAttiva: { enabled: false, enabledAt: null },
        fePassiva: { enabled: false, enabledAt: null },
        version: 1,
      })
      const read = await request(admin, 'GET', `/clients/${client.id}`)
      expect(read.statusCode).toBe(200)
      expect(read.json()).toEqual(client)
    })

    it('answers 422 with one code per field when check digits are wrong', async () => {
      const response = await request(admin, 'POST', '/clients', {
        codiceSoggetto: '101',
        denominazione: 'Errata S.r.l.',
        partitaIva: '03096010017',
        codiceFiscale: 'RSSMRA85T10A562T',
      })
      expect(response.statusCode).toBe(422)
      expect(response.json().code).toBe('VALIDATION_FAILED')
      expect(response.json().errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: '/partitaIva', code: 'PARTITA_IVA_INVALID' }),
          expect.objectContaining({ path: '/codiceFiscale', code: 'CODICE_FISCALE_INVALID' }),
        ]),
      )
      const list = await request(admin, 'GET', '/clients?codiceFiscale=RSSMRA85T10A562T')
      expect(list.json().total).toBe(0)
    })

    it('refuses a malformed codice destinatario or PEC by schema', async () => {
      const badCode = await request(admin, 'POST', '/clients', { codiceSoggetto: '102', denominazione: 'X', codiceDestinatario: 'ABC-123' })
      expect(badCode.statusCode).toBe(400)
      const badPec = await request(admin, 'POST', '/clients', { codiceSoggetto: '102', denominazione: 'X', pec: 'not an address' })
      expect(badPec.statusCode).toBe(400)
    })

    it('answers 409 for a codice soggetto or a partita IVA the studio already has', async () => {
      const sameCode = await request(admin, 'POST', '/clients', { codiceSoggetto: '100', denominazione: 'Altro' })
      expect(sameCode.statusCode).toBe(409)
      expect(sameCode.json().code).toBe('CODICE_SOGGETTO_TAKEN')
      const sameVat = await request(admin, 'POST', '/clients', { codiceSoggetto: '103', denominazione: 'Altro', partitaIva: '03096010016' })
      expect(sameVat.statusCode).toBe(409)
      expect(sameVat.json().code).toBe('PARTITA_IVA_TAKEN')
    })

    it('lets an operator with operatori-gestione-clienti create, and refuses a user without ClientsManage', async () => {
      await create({ codiceSoggetto: '104', denominazione: 'Creato da operatore', partitaIva: '11111111115' }, operator)
      const refused = await request(reader, 'POST', '/clients', { codiceSoggetto: '105', denominazione: 'Mai creato' })
      expect(refused.statusCode).toBe(403)
      expect(refused.json().code).toBe('FORBIDDEN')
      const list = await request(admin, 'GET', '/clients?q=mai%20creato')
      expect(list.json().total).toBe(0)
    })
  })

  describe('GET /clients', () => {
    beforeAll(async () => {
      await create({ codiceSoggetto: '200', denominazione: 'Rossi Mario', codiceFiscale: 'RSSMRA85T10A562S' })
      await create({ codiceSoggetto: '201', denominazione: 'Sconto 100% S.r.l.', partitaIva: '02000000006' })
      await create({ codiceSoggetto: '202', denominazione: 'Sconto 1000 S.r.l.', partitaIva: '03000000004' })
    })

    it('lists the studio clients in pages with the total', async () => {
      const all = await request(admin, 'GET', '/clients?limit=200')
      expect(all.statusCode).toBe(200)
      const total = all.json().total as number
      expect(total).toBeGreaterThanOrEqual(6)
      expect(all.json().items).toHaveLength(total)
      const first = await request(admin, 'GET', '/clients?limit=2&offset=0')
      const second = await request(admin, 'GET', '/clients?limit=2&offset=2')
      expect(first.json()).toMatchObject({ total, limit: 2, offset: 0 })
      const ids = [...first.json().items, ...second.json().items].map((client: ClientResponse) => client.id)
      expect(new Set(ids).size).toBe(4)
      expect(ids).toEqual(
        all
          .json()
          .items.slice(0, 4)
          .map((client: ClientResponse) => client.id),
      )
    })

    it('filters by partita IVA, codice fiscale and denominazione (case-insensitive, wildcards literal)', async () => {
      const byVat = await request(admin, 'GET', '/clients?partitaIva=02000000006')
      expect(byVat.json().items.map((client: ClientResponse) => client.codiceSoggetto)).toEqual(['201'])
      const byCf = await request(admin, 'GET', '/clients?codiceFiscale=rssmra85t10a562s')
      expect(byCf.json().items.map((client: ClientResponse) => client.codiceSoggetto)).toEqual(['200'])
      const byName = await request(admin, 'GET', '/clients?q=SCONTO')
      expect(byName.json().items.map((client: ClientResponse) => client.codiceSoggetto)).toEqual(['201', '202'])
      const literalPercent = await request(admin, 'GET', `/clients?q=${encodeURIComponent('100%')}`)
      expect(literalPercent.json().items.map((client: ClientResponse) => client.codiceSoggetto)).toEqual(['201'])
    })

    it('filters by FE Attiva and FE Passiva activation', async () => {
      const target = (await request(admin, 'GET', '/clients?partitaIva=03000000004')).json().items[0] as ClientResponse
      expect((await request(admin, 'PUT', `/clients/${target.id}/fe-attiva`, { enabled: true })).statusCode).toBe(200)
      const active = await request(admin, 'GET', '/clients?feAttiva=true')
      expect(active.json().items.map((client: ClientResponse) => client.id)).toEqual([target.id])
      const inactive = await request(admin, 'GET', '/clients?feAttiva=false&limit=200')
      expect(inactive.json().items.map((client: ClientResponse) => client.id)).not.toContain(target.id)
      expect(inactive.json().total).toBe((await request(admin, 'GET', '/clients')).json().total - 1)
      const passive = await request(admin, 'GET', '/clients?fePassiva=true')
      expect(passive.json().total).toBe(0)
    })

    it('refuses a user without ClientsRead', async () => {
      const response = await request(reader, 'GET', '/clients')
      expect(response.statusCode).toBe(403)
      expect(response.json().code).toBe('FORBIDDEN')
    })
  })

  describe('PATCH /clients/:id', () => {
    it('changes the given fields and bumps the version', async () => {
      const client = await create({ codiceSoggetto: '300', denominazione: 'Prima', pec: 'prima@pec.example' })
      const response = await request(admin, 'PATCH', `/clients/${client.id}`, { denominazione: 'Seconda', pec: null, version: 1 })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toMatchObject({ denominazione: 'Seconda', pec: null, codiceSoggetto: '300', version: 2 })
      expect(Date.parse(response.json().updatedAt)).toBeGreaterThanOrEqual(Date.parse(client.updatedAt))
    })

    it('answers 409 VERSION_CONFLICT for a stale version and keeps the newer data', async () => {
      const client = await create({ codiceSoggetto: '301', denominazione: 'Originale' })
      expect((await request(admin, 'PATCH', `/clients/${client.id}`, { denominazione: 'Prima modifica', version: 1 })).statusCode).toBe(200)
      const stale = await request(operator, 'PATCH', `/clients/${client.id}`, { denominazione: 'Modifica persa', version: 1 })
      expect(stale.statusCode).toBe(409)
      expect(stale.json()).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 })
      expect((await request(admin, 'GET', `/clients/${client.id}`)).json()).toMatchObject({ denominazione: 'Prima modifica', version: 2 })
    })

    it('checks identifiers and uniqueness again', async () => {
      const client = await create({ codiceSoggetto: '302', denominazione: 'Da controllare' })
      const badVat = await request(admin, 'PATCH', `/clients/${client.id}`, { partitaIva: '04000000003' })
      expect(badVat.statusCode).toBe(422)
      expect(badVat.json().errors).toEqual([expect.objectContaining({ path: '/partitaIva', code: 'PARTITA_IVA_INVALID' })])
      const takenCode = await request(admin, 'PATCH', `/clients/${client.id}`, { codiceSoggetto: '100' })
      expect(takenCode.statusCode).toBe(409)
      expect(takenCode.json().code).toBe('CODICE_SOGGETTO_TAKEN')
      const takenVat = await request(admin, 'PATCH', `/clients/${client.id}`, { partitaIva: '02000000006' })
      expect(takenVat.statusCode).toBe(409)
      expect(takenVat.json().code).toBe('PARTITA_IVA_TAKEN')
      const ok = await request(admin, 'PATCH', `/clients/${client.id}`, { partitaIva: '04000000002' })
      expect(ok.statusCode).toBe(200)
      expect(ok.json()).toMatchObject({ partitaIva: '04000000002', version: 2 })
    })

    it('keeps the partita IVA of the company that the APIREST user acts for', async () => {
      const response = await request(admin, 'PATCH', `/clients/${companyId}`, { partitaIva: '05000000009' })
      expect(response.statusCode).toBe(409)
      expect(response.json().code).toBe('CLIENT_PARTITA_IVA_LOCKED')
      const renamed = await request(admin, 'PATCH', `/clients/${companyId}`, { denominazione: 'Azienda rinominata S.r.l.' })
      expect(renamed.statusCode).toBe(200)
    })

    it('refuses a user without ClientsManage', async () => {
      const client = await create({ codiceSoggetto: '303', denominazione: 'Intoccabile' })
      const response = await request(reader, 'PATCH', `/clients/${client.id}`, { denominazione: 'Toccato' })
      expect(response.statusCode).toBe(403)
      expect((await request(admin, 'GET', `/clients/${client.id}`)).json().denominazione).toBe('Intoccabile')
    })
  })

  describe('PUT /clients/:id/fe-attiva and fe-passiva', () => {
    it('keeps the first enabling timestamp while enabled and clears it when disabled', async () => {
      const client = await create({ codiceSoggetto: '400', denominazione: 'Attivabile', partitaIva: '06000000007' })
      const enabled = await request(operator, 'PUT', `/clients/${client.id}/fe-attiva`, { enabled: true })
      expect(enabled.statusCode).toBe(200)
      const enabledAt = enabled.json().feAttiva.enabledAt as string
      expect(enabled.json().feAttiva.enabled).toBe(true)
      expect(Date.parse(enabledAt)).toBeGreaterThanOrEqual(Date.parse(client.createdAt))
      await new Promise((resolve) => setTimeout(resolve, 20))
      const again = await request(operator, 'PUT', `/clients/${client.id}/fe-attiva`, { enabled: true })
      expect(again.json().feAttiva).toEqual({ enabled: true, enabledAt })
      expect(again.json().version).toBe(enabled.json().version)
      const disabled = await request(operator, 'PUT', `/clients/${client.id}/fe-attiva`, { enabled: false })
      expect(disabled.json().feAttiva).toEqual({ enabled: false, enabledAt: null })
      const reenabled = await request(operator, 'PUT', `/clients/${client.id}/fe-attiva`, { enabled: true })
      expect(Date.parse(reenabled.json().feAttiva.enabledAt)).toBeGreaterThan(Date.parse(enabledAt))
      expect(reenabled.json().fePassiva).toEqual({ enabled: false, enabledAt: null })
    })

    it('enables FE Passiva independently', async () => {
      const client = await create({ codiceSoggetto: '401', denominazione: 'Ricevente' })
      const enabled = await request(admin, 'PUT', `/clients/${client.id}/fe-passiva`, { enabled: true })
      expect(enabled.statusCode).toBe(200)
      expect(enabled.json().fePassiva.enabled).toBe(true)
      expect(enabled.json().feAttiva).toEqual({ enabled: false, enabledAt: null })
      const again = await request(admin, 'PUT', `/clients/${client.id}/fe-passiva`, { enabled: true })
      expect(again.json().fePassiva.enabledAt).toBe(enabled.json().fePassiva.enabledAt)
      const disabled = await request(admin, 'PUT', `/clients/${client.id}/fe-passiva`, { enabled: false })
      expect(disabled.json().fePassiva).toEqual({ enabled: false, enabledAt: null })
    })

    it('requires a partita IVA or codice fiscale for FE Attiva, also when they are removed later', async () => {
      const client = await create({ codiceSoggetto: '402', denominazione: 'Senza identificativi' })
      const refused = await request(admin, 'PUT', `/clients/${client.id}/fe-attiva`, { enabled: true })
      expect(refused.statusCode).toBe(422)
      expect(refused.json().code).toBe('CLIENT_IDENTIFIER_REQUIRED')
      const identified = await create({ codiceSoggetto: '403', denominazione: 'Identificato', codiceFiscale: 'BNCGNN80A01F205W' })
      expect((await request(admin, 'PUT', `/clients/${identified.id}/fe-attiva`, { enabled: true })).statusCode).toBe(200)
      const cleared = await request(admin, 'PATCH', `/clients/${identified.id}`, { codiceFiscale: null })
      expect(cleared.statusCode).toBe(422)
      expect(cleared.json().code).toBe('CLIENT_IDENTIFIER_REQUIRED')
    })

    it('refuses a user without ClientsManage', async () => {
      const client = await create({ codiceSoggetto: '404', denominazione: 'Non abilitabile', partitaIva: '09876543217' })
      for (const service of ['fe-attiva', 'fe-passiva']) {
        const response = await request(reader, 'PUT', `/clients/${client.id}/${service}`, { enabled: true })
        expect(response.statusCode).toBe(403)
      }
      expect((await request(admin, 'GET', `/clients/${client.id}`)).json().feAttiva.enabled).toBe(false)
    })
  })

  describe('studio isolation', () => {
    it('answers 404 to another studio for every client route and never lists its clients', async () => {
      const client = await create({ codiceSoggetto: '500', denominazione: 'Riservato', partitaIva: '07643520567' })
      const attempts = [
        await request(otherAdmin, 'GET', `/clients/${client.id}`),
        await request(otherAdmin, 'PATCH', `/clients/${client.id}`, { denominazione: 'Rubato' }),
        await request(otherAdmin, 'PUT', `/clients/${client.id}/fe-attiva`, { enabled: true }),
        await request(otherAdmin, 'PUT', `/clients/${client.id}/fe-passiva`, { enabled: true }),
      ]
      for (const response of attempts) {
        expect(response.statusCode).toBe(404)
        expect(response.json().code).toBe('NOT_FOUND')
      }
      expect((await request(admin, 'GET', `/clients/${client.id}`)).json()).toMatchObject({
        denominazione: 'Riservato',
        version: 1,
        feAttiva: { enabled: false },
        fePassiva: { enabled: false },
      })
      const otherList = await request(otherAdmin, 'GET', '/clients?limit=200')
      expect(otherList.json().items.map((item: ClientResponse) => item.denominazione)).toEqual(['Azienda cl00002 S.r.l.'])
      expect((await request(otherAdmin, 'GET', '/clients?partitaIva=07643520567')).json().total).toBe(0)
      expect((await request(otherAdmin, 'GET', '/clients?q=riservato')).json().total).toBe(0)
      const sameVatElsewhere = await request(otherAdmin, 'POST', '/clients', {
        codiceSoggetto: '500',
        denominazione: 'Stessa P.IVA, altro studio',
        partitaIva: '07643520567',
      })
      expect(sameVatElsewhere.statusCode).toBe(201)
    })
  })
})
