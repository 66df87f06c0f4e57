import { describe, expect, it } from '@jest/globals'
import { mergeOpenApi } from '../src/openapi/merge.js'

const gateway = {
  openapi: '3.1.0',
  info: { title: 'gateway', version: '1' },
  tags: [{ name: 'gateway' }],
  paths: { '/healthz': { get: {} } },
}

describe('mergeOpenApi', () => {
  it('prefixes paths with the service route and component names with the service, following $refs', () => {
    const merged = mergeOpenApi(gateway, [
      {
        name: 'fe-active',
        document: {
          tags: [{ name: 'invoices' }],
          paths: { '/invoices': { post: { responses: { 201: { $ref: '#/components/schemas/Invoice' } } } } },
          components: { schemas: { Invoice: { type: 'object' } } },
        },
      },
    ])
    expect(Object.keys(merged.paths as object)).toEqual(['/healthz', '/api/fe-active/invoices'])
    expect((merged.components as { schemas: object }).schemas).toEqual({ FeActiveInvoice: { type: 'object' } })
    expect(JSON.stringify(merged.paths)).toContain('#/components/schemas/FeActiveInvoice')
    expect((merged.tags as Array<{ name: string }>).map((tag) => tag.name)).toEqual(['gateway', 'invoices'])
  })

  it('fails loudly when two documents declare the same path', () => {
    const document = { paths: { '/info': { get: {} } } }
    expect(() =>
      mergeOpenApi(gateway, [
        { name: 'auth', document },
        { name: 'auth', document },
      ]),
    ).toThrow(/Path \/api\/auth\/info is declared twice/)
  })
})
