import type { FatturaElettronica } from '../model/index.js'
import type { SdiIssue } from '../validation/issues.js'
import { checkImponibile, checkImposta, checkPrezzoTotale } from './amounts.js'
import { type BodyContext, bodyContexts, type ContentCheckOptions, type FileContext } from './context.js'
import { checkDates } from './dates.js'
import { checkDocument } from './document.js'
import { collector } from './issues.js'
import { checkNatura } from './natura.js'
import { checkDocumentTypeParties, checkParties } from './parties.js'
import { checkRates } from './rates.js'
import { checkRiepilogoCoverage } from './riepilogo.js'
import { checkSconti } from './sconti.js'
import { checkTransmission } from './transmission.js'

export { type CheckCode, type CheckSource, type ContentCheckCode, checkCodes } from './codes.js'
export type { ContentCheckOptions } from './context.js'
export { runIdentifierChecks } from './identifiers.js'
export { runSimplifiedChecks } from './semplificata.js'

const fileChecks: ((ctx: FileContext) => void)[] = [checkTransmission, checkParties]

const bodyChecks: ((ctx: BodyContext) => void)[] = [
  checkDocumentTypeParties,
  checkDates,
  checkDocument,
  checkSconti,
  checkNatura,
  checkRates,
  checkRiepilogoCoverage,
  checkPrezzoTotale,
  checkImponibile,
  checkImposta,
]

/**
 * The content checks SDI applies to a schema-valid FatturaPA (category C of Appendice 1): the header once, then
 * every invoice of the lot. Returns every issue found, in document order within each family; an empty array means
 * SDI would not refuse the file on content grounds (registry and uniqueness checks aside).
 */
export function runContentChecks(invoice: FatturaElettronica, options: ContentCheckOptions = {}): SdiIssue[] {
  const { issues, add } = collector()
  const file: FileContext = { invoice, header: invoice.FatturaElettronicaHeader, options, add }
  for (const check of fileChecks) check(file)
  for (const body of bodyContexts(file)) for (const check of bodyChecks) check(body)
  return issues
}
