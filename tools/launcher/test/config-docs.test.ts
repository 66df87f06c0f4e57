import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { readmeSection, renderConfigTable } from '../src/config-docs.js'

describe('README configuration table', () => {
  it('matches the config schemas (run `pnpm docs:config` after changing one)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
    expect(readmeSection(readme)).toBe(renderConfigTable())
  })
})
