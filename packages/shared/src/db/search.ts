import { raw } from '@mikro-orm/core'

/** `%`, `_` and the escape character itself, typed by a user, are searched literally. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`)
}

/**
 * A filter key matching rows whose column contains `text`, ignoring case, on PostgreSQL and SQLite alike:
 * `$ilike` exists only on the former, and SQLite's LIKE has no escape character unless ESCAPE names one.
 * Use as `{ [containsIgnoringCase('denominazione', q)]: [] }`; the column is a trusted identifier, the text a parameter.
 */
export function containsIgnoringCase(column: string, text: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(column)) throw new Error(`not a column name: ${column}`)
  const pattern = `%${escapeLike(text.trim().toLowerCase())}%`
  return raw((alias: string) => `lower(${alias}.${column}) like ? escape '\\'`, [pattern]) as unknown as string
}
