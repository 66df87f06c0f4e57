import { SchemaMigration, usesPostgres } from '@fatturapa-hub/shared'
import type { Knex } from '@mikro-orm/knex'
import { importoCents } from './amounts.js'

/**
 * The Pannello Fattura Elettronica Attiva: the invoice's preservation state and its amount in integer cents, and the
 * indexes that keep every filter of the panel fast at a million invoices. Every index is led by studio_id (the panel
 * is always studio-scoped) and, where a filter is not selective on its own, followed by the sort column. On
 * PostgreSQL the recipient-name search ("contains", ignoring case) also gets a pg_trgm GIN index, when the
 * extension can be created; SQLite (embedded mode) has neither and does not need them.
 */
export class Migration20261218100000Panel extends SchemaMigration {
  override async up(): Promise<void> {
    const postgres = usesPostgres(this.config)
    // Executed in order inside the migration's transaction: the backfill reads the new column.
    await this.run((schema) =>
      schema.alterTable('invoice', (table) => {
        table.string('preservation_state', 30).notNullable().defaultTo('DA_VERIFICARE')
        table.bigInteger('importo_totale_cents').nullable()
      }),
    )
    if (postgres) {
      // numeric is exact decimal arithmetic, and rounds half away from zero as decimal.js ROUND_HALF_UP does.
      await this.execute(
        'update invoice set importo_totale_cents = round(importo_totale::numeric * 100)::bigint where importo_totale is not null',
      )
    } else {
      const rows = await this.execute('select id, importo_totale from invoice where importo_totale is not null')
      for (const row of rows as Array<{ id: string; importo_totale: string }>) {
        await this.execute('update invoice set importo_totale_cents = ? where id = ?', [importoCents(row.importo_totale), row.id])
      }
    }
    await this.run((schema) =>
      schema.alterTable('invoice', (table) => {
        if (!postgres) {
          table.index(['studio_id', 'transmitted_at', 'id'], 'invoice_panel_sent_index')
          table.index(['studio_id', 'cedente_partita_iva', 'transmitted_at', 'id'], 'invoice_panel_cedente_sent_index')
        }
        // Order by document date, and the invoice-year filter (a range on data_documento).
        table.index(['studio_id', 'data_documento', 'id'], 'invoice_panel_data_documento_index')
        table.index(['studio_id', 'state', 'transmitted_at', 'id'], 'invoice_panel_state_sent_index')
        table.index(['studio_id', 'preservation_state', 'transmitted_at', 'id'], 'invoice_panel_preservation_sent_index')
        table.index(['studio_id', 'client_id', 'transmitted_at', 'id'], 'invoice_panel_client_sent_index')
        table.index(['studio_id', 'identificativo_sdi'], 'invoice_panel_identificativo_sdi_index')
        table.index(['studio_id', 'numero'], 'invoice_panel_numero_index')
        table.index(['studio_id', 'destinatario_codice_fiscale'], 'invoice_panel_destinatario_cf_index')
        table.index(['studio_id', 'destinatario_partita_iva'], 'invoice_panel_destinatario_piva_index')
        table.index(['studio_id', 'importo_totale_cents'], 'invoice_panel_importo_index')
      }),
    )
    if (postgres) {
      // Default order (newest sending first: a backward scan) and the sending-date range. The included columns let
      // the other filters (invoice year, states, amount, recipient name) be checked on the index alone, so a walk in
      // sending order, a deep page or a count reads no table rows.
      await this.execute(
        'create index invoice_panel_sent_index on invoice (studio_id, transmitted_at, id) include (data_documento, state, preservation_state, importo_totale_cents, destinatario_denominazione)',
      )
      await this.execute(
        'create index invoice_panel_cedente_sent_index on invoice (studio_id, cedente_partita_iva, transmitted_at, id) include (data_documento, state)',
      )
      await this.trigramIndex()
    }
  }

  /**
   * pg_trgm and btree_gin are trusted extensions (PostgreSQL 13+): a database owner can create them without being
   * superuser. pg_trgm may already exist in another service's schema (one per database), so its operator class is
   * qualified with the schema it lives in (btree_gin's uuid class is the type's default, found in any schema). Where
   * pg_trgm cannot be created, the search still works, by scanning the studio's rows.
   */
  private async trigramIndex(): Promise<void> {
    for (const name of ['pg_trgm', 'btree_gin']) {
      await this.execute(`do $$ begin
  if not exists (select 1 from pg_extension where extname = '${name}') then create extension ${name}; end if;
exception when others then raise notice '${name} unavailable: %', sqlerrm;
end $$`)
    }
    const extensions = (await this.execute(
      "select e.extname as name, n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname in ('pg_trgm', 'btree_gin')",
    )) as Array<{ name: string; schema: string }>
    const trigram = extensions.find((extension) => extension.name === 'pg_trgm')
    if (!trigram) return
    const schema = trigram.schema.replace(/"/g, '""')
    // With btree_gin (trusted too) the index also holds the studio: otherwise the planner may intersect the name's
    // matches with half a million entries of a studio index to keep one studio's rows.
    const studio = extensions.some((extension) => extension.name === 'btree_gin') ? 'studio_id, ' : ''
    await this.execute(
      `create index invoice_panel_destinatario_trgm_index on invoice using gin (${studio}lower(destinatario_denominazione) "${schema}".gin_trgm_ops)`,
    )
  }

  private async run(build: (schema: Knex.SchemaBuilder) => Knex.SchemaBuilder): Promise<void> {
    const knex = this.getKnex()
    for (const statement of build(knex.schema).toSQL()) {
      await this.execute(knex.raw(statement.sql, statement.bindings ?? []))
    }
  }
}
