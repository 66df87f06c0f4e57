// Real: the auth app's generated OpenAPI document. It is what partner integrators build on.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type AuthTest, startAuthTest } from './support/auth-test.js'

type Content = Record<string, { schema?: { examples?: unknown[] }; example?: unknown; examples?: unknown }>
type Operation = {
  operationId?: string
  tags?: string[]
  summary?: string
  requestBody?: { content: Content }
  responses: Record<string, { content?: Content }>
}

// Binary answers (the contract PDF) and /info (platform metadata) carry no JSON example.
const withoutSuccessExample = new Set(['auth.getContractDocument', 'auth.info'])

const hasExample = (content: Content | undefined) =>
  content !== undefined &&
  Object.values(content).some(
    (media) => media.example !== undefined || media.examples !== undefined || (media.schema?.examples?.length ?? 0) > 0,
  )

describe('auth OpenAPI document', () => {
  let auth: AuthTest
  let operations: Operation[]
  beforeAll(async () => {
    auth = await startAuthTest()
    const document = (await auth.service.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, Operation>>
    }
    operations = Object.values(document.paths).flatMap((methods) => Object.values(methods))
  })
  afterAll(async () => auth?.close())

  it('documents every route with an operation id, a tag and a summary', () => {
    expect(operations.length).toBeGreaterThan(35)
    for (const operation of operations) {
      expect({ id: operation.operationId, tagged: (operation.tags?.length ?? 0) > 0, summary: Boolean(operation.summary) }).toEqual({
        id: expect.stringMatching(/^auth\./),
        tagged: true,
        summary: true,
      })
    }
  })

  it('gives every request body and every JSON success answer an example', () => {
    const missing: string[] = []
    for (const operation of operations) {
      if (operation.requestBody && !hasExample(operation.requestBody.content)) missing.push(`${operation.operationId} body`)
      const [status, success] = Object.entries(operation.responses).find(([code]) => code.startsWith('2')) ?? []
      if (status !== '204' && !withoutSuccessExample.has(operation.operationId ?? '') && !hasExample(success?.content)) {
        missing.push(`${operation.operationId} ${status}`)
      }
    }
    expect(missing).toEqual([])
  })
})
