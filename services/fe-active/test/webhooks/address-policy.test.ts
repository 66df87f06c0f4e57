// Real: the fe-active service with private networks refused (the production default), the system resolver (for
// `localhost`), and a receiver over real HTTP on 127.0.0.1 that a refused delivery must never reach. One name is
// resolved by a resolver of the test's own (no DNS server to point at an internal address here).
import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Permissions } from '@fatturapa-hub/shared'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { isNonPublicAddress, nonPublicUrlReason, publicOnlyLookup, type ResolveAll } from '../../src/webhooks/address-policy.js'
import { postWebhook } from '../../src/webhooks/post.js'
import { type FeActiveTest, startFeActiveTest } from '../support/fe-active-test.js'

describe('webhook addresses', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '198.18.0.1',
    '::',
    '::1',
    'fe80::1',
    'fd12:3456::1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    '::ffff:0:7f00:1',
    '64:ff9b::',
    '::127.0.0.1',
    '::a00:1',
    'fec0::1',
    '3fff::1',
    '2001:db8::1',
    'ff02::1',
  ])('%s is not public', (address) => {
    expect(isNonPublicAddress(address)).toBe(true)
  })

  it.each([
    '8.8.8.8',
    '93.184.216.34',
    '172.32.0.1',
    '192.169.0.1',
    '100.128.0.1',
    '2a00:1450:4001:81a::200e',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('%s is public', (address) => {
    expect(isNonPublicAddress(address)).toBe(false)
  })

  it('sees through the spellings URLs allow for one address, and refuses names of this machine', () => {
    for (const url of [
      'http://2130706433/hook',
      'http://0x7f.1/hook',
      'http://017700000001/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://[::1]:8080/hook',
      'http://LOCALHOST./hook',
      'http://erp.localhost/hook',
      'http://169.254.169.254/latest/meta-data/',
    ]) {
      expect([url, nonPublicUrlReason(new URL(url))]).toEqual([url, expect.any(String)])
    }
    expect(nonPublicUrlReason(new URL('https://erp.example.com/hooks/fatturapa'))).toBeNull()
    expect(nonPublicUrlReason(new URL('https://8.8.8.8/hook'))).toBeNull()
  })

  it('resolves a name to its public addresses only, and fails for a name with none', async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      publicOnlyLookup()('localhost', {}, (failure) => resolve(failure)),
    )
    expect(error).toMatchObject({ code: 'WEBHOOK_ADDRESS_NOT_PUBLIC' })
    expect(error?.message).toMatch(/^localhost resolves only to non-public addresses \(.*(127\.0\.0\.1|::1)/)
  })
})

describe('webhooks with private networks refused (WEBHOOK_ALLOW_PRIVATE_NETWORKS off)', () => {
  let test: FeActiveTest
  let token: string
  let receiver: Server
  let receiverUrl: string
  let requests = 0

  beforeAll(async () => {
    receiver = createServer((_request, response) => {
      requests += 1
      response.writeHead(200).end('ok')
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
    test = await startFeActiveTest({ name: 'fe-active-webhook-addresses-test', env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' } })
    token = await test.tokenFor(randomUUID(), [Permissions.FeActiveSend, Permissions.FeActiveRead])
  })
  afterAll(async () => {
    await test?.close()
    receiver?.closeAllConnections()
    await new Promise((resolve) => receiver?.close(resolve))
  })

  const call = (method: 'POST' | 'PATCH', url: string, payload: object) =>
    test.running.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload })

  it('refuses to register or move a webhook to loopback, private, link-local or localhost URLs', async () => {
    for (const url of [
      `${receiverUrl}/hook`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.5:6379/',
      'http://localhost:8080/',
    ]) {
      const refused = await call('POST', '/webhooks', { url })
      expect([url, refused.statusCode]).toEqual([url, 400])
      expect(refused.headers['content-type']).toContain('application/problem+json')
      expect(refused.json()).toMatchObject({ code: 'WEBHOOK_URL_NOT_ALLOWED' })
    }
    const created = await call('POST', '/webhooks', { url: 'https://erp.example.com/hooks/fatturapa' })
    expect(created.statusCode).toBe(201)
    const moved = await call('PATCH', `/webhooks/${created.json().id}`, { url: 'http://[::1]/hook' })
    expect(moved.json()).toMatchObject({ status: 400, code: 'WEBHOOK_URL_NOT_ALLOWED' })
  })

  it('does not call a non-public address at delivery either (a URL stored before the switch, a name resolving inward)', async () => {
    const options = { timeoutMs: 3000, allowPrivateNetworks: false }
    const literal = await postWebhook(`${receiverUrl}/hook`, 'whsec_test', randomUUID(), '{}', options)
    expect(literal).toMatchObject({
      success: false,
      statusCode: null,
      error: expect.stringMatching(/^not delivered: 127\.0\.0\.1 is not a public/),
      permanent: true,
    })
    const port = new URL(receiverUrl).port
    const named = await postWebhook(`http://localhost:${port}/hook`, 'whsec_test', randomUUID(), '{}', options)
    expect(named).toMatchObject({ success: false, error: expect.stringMatching(/^not delivered: localhost names this machine/) })
    // A name the URL check cannot judge is refused on the addresses it resolves to when the socket connects: here a
    // resolver that points a public-looking name at an internal address (as a DNS record changed after registration).
    const inward: ResolveAll = async (name) =>
      name === 'erp.example.com'
        ? [
            { address: '10.0.0.5', family: 4 },
            { address: '::1', family: 6 },
          ]
        : []
    const resolved = await postWebhook(`http://erp.example.com:${port}/hook`, 'whsec_test', randomUUID(), '{}', {
      ...options,
      resolveAll: inward,
    })
    expect(resolved).toMatchObject({
      success: false,
      error: 'not delivered: erp.example.com resolves only to non-public addresses (10.0.0.5, ::1)',
    })
    // Retried later (the record may be fixed), unlike a refused URL.
    expect(resolved.permanent).toBeUndefined()
    expect(requests).toBe(0)

    // The same receiver is reached once private networks are allowed: the refusals above were the policy's.
    const allowed = await postWebhook(`${receiverUrl}/hook`, 'whsec_test', randomUUID(), '{}', { ...options, allowPrivateNetworks: true })
    expect(allowed).toMatchObject({ success: true, statusCode: 200, responseExcerpt: 'ok', error: null })
    expect(requests).toBe(1)
  })
})
