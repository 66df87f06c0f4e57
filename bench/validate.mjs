// Full validation throughput of @fatturapa-hub/fatturapa against `xmllint --noout --nonet --schema` (with
// the official XSD as reference) on the same files, in the same run, one core each. Then the peak RSS of
// validating a ~5 MB invoice in a fresh process.
// Usage: pnpm bench:validate [copies=600]
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const reference = join(root, '..', 'shared', 'reference', 'fatturapa')
const officialSchema = join(reference, 'xsd', 'Schema_VFPR12_v1.2.3.xsd')
const copies = Number(process.argv[2] ?? 600)

if (process.argv[2] === '--rss-child') {
  const { validateInvoice } = await import('@fatturapa-hub/fatturapa/validation')
  const result = await validateInvoice(readFileSync(process.argv[3]))
  process.stdout.write(JSON.stringify({ valid: result.valid, issues: result.issues.length, maxRssKb: process.resourceUsage().maxRSS }))
  process.exit(0)
}

const { validateInvoice } = await import('@fatturapa-hub/fatturapa/validation')
const samples = readdirSync(join(reference, 'samples')).filter((name) => /_FP[AR]\d+\.xml$/.test(name))
const directory = mkdtempSync(join(tmpdir(), 'fph-bench-validate-'))
const files = []
for (let copy = 0; copy < copies; copy++) {
  for (const sample of samples) {
    const file = join(directory, `${copy}_${sample}`)
    writeFileSync(file, readFileSync(join(reference, 'samples', sample)))
    files.push(file)
  }
}

// Warm-up: schema compilation happens once per process for both tools.
await validateInvoice(readFileSync(files[0]))
const rounds = 5
const oursTimes = []
const xmllintTimes = []
let valid = 0
let xmllintValid = 0
// Alternating rounds, medians: the two tools see the same machine conditions.
for (let round = 0; round < rounds; round++) {
  let started = process.hrtime.bigint()
  valid = 0
  for (const file of files) if ((await validateInvoice(readFileSync(file))).valid) valid++
  oursTimes.push(Number(process.hrtime.bigint() - started) / 1e9)
  started = process.hrtime.bigint()
  const xmllint = spawnSync('xmllint', ['--noout', '--nonet', '--schema', officialSchema, ...files], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  xmllintTimes.push(Number(process.hrtime.bigint() - started) / 1e9)
  xmllintValid = (xmllint.stderr.match(/ validates$/gm) ?? []).length
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const oursSeconds = median(oursTimes)
const xmllintSeconds = median(xmllintTimes)

// A ~5 MB invoice: the first sample with its first line repeated up to the 4-digit NumeroLinea limit.
const template = readFileSync(join(reference, 'samples', samples[0]), 'utf8')
const line = template.match(/<DettaglioLinee>[\s\S]*?<\/DettaglioLinee>/)[0]
const lines = []
for (let n = 1; n <= 9999; n++)
  lines.push(
    line
      .replace(/<NumeroLinea>\d+<\/NumeroLinea>/, `<NumeroLinea>${n}</NumeroLinea>`)
      .replace('</Descrizione>', `${' x'.repeat(92)}</Descrizione>`),
  )
const big = template.replace(/(<DettaglioLinee>[\s\S]*<\/DettaglioLinee>)/, lines.join(''))
const bigFile = join(directory, 'big.xml')
writeFileSync(bigFile, big)
const child = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--rss-child', bigFile], { encoding: 'utf8' }))
rmSync(directory, { recursive: true, force: true })

const oursPerSecond = files.length / oursSeconds
const xmllintPerSecond = files.length / xmllintSeconds
console.log(`files: ${files.length} (${samples.length} official samples x ${copies}); valid: ours ${valid}, xmllint ${xmllintValid}`)
console.log(
  `ours:    median ${oursSeconds.toFixed(2)} s of ${rounds} rounds, ${oursPerSecond.toFixed(0)} docs/s (schema + content checks, one core)`,
)
console.log(
  `xmllint: median ${xmllintSeconds.toFixed(2)} s of ${rounds} rounds, ${xmllintPerSecond.toFixed(0)} docs/s (schema only, one process)`,
)
console.log(
  `5 MB invoice (${(big.length / 1048576).toFixed(2)} MiB, ${child.issues} issues): peak RSS ${(child.maxRssKb / 1024).toFixed(0)} MB (target < 150 MB)`,
)
console.log(
  `ratio=${(oursPerSecond / xmllintPerSecond).toFixed(2)} ours_per_s=${oursPerSecond.toFixed(0)} xmllint_per_s=${xmllintPerSecond.toFixed(0)}`,
)
