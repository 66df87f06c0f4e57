#!/usr/bin/env node
// Every locked package must declare support for both runtimes we ship on: the machines' Node 20
// and the Docker images' Node 24. Reads pnpm-lock.yaml, so it checks what CI installs, not
// whatever happens to be left in node_modules.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const semver = require(
  require.resolve('semver', { paths: [fileURLToPath(new URL('../../node_modules/.pnpm/node_modules', import.meta.url))] }),
)
const runtimes = ['20.19.0', '24.0.0']
const lock = readFileSync(new URL('../../pnpm-lock.yaml', import.meta.url), 'utf8')
const failures = []
let current = null
let inPackages = false
for (const line of lock.split('\n')) {
  if (/^packages:/.test(line)) inPackages = true
  else if (/^\S/.test(line)) inPackages = false
  if (!inPackages) continue
  const pkg = line.match(/^ {2}'?([^' ]+?)'?:$/)
  if (pkg) current = pkg[1]
  const engines = line.match(/^ {4}engines: \{.*node: '?([^',}]+)'?/)
  if (engines && current) {
    for (const runtime of runtimes) {
      if (!semver.satisfies(runtime, engines[1])) failures.push(`${current} requires node ${engines[1]}, not ${runtime}`)
    }
  }
}
if (failures.length > 0) {
  console.error(`Dependencies that do not support our runtimes:\n${failures.join('\n')}`)
  process.exit(1)
}
console.log(`engines: every locked package supports Node ${runtimes.join(' and ')}`)
