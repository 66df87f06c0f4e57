import { resolve } from 'node:path'

export type DatabaseTarget = { kind: 'postgresql'; clientUrl: string } | { kind: 'sqlite'; file: string }

export function parseDatabaseUrl(url: string, cwd = process.cwd()): DatabaseTarget {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { kind: 'postgresql', clientUrl: url }
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '')
    if (path === '') throw new Error('DATABASE_URL sqlite: needs a file path, e.g. sqlite:./data/auth.sqlite')
    return { kind: 'sqlite', file: path === ':memory:' ? path : resolve(cwd, path) }
  }
  throw new Error(`DATABASE_URL must start with postgres://, postgresql:// or sqlite: (got ${url.split(':')[0]}:…)`)
}

export function describeDatabase(target: DatabaseTarget, schema: string): string {
  if (target.kind === 'sqlite') return `sqlite ${target.file}`
  const url = new URL(target.clientUrl)
  return `postgresql ${url.hostname}:${url.port || 5432}${url.pathname} schema ${schema}`
}
