import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** Expands the command line operands: files as given, folders to the invoice files inside them (recursively). */
export async function expandInputs(inputs: string[]): Promise<string[]> {
  const files: string[] = []
  for (const input of inputs) {
    const info = await stat(input)
    if (!info.isDirectory()) {
      files.push(input)
      continue
    }
    const entries = await readdir(input, { withFileTypes: true })
    const nested = entries
      .filter((entry) => entry.isDirectory() || /\.(xml|p7m)$/i.test(entry.name))
      .map((entry) => join(input, entry.name))
      .sort()
    files.push(...(await expandInputs(nested)))
  }
  return files
}
