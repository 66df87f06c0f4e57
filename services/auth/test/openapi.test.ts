// Real: the auth app's generated OpenAPI document. It is what partner integrators build on.
import { type OpenApiOperation, openApiOperations, operationsWithoutExamples, undocumentedOperations } from '@fatturapa-hub/shared/testing'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type AuthTest, startAuthTest } from './support/auth-test.js'

// Binary answers (the contract PDF) and /info (platform metadata) carry no JSON example.
const withoutSuccessExample = new Set(['auth.getContractDocument', 'auth.info'])

describe('auth OpenAPI document', () => {
  let auth: AuthTest
  let operations: OpenApiOperation[]
  beforeAll(async () => {
    auth = await startAuthTest()
    operations = await openApiOperations(auth.service.app)
  })
  afterAll(async () => auth?.close())

  it('documents every route with an operation id, a tag and a summary', () => {
    expect(operations.length).toBeGreaterThan(35)
    expect(undocumentedOperations(operations, 'auth')).toEqual([])
  })

  it('gives every request body and every JSON success answer an example', () => {
    expect(operationsWithoutExamples(operations, withoutSuccessExample)).toEqual([])
  })
})
