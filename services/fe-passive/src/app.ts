import { type BuildServiceAppOptions, buildServiceApp } from '@fatturapa-hub/shared'
import type { Config } from './config.js'
import { service } from './service.js'

export { service }

export function buildApp(options: BuildServiceAppOptions<Config>) {
  return buildServiceApp(service, options)
}
