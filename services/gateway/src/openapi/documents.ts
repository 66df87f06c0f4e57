import type { App } from '@fatturapa-hub/shared'
import { mergeOpenApi, type ServiceDocument } from './merge.js'

export interface OpenApiSource {
  name: string
  url: string
}

/** Fetches every service's OpenAPI document and merges them with the gateway's own. */
export async function mergedDocument(app: App, sources: OpenApiSource[], timeoutMs: number): Promise<Record<string, unknown>> {
  const unavailable: string[] = []
  const documents: ServiceDocument[] = []
  await Promise.all(
    sources.map(async ({ name, url }) => {
      try {
        const response = await fetch(`${url}/openapi.json`, { signal: AbortSignal.timeout(timeoutMs) })
        if (!response.ok) throw new Error(`HTTP ${response.status}`)
        documents.push({ name, document: (await response.json()) as Record<string, unknown> })
      } catch (error) {
        app.log.warn({ service: name, err: error }, 'OpenAPI document of service unavailable')
        unavailable.push(name)
      }
    }),
  )
  documents.sort((a, b) => sources.findIndex((s) => s.name === a.name) - sources.findIndex((s) => s.name === b.name))
  const merged = mergeOpenApi(app.swagger() as unknown as Record<string, unknown>, documents)
  return unavailable.length > 0 ? { ...merged, 'x-unavailable-services': unavailable.sort() } : merged
}
