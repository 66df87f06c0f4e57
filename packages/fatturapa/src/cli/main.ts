import { readFile, writeFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import { readInvoice } from '../model/index.js'
import { renderInvoiceHtml, renderInvoicePdf } from '../render/index.js'
import { isP7m, signCades, unwrapP7m, verifyCades, verifyXades } from '../signature/index.js'
import { validateInvoice } from '../validation/pipeline.js'
import { expandInputs } from './files.js'

export interface Streams {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
}

const usage = `Usage:
  fatturapa validate [--schema-only] [--check-name] <file|dir>...
      one JSON object per file: {"file","valid","format","errors":[{"code","message","path","line"}],"warnings":[…]}
      (errors carry SDI codes; warnings carry our own FPH codes, e.g. a partita IVA with a wrong check digit)
      (.xml and signed .xml.p7m; folders are walked; --check-name applies the SDI file-name rule 00001)
  fatturapa render <file> --html <out.html> | --pdf <out.pdf>
      a readable rendering of every invoice in the file (a .p7m is unwrapped first)
  fatturapa unwrap <file.p7m> [--out <file.xml>]
      the invoice inside a CAdES .p7m (DER, Base64 or PEM), to --out or standard output
  fatturapa sign <file.xml> --cert <cert.pem> --key <key.pem> --out <file.xml.p7m>
      an enveloping CAdES-BES signature (signingCertificateV2, SHA-256)
  fatturapa verify <file.xml.p7m|file.xml>
      verifies a CAdES (.p7m) or XAdES (enveloped) signature; prints a JSON result

Exit status: 0 success (valid), 1 invalid input, 2 usage or I/O error.`

export async function main(argv: string[], streams: Streams): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'validate':
        return await validateCommand(rest, streams)
      case 'render':
        return await renderCommand(rest, streams)
      case 'unwrap':
        return await unwrapCommand(rest, streams)
      case 'sign':
        return await signCommand(rest, streams)
      case 'verify':
        return await verifyCommand(rest, streams)
      case 'help':
      case '--help':
      case '-h':
        streams.stdout.write(`${usage}\n`)
        return 0
      default:
        streams.stderr.write(`${command ? `Unknown command: ${command}\n` : ''}${usage}\n`)
        return 2
    }
  } catch (error) {
    streams.stderr.write(`fatturapa: ${(error as Error).message}\n`)
    return 2
  }
}

async function validateCommand(args: string[], { stdout }: Streams): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { 'schema-only': { type: 'boolean', default: false }, 'check-name': { type: 'boolean', default: false } },
    allowPositionals: true,
  })
  if (positionals.length === 0) throw new Error('validate needs at least one file or folder')
  let allValid = true
  for (const file of await expandInputs(positionals)) {
    const result = await validateInvoice(await readFile(file), {
      schemaOnly: values['schema-only'],
      ...(values['check-name'] ? { fileName: basename(file) } : {}),
    })
    allValid &&= result.valid
    const warnings = result.warnings.length > 0 ? { warnings: result.warnings } : {}
    stdout.write(
      `${JSON.stringify({ file, valid: result.valid, ...(result.format ? { format: result.format } : {}), errors: result.issues, ...warnings })}\n`,
    )
  }
  return allValid ? 0 : 1
}

async function invoiceXml(file: string): Promise<Uint8Array> {
  const bytes = await readFile(file)
  return isP7m(bytes) ? unwrapP7m(bytes).content : bytes
}

async function renderCommand(args: string[], { stderr }: Streams): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { html: { type: 'string' }, pdf: { type: 'string' } },
    allowPositionals: true,
  })
  const [file] = positionals
  if (!file || (!values.html && !values.pdf)) throw new Error('render needs a file and --html <out> or --pdf <out>')
  const { invoice, issues } = readInvoice(await invoiceXml(file), { mode: 'lenient' })
  if (issues.length > 0)
    stderr.write(`fatturapa: ${file} does not conform to the schema (${issues.length} issues); rendering what could be read\n`)
  if (values.html) await writeFile(values.html, renderInvoiceHtml(invoice))
  if (values.pdf) await writeFile(values.pdf, await renderInvoicePdf(invoice))
  return 0
}

async function unwrapCommand(args: string[], { stdout }: Streams): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { out: { type: 'string' } }, allowPositionals: true })
  const [file] = positionals
  if (!file) throw new Error('unwrap needs a .p7m file')
  const { content } = unwrapP7m(await readFile(file))
  if (values.out) await writeFile(values.out, content)
  else stdout.write(content)
  return 0
}

async function signCommand(args: string[], _streams: Streams): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { cert: { type: 'string' }, key: { type: 'string' }, out: { type: 'string' } },
    allowPositionals: true,
  })
  const [file] = positionals
  if (!file || !values.cert || !values.key || !values.out) throw new Error('sign needs <file> --cert <pem> --key <pem> --out <file.p7m>')
  const signed = await signCades(await readFile(file), { certificate: await readFile(values.cert), privateKey: await readFile(values.key) })
  await writeFile(values.out, signed)
  return 0
}

async function verifyCommand(args: string[], { stdout }: Streams): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true })
  const [file] = positionals
  if (!file) throw new Error('verify needs a file')
  const bytes = await readFile(file)
  const result = isP7m(bytes) ? await verifyCades(bytes) : await verifyXades(bytes)
  const { content: _content, signer, ...summary } = result
  const { certificate: _certificate, ...identity } = signer ?? {}
  stdout.write(`${JSON.stringify({ file, ...summary, ...(signer ? { signer: identity } : {}) })}\n`)
  return result.valid ? 0 : 1
}
