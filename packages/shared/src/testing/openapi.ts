import type { FastifyInstance } from 'fastify'

type Content = Record<string, { schema?: { examples?: unknown[] }; example?: unknown; examples?: unknown }>

export interface OpenApiOperation {
  operationId?: string
  tags?: string[]
  summary?: string
  requestBody?: { content: Content }
  responses: Record<string, { content?: Content }>
}

/** Every operation of the app's generated OpenAPI document (GET /openapi.json). */
export async function openApiOperations(app: FastifyInstance): Promise<OpenApiOperation[]> {
  const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, OpenApiOperation>>
  }
  return Object.values(document.paths).flatMap((methods) => Object.values(methods))
}

const hasExample = (content: Content | undefined) =>
  content !== undefined &&
  Object.values(content).some(
    (media) => media.example !== undefined || media.examples !== undefined || (media.schema?.examples?.length ?? 0) > 0,
  )

/**
 * The operations without an example for their request body or their first success answer (`<operationId> body`,
 * `<operationId> <status>`); 204 answers and the operation ids in `withoutSuccessExample` (binary answers) are exempt.
 */
export function operationsWithoutExamples(
  operations: readonly OpenApiOperation[],
  withoutSuccessExample: ReadonlySet<string> = new Set(),
): string[] {
  const missing: string[] = []
  for (const operation of operations) {
    if (operation.requestBody && !hasExample(operation.requestBody.content)) missing.push(`${operation.operationId} body`)
    const [status, success] = Object.entries(operation.responses).find(([code]) => code.startsWith('2')) ?? []
    if (status !== '204' && !withoutSuccessExample.has(operation.operationId ?? '') && !hasExample(success?.content)) {
      missing.push(`${operation.operationId} ${status}`)
    }
  }
  return missing
}

/** The operations without an operation id of the service (`<service>.`), a tag or a summary, and repeated ids. */
export function undocumentedOperations(operations: readonly OpenApiOperation[], service: string): string[] {
  const problems: string[] = []
  const seen = new Set<string>()
  for (const operation of operations) {
    const id = operation.operationId ?? '(no operationId)'
    if (!id.startsWith(`${service}.`)) problems.push(`${id}: operationId outside ${service}.`)
    if ((operation.tags?.length ?? 0) === 0) problems.push(`${id}: no tag`)
    if (!operation.summary) problems.push(`${id}: no summary`)
    if (seen.has(id)) problems.push(`${id}: repeated`)
    seen.add(id)
  }
  return problems
}
