// Real: the built `fatturapa` bin in a child process, on the official samples and invalid files.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
    expect(lines).toMatchObject([
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

describe('fatturapa CLI signatures and rendering', () => {
  const directory = mkdtempSync(join(tmpdir(), 'fph-cli-'))
  const key = join(directory, 'key.pem')
  const cert = join(directory, 'cert.pem')
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', '/CN=Firmatario Test/C=IT'],
    {
      stdio: 'ignore',
    },
  )
  const invoice = reference('fatturapa', 'samples', 'IT01234567890_FPR02.xml')

  it('sign makes a .p7m that verify, openssl and unwrap accept, and validate reads through', () => {
    const signed = join(directory, 'IT01234567890_FPR02.xml.p7m')
    expect(run('sign', invoice, '--cert', cert, '--key', key, '--out', signed).status).toBe(0)
    const verified = run('verify', signed)
    expect(verified.status).toBe(0)
    expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true, signer: { subject: expect.stringContaining('Firmatario Test') } })
    execFileSync(
      'openssl',
      ['cms', '-verify', '-binary', '-inform', 'DER', '-in', signed, '-CAfile', cert, '-out', join(directory, 'openssl.xml')],
      { stdio: 'ignore' },
    )
    expect(readFileSync(join(directory, 'openssl.xml'))).toEqual(readFileSync(invoice))
    const unwrapped = run('unwrap', signed)
    expect(unwrapped.stdout).toBe(readFileSync(invoice, 'utf8'))
    const validated = JSON.parse(run('validate', signed).stdout)
    expect(validated).toMatchObject({ valid: true, format: 'FPR12' })
  })

  it('verify reports a tampered .p7m with 00102 and exit 1', () => {
    const result = run('verify', reference('fatturapa', 'p7m', 'IT02182030391_31_tampered.xml.p7m'))
    expect(result.status).toBe(1)
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: false, code: '00102' })
  })

  it('render writes HTML and a PDF whose text names the invoice', () => {
    const html = join(directory, 'invoice.html')
    const pdf = join(directory, 'invoice.pdf')
    expect(run('render', invoice, '--html', html, '--pdf', pdf).status).toBe(0)
    expect(readFileSync(html, 'utf8')).toContain('n. 123 del 18/12/2014')
    expect(execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' })).toContain('n. 123 del 18/12/2014')
  })

  it('validate --check-name applies the SDI file-name rule', () => {
    const result = run('validate', '--check-name', reference('fatturapa', 'invalid', 'missing_CodiceDestinatario.xml'))
    expect(JSON.parse(result.stdout).errors).toEqual([expect.objectContaining({ code: '00001' })])
  })
})
