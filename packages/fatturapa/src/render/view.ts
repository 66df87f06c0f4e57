import { Decimal } from 'decimal.js'
import type { FatturaElettronica } from '../model/index.js'
import { formatAmount, formatBytes, formatDate } from './format.js'
import { condizioniPagamento, describe, esigibilitaIva, modalitaPagamento, natura, regimeFiscale, tipoDocumento } from './labels.js'

type Header = FatturaElettronica['FatturaElettronicaHeader']
type Body = FatturaElettronica['FatturaElettronicaBody'][number]

export interface PartyView {
  role: string
  name: string
  details: string[]
}

export interface TableView {
  columns: string[]
  /** Columns aligned right (amounts). */
  numeric: number[]
  rows: string[][]
}

export interface DocumentView {
  title: string
  facts: Array<[string, string]>
  causale: string[]
  lines: TableView
  summary: TableView
  totals: Array<[string, string]>
  payments: TableView
  attachments: TableView
}

/** Everything a person needs to read the invoice, in reading order; HTML and PDF both render this. */
export interface InvoiceView {
  heading: string
  transmission: Array<[string, string]>
  parties: PartyView[]
  documents: DocumentView[]
}

export function invoiceView(invoice: FatturaElettronica): InvoiceView {
  const header = invoice.FatturaElettronicaHeader
  const kind = invoice.versione === 'FPA12' ? 'Fattura verso Pubblica Amministrazione (FPA12)' : 'Fattura tra privati (FPR12)'
  return {
    heading: kind,
    transmission: transmissionFacts(header),
    parties: parties(header),
    documents: invoice.FatturaElettronicaBody.map((body, index) => documentView(body, index, invoice.FatturaElettronicaBody.length)),
  }
}

function transmissionFacts(header: Header): Array<[string, string]> {
  const data = header.DatiTrasmissione
  const facts: Array<[string, string]> = [
    ['Trasmittente', `${data.IdTrasmittente.IdPaese}${data.IdTrasmittente.IdCodice}`],
    ['Progressivo invio', data.ProgressivoInvio],
    ['Codice destinatario', data.CodiceDestinatario],
  ]
  if (data.PECDestinatario) facts.push(['PEC destinatario', data.PECDestinatario])
  return facts
}

type Anagrafica = { Denominazione?: string; Nome?: string; Cognome?: string; Titolo?: string }
type Address = { Indirizzo: string; NumeroCivico?: string; CAP: string; Comune: string; Provincia?: string; Nazione: string }

function personName(anagrafica: Anagrafica): string {
  return anagrafica.Denominazione ?? [anagrafica.Titolo, anagrafica.Nome, anagrafica.Cognome].filter(Boolean).join(' ')
}

function addressLines(address: Address): string[] {
  return [
    [address.Indirizzo, address.NumeroCivico].filter(Boolean).join(', '),
    `${address.CAP} ${address.Comune}${address.Provincia ? ` (${address.Provincia})` : ''} – ${address.Nazione}`,
  ]
}

function parties(header: Header): PartyView[] {
  const supplier = header.CedentePrestatore
  const customer = header.CessionarioCommittente
  const supplierData = supplier.DatiAnagrafici
  const customerData = customer.DatiAnagrafici
  const result: PartyView[] = [
    {
      role: 'Cedente / Prestatore (fornitore)',
      name: personName(supplierData.Anagrafica),
      details: [
        `Partita IVA ${supplierData.IdFiscaleIVA.IdPaese}${supplierData.IdFiscaleIVA.IdCodice}`,
        ...(supplierData.CodiceFiscale ? [`Codice fiscale ${supplierData.CodiceFiscale}`] : []),
        ...addressLines(supplier.Sede),
        `Regime fiscale ${describe(regimeFiscale, supplierData.RegimeFiscale)}`,
      ],
    },
    {
      role: 'Cessionario / Committente (cliente)',
      name: personName(customerData.Anagrafica),
      details: [
        ...(customerData.IdFiscaleIVA ? [`Partita IVA ${customerData.IdFiscaleIVA.IdPaese}${customerData.IdFiscaleIVA.IdCodice}`] : []),
        ...(customerData.CodiceFiscale ? [`Codice fiscale ${customerData.CodiceFiscale}`] : []),
        ...addressLines(customer.Sede),
      ],
    },
  ]
  const representative = header.RappresentanteFiscale?.DatiAnagrafici
  if (representative) {
    result.push({
      role: 'Rappresentante fiscale',
      name: personName(representative.Anagrafica),
      details: [`Partita IVA ${representative.IdFiscaleIVA.IdPaese}${representative.IdFiscaleIVA.IdCodice}`],
    })
  }
  return result
}

function documentView(body: Body, index: number, count: number): DocumentView {
  const document = body.DatiGenerali.DatiGeneraliDocumento
  const title = `${describe(tipoDocumento, document.TipoDocumento)} n. ${document.Numero} del ${formatDate(document.Data)}`
  const facts: Array<[string, string]> = [
    ['Tipo documento', describe(tipoDocumento, document.TipoDocumento)],
    ['Numero', document.Numero],
    ['Data', formatDate(document.Data)],
    ['Divisa', document.Divisa],
  ]
  if (count > 1) facts.unshift(['Documento del lotto', `${index + 1} di ${count}`])
  const summaryRows = body.DatiBeniServizi.DatiRiepilogo
  const taxable = summaryRows.reduce((sum, row) => sum.plus(row.ImponibileImporto), new Decimal(0))
  const tax = summaryRows.reduce((sum, row) => sum.plus(row.Imposta), new Decimal(0))
  const total = document.ImportoTotaleDocumento ?? taxable.plus(tax).toFixed(2)
  return {
    title,
    facts,
    causale: document.Causale ?? [],
    lines: {
      columns: ['N.', 'Descrizione', 'Quantità', 'U.M.', 'Prezzo unitario', 'Sconti', 'Importo', 'IVA'],
      numeric: [0, 2, 4, 6],
      rows: body.DatiBeniServizi.DettaglioLinee.map((line) => [
        String(line.NumeroLinea),
        line.Descrizione,
        formatAmount(line.Quantita),
        line.UnitaMisura ?? '',
        formatAmount(line.PrezzoUnitario),
        (line.ScontoMaggiorazione ?? [])
          .map(
            (discount) =>
              `${discount.Tipo === 'SC' ? '-' : '+'}${discount.Percentuale ? `${formatAmount(discount.Percentuale)}%` : formatAmount(discount.Importo)}`,
          )
          .join(' '),
        formatAmount(line.PrezzoTotale),
        line.Natura ? line.Natura : `${formatAmount(line.AliquotaIVA)}%`,
      ]),
    },
    summary: {
      columns: ['Aliquota / Natura', 'Imponibile', 'Imposta', 'Esigibilità', 'Riferimento normativo'],
      numeric: [1, 2],
      rows: summaryRows.map((row) => [
        row.Natura ? describe(natura, row.Natura) : `${formatAmount(row.AliquotaIVA)}%`,
        formatAmount(row.ImponibileImporto),
        formatAmount(row.Imposta),
        row.EsigibilitaIVA ? (esigibilitaIva[row.EsigibilitaIVA] ?? row.EsigibilitaIVA) : '',
        row.RiferimentoNormativo ?? '',
      ]),
    },
    totals: [
      ['Totale imponibile', `${formatAmount(taxable.toFixed(2))} ${document.Divisa}`],
      ['Totale IVA', `${formatAmount(tax.toFixed(2))} ${document.Divisa}`],
      ['Totale documento', `${formatAmount(total)} ${document.Divisa}`],
    ],
    payments: {
      columns: ['Condizioni', 'Modalità', 'Scadenza', 'Importo', 'IBAN / Istituto', 'Beneficiario'],
      numeric: [3],
      rows: (body.DatiPagamento ?? []).flatMap((payment) =>
        payment.DettaglioPagamento.map((detail) => [
          describe(condizioniPagamento, payment.CondizioniPagamento),
          describe(modalitaPagamento, detail.ModalitaPagamento),
          formatDate(detail.DataScadenzaPagamento),
          formatAmount(detail.ImportoPagamento),
          [detail.IBAN, detail.IstitutoFinanziario].filter(Boolean).join(' – '),
          detail.Beneficiario ?? '',
        ]),
      ),
    },
    attachments: {
      columns: ['Nome', 'Formato', 'Descrizione', 'Dimensione'],
      numeric: [3],
      rows: (body.Allegati ?? []).map((attachment) => [
        attachment.NomeAttachment,
        attachment.FormatoAttachment ?? '',
        attachment.DescrizioneAttachment ?? '',
        formatBytes(Buffer.byteLength(attachment.Attachment.replace(/\s/g, ''), 'base64')),
      ]),
    },
  }
}
