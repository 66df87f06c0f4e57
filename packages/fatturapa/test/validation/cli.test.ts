// Real: the built `fatturapa` bin in a child process, on the official samples and invalid files.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { reference } from '../support/reference.js'

const bin = fileURLToPath(new URL('../../bin/fatturapa.js', import.meta.url))
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' })

describe('fatturapa CLI', () => {
  it('validate prints one JSON object per file and exits 0 when all are valid', () => {
    const result = run(
      'validate',
      reference('fatturapa', 'samples', 'IT01234567890_FPA01.xml'),
      reference('fatturapa', 'samples', 'IT01234567890_FPR01.xml'),
    )
    expect(result.status).toBe(0)
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines).toEqual([
      { file: expect.stringMatching(/FPA01\.xml$/), valid: true, format: 'FPA12', errors: [] },
      { file: expect.stringMatching(/FPR01\.xml$/), valid: true, format: 'FPR12', errors: [] },
    ])
  })

  it('validate walks folders and exits 1 when a file is invalid', () => {
    const result = run('validate', reference('fatturapa', 'invalid'))
    expect(result.status).toBe(1)
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines.length).toBeGreaterThan(10)
    const missing = lines.find((line) => line.file.endsWith('missing_CodiceDestinatario.xml'))
    expect(missing).toMatchObject({ valid: false, errors: [expect.objectContaining({ code: '00200' })] })
  })

  it('exits 2 with usage on a bad command', () => {
    const result = run('frobnicate')
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('Usage:')
  })
})
