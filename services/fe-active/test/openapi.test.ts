// Real: fe-active's generated OpenAPI document, what ERPs and partner integrators build on.
import { type OpenApiOperation, openApiOperations, operationsWithoutExamples, undocumentedOperations } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type FeActiveTest, startFeActiveTest } from './support/fe-active-test.js'

// Binary answers (files, renderings, SOAP) carry no JSON example.
const withoutSuccessExample = new Set([
  'fe-active.getInvoiceFile',
  'fe-active.getInvoiceSignedFile',
  'fe-active.getInvoiceHtml',
  'fe-active.getInvoicePdf',
  'fe-active.getInvoiceSdiMessageFile',
  'fe-active.sdiTrasmissioneFatture',
])

describe('fe-active OpenAPI document', () => {
  let test: FeActiveTest
  let operations: OpenApiOperation[]
  beforeAll(async () => {
    test = await startFeActiveTest({ name: 'fe-active-openapi-test', env: { SDI_INBOUND_PLAIN_HTTP: 'true' } })
    operations = await openApiOperations(test.running.app)
  })
  afterAll(async () => test?.close())

  it('documents every route with a unique operation id, a tag and a summary', () => {
    expect(operations.length).toBeGreaterThan(35)
    expect(undocumentedOperations(operations, 'fe-active')).toEqual([])
  })

  it('gives every request body and every JSON success answer an example', () => {
    expect(operationsWithoutExamples(operations, withoutSuccessExample)).toEqual([])
  })
})
