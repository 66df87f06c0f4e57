import type { EntityManager } from '@mikro-orm/knex'

/**
 * The counters behind the progressivo of file names, one per transmitter (IdPaese + IdCodice): `last_counter` is
 * the last one used. Each write is one atomic INSERT … ON CONFLICT … RETURNING (PostgreSQL and SQLite), so
 * concurrent transmissions never share a name and a raise never lowers a counter another request just took.
 */
async function counterOf(em: EntityManager, sql: string, bindings: unknown[]): Promise<number | undefined> {
  const rows = await em.getConnection().execute<{ last_counter: number | string }[]>(sql, bindings, 'all', em.getTransactionContext())
  return rows.length === 0 ? undefined : Number(rows[0]?.last_counter)
}

async function returningCounter(em: EntityManager, sql: string, bindings: unknown[]): Promise<number> {
  const counter = await counterOf(em, sql, bindings)
  if (counter === undefined || !Number.isSafeInteger(counter)) throw new Error(`no progressivo counter returned for ${String(bindings[0])}`)
  return counter
}

/**
 * The next counter of a transmitter, in the caller's transaction: a rolled-back transmission gives its number back
 * instead of leaving a gap (SDI would not mind one anyway).
 */
export function nextCounter(em: EntityManager, transmitter: string): Promise<number> {
  return returningCounter(
    em,
    'insert into transmitter_progressivo (transmitter, last_counter) values (?, 1) on conflict (transmitter) do update set last_counter = transmitter_progressivo.last_counter + 1 returning last_counter',
    [transmitter],
  )
}

/** Makes `lastUsed` the last counter used unless a later one already is; returns the last counter used now. */
export function raiseCounter(em: EntityManager, transmitter: string, lastUsed: number): Promise<number> {
  return returningCounter(
    em,
    'insert into transmitter_progressivo (transmitter, last_counter) values (?, ?) on conflict (transmitter) do update set last_counter = case when excluded.last_counter > transmitter_progressivo.last_counter then excluded.last_counter else transmitter_progressivo.last_counter end returning last_counter',
    [transmitter, lastUsed],
  )
}

/** The last counter a transmitter used on this platform, 0 for none. */
export async function lastCounter(em: EntityManager, transmitter: string): Promise<number> {
  return (await counterOf(em, 'select last_counter from transmitter_progressivo where transmitter = ?', [transmitter])) ?? 0
}
