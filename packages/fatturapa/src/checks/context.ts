import type { FatturaElettronica } from '../model/index.js'
import type { IssueSink } from './issues.js'

export type Header = FatturaElettronica['FatturaElettronicaHeader']
export type Body = FatturaElettronica['FatturaElettronicaBody'][number]
export type Linea = Body['DatiBeniServizi']['DettaglioLinee'][number]
export type Riepilogo = Body['DatiBeniServizi']['DatiRiepilogo'][number]
export type Cassa = NonNullable<Body['DatiGenerali']['DatiGeneraliDocumento']['DatiCassaPrevidenziale']>[number]

export interface ContentCheckOptions {
  /** When SDI received the file; enables 00403 (invoice date later than reception) and dates 00445. */
  receivedAt?: Date
}

/** What a check of one file needs: the invoice, the options and where to report. */
export interface FileContext {
  invoice: FatturaElettronica
  header: Header
  options: ContentCheckOptions
  add: IssueSink
}

/** One invoice of the file (a lot has several), with its XPath-like location for the issues. */
export interface BodyContext extends FileContext {
  body: Body
  /** `/FatturaElettronicaBody[n]`, 1-based as in XPath. */
  path: string
  tipoDocumento: Body['DatiGenerali']['DatiGeneraliDocumento']['TipoDocumento']
}

export const headerPath = '/FatturaElettronicaHeader'
export const documentPath = 'DatiGenerali/DatiGeneraliDocumento'

export function bodyContexts(file: FileContext): BodyContext[] {
  return file.invoice.FatturaElettronicaBody.map((body, index) => ({
    ...file,
    body,
    path: `/FatturaElettronicaBody[${index + 1}]`,
    tipoDocumento: body.DatiGenerali.DatiGeneraliDocumento.TipoDocumento,
  }))
}

export function lines(body: Body): Linea[] {
  return body.DatiBeniServizi.DettaglioLinee
}

export function riepiloghi(body: Body): Riepilogo[] {
  return body.DatiBeniServizi.DatiRiepilogo
}

export function casse(body: Body): Cassa[] {
  return body.DatiGenerali.DatiGeneraliDocumento.DatiCassaPrevidenziale ?? []
}

export const linePath = (ctx: BodyContext, index: number) => `${ctx.path}/DatiBeniServizi/DettaglioLinee[${index + 1}]`
export const riepilogoPath = (ctx: BodyContext, index: number) => `${ctx.path}/DatiBeniServizi/DatiRiepilogo[${index + 1}]`
export const cassaPath = (ctx: BodyContext, index: number) => `${ctx.path}/${documentPath}/DatiCassaPrevidenziale[${index + 1}]`

/** A place that carries an AliquotaIVA and maybe a Natura: a line, a DatiCassaPrevidenziale or a DatiRiepilogo. */
export interface VatEntry {
  path: string
  aliquota: string
  natura: string | undefined
  /** How messages name it, e.g. "line 3". */
  label: string
}

export function vatEntries(ctx: BodyContext): VatEntry[] {
  return [
    ...lines(ctx.body).map((linea, index) => ({
      path: linePath(ctx, index),
      aliquota: linea.AliquotaIVA,
      natura: linea.Natura,
      label: `line ${linea.NumeroLinea}`,
    })),
    ...casse(ctx.body).map((cassa, index) => ({
      path: cassaPath(ctx, index),
      aliquota: cassa.AliquotaIVA,
      natura: cassa.Natura,
      label: `DatiCassaPrevidenziale ${cassa.TipoCassa}`,
    })),
    ...riepiloghi(ctx.body).map((riepilogo, index) => ({
      path: riepilogoPath(ctx, index),
      aliquota: riepilogo.AliquotaIVA,
      natura: riepilogo.Natura,
      label: 'DatiRiepilogo',
    })),
  ]
}
