import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * Absolute path inside ../shared/reference (official schemas, samples and specs). Tests read the official
 * files from there as oracles; they are never copied into the repository.
 */
export function reference(...parts: string[]): string {
  return fileURLToPath(new URL(`../../../../../shared/reference/${parts.join('/')}`, import.meta.url))
}

export function referenceFiles(folder: string): string[] {
  return readdirSync(reference(folder))
    .sort()
    .map((name) => reference(folder, name))
}
