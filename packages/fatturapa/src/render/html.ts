import type { FatturaElettronica } from '../model/index.js'
import { type InvoiceView, invoiceView, type TableView } from './view.js'

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => escapes[character] as string)
}

function facts(pairs: Array<[string, string]>): string {
  return `<dl>${pairs.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`).join('')}</dl>`
}

function table(caption: string, view: TableView): string {
  if (view.rows.length === 0) return ''
  const cell = (tag: 'th' | 'td', text: string, index: number) =>
    `<${tag}${view.numeric.includes(index) ? ' class="num"' : ''}>${escapeHtml(text)}</${tag}>`
  return [
    `<table><caption>${escapeHtml(caption)}</caption>`,
    `<thead><tr>${view.columns.map((column, index) => cell('th', column, index)).join('')}</tr></thead>`,
    `<tbody>${view.rows.map((row) => `<tr>${row.map((text, index) => cell('td', text, index)).join('')}</tr>`).join('')}</tbody>`,
    '</table>',
  ].join('')
}

const style = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1a1a;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}
h1{font-size:1.4rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #1a1a1a}
.parties{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
.party{border:1px solid #ccc;border-radius:4px;padding:.75rem}.party h3{font-size:.8rem;text-transform:uppercase;color:#555;margin:0}
.party p{margin:.25rem 0}.party .name{font-weight:600;font-size:1.05rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem}dt{color:#555}dd{margin:0}
table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.9rem}caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border-bottom:1px solid #ddd;padding:.3rem .4rem;text-align:left;vertical-align:top}th{background:#f3f3f3}.num{text-align:right;white-space:nowrap}
.totals dd{font-weight:600}`

/** A self-contained HTML page (no scripts, no external resources) showing every body of the file. */
export function renderInvoiceHtml(invoice: FatturaElettronica): string {
  return renderViewHtml(invoiceView(invoice))
}

export function renderViewHtml(view: InvoiceView): string {
  const parties = view.parties
    .map(
      (party) =>
        `<section class="party"><h3>${escapeHtml(party.role)}</h3><p class="name">${escapeHtml(party.name)}</p>${party.details
          .map((detail) => `<p>${escapeHtml(detail)}</p>`)
          .join('')}</section>`,
    )
    .join('')
  const documents = view.documents
    .map((document) =>
      [
        `<section class="document"><h2>${escapeHtml(document.title)}</h2>`,
        facts(document.facts),
        document.causale.length > 0 ? `<p><strong>Causale:</strong> ${escapeHtml(document.causale.join(' '))}</p>` : '',
        table('Dettaglio linee', document.lines),
        table('Riepilogo IVA', document.summary),
        `<div class="totals">${facts(document.totals)}</div>`,
        table('Pagamento', document.payments),
        table('Allegati', document.attachments),
        '</section>',
      ].join(''),
    )
    .join('')
  return `<!DOCTYPE html><html lang="it"><head><meta charset="utf-8"><title>${escapeHtml(view.documents[0]?.title ?? view.heading)}</title><style>${style}</style></head><body><h1>${escapeHtml(view.heading)}</h1>${facts(view.transmission)}<div class="parties">${parties}</div>${documents}</body></html>`
}
