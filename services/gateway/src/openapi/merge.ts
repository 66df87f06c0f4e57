import { AppError } from '@fatturapa-hub/shared'

type Json = Record<string, unknown>

export interface ServiceDocument {
  name: string
  document: Json
}

/**
 * Composes the gateway's document with each service's: paths gain the `/api/<service>` prefix the
 * gateway routes by, component names gain the service prefix (and every $ref follows), and any
 * collision fails loudly instead of silently shadowing an endpoint.
 */
export function mergeOpenApi(gateway: Json, services: ServiceDocument[]): Json {
  const paths: Json = { ...(gateway.paths as Json | undefined) }
  const schemas: Json = { ...((gateway.components as Json | undefined)?.schemas as Json | undefined) }
  const tags = new Map<string, Json>()
  for (const tag of (gateway.tags as Json[] | undefined) ?? []) tags.set(tag.name as string, tag)

  for (const { name, document } of services) {
    const prefix = componentPrefix(name)
    const renamed = rewriteRefs(document, prefix) as Json
    for (const [path, item] of Object.entries((renamed.paths as Json | undefined) ?? {})) {
      const full = `/api/${name}${path}`
      if (full in paths) throw new AppError('GATEWAY_PATH_COLLISION', 500, `Path ${full} is declared twice.`)
      paths[full] = item
    }
    for (const [schemaName, schema] of Object.entries(((renamed.components as Json | undefined)?.schemas as Json | undefined) ?? {})) {
      const full = `${prefix}${schemaName}`
      if (full in schemas) throw new AppError('GATEWAY_SCHEMA_COLLISION', 500, `Schema ${full} is declared twice.`)
      schemas[full] = schema
    }
    for (const tag of (renamed.tags as Json[] | undefined) ?? []) {
      if (!tags.has(tag.name as string)) tags.set(tag.name as string, tag)
    }
  }
  return {
    ...gateway,
    tags: [...tags.values()],
    paths,
    components: { ...(gateway.components as Json | undefined), schemas },
  }
}

function componentPrefix(service: string): string {
  return service
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')
}

function rewriteRefs(value: unknown, prefix: string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, prefix))
  if (value === null || typeof value !== 'object') return value
  const out: Json = {}
  for (const [key, item] of Object.entries(value as Json)) {
    out[key] =
      key === '$ref' && typeof item === 'string' && item.startsWith('#/components/schemas/')
        ? `#/components/schemas/${prefix}${item.slice('#/components/schemas/'.length)}`
        : rewriteRefs(item, prefix)
  }
  return out
}
