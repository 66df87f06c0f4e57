import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { validateInvoice } from '../validation/pipeline.js'
import { expandInputs } from './files.js'

interface Streams {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
}

const usage = `Usage:
  fatturapa validate [--schema-only] <file|dir>...   one JSON object per file: {"file","valid","format","errors":[…]}

Exit status: 0 when every file is valid, 1 when any file is invalid, 2 on a usage or I/O error.`

export async function main(argv: string[], streams: Streams): Promise<number> {
  const [command, ...rest] = argv
  try {
    if (command === 'validate') return await validateCommand(rest, streams)
    if (command === '--help' || command === '-h' || command === 'help') {
      streams.stdout.write(`${usage}\n`)
      return 0
    }
    streams.stderr.write(`${command ? `Unknown command: ${command}\n` : ''}${usage}\n`)
    return 2
  } catch (error) {
    streams.stderr.write(`fatturapa: ${(error as Error).message}\n`)
    return 2
  }
}

async function validateCommand(args: string[], { stdout }: Streams): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { 'schema-only': { type: 'boolean', default: false } },
    allowPositionals: true,
  })
  if (positionals.length === 0) throw new Error('validate needs at least one file or folder')
  void values['schema-only']
  let allValid = true
  for (const file of await expandInputs(positionals)) {
    const result = validateInvoice(await readFile(file))
    allValid &&= result.valid
    stdout.write(
      `${JSON.stringify({ file, valid: result.valid, ...(result.format ? { format: result.format } : {}), errors: result.issues })}\n`,
    )
  }
  return allValid ? 0 : 1
}
