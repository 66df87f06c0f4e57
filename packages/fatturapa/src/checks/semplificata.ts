import { XMLParser } from 'fast-xml-parser'
import type { SdiIssue } from '../validation/issues.js'
import { dec, sum } from './decimal.js'

const parser = new XMLParser({
  removeNSPrefix: true,
  parseTagValue: false,
  ignoreAttributes: true,
  isArray: (name) => name === 'FatturaElettronicaBody' || name === 'DatiBeniServizi',
})

/** Art. 21-bis DPR 633/72 as raised in 2019 (spec 1.4.2): the simplified invoice tops out at 400 euro. */
const simplifiedInvoiceLimit = dec('400')
const genericNatureRefusedFrom = '2021-01-01'

interface SimplifiedBody {
  DatiGenerali?: { DatiFatturaRettificata?: unknown }
  DatiBeniServizi?: Array<{ Importo?: string; DatiIVA?: unknown; Natura?: string }>
}

/**
 * The content checks SDI applies to a simplified invoice (FSM10) that passed its schema: 00460 (total over
 * 400 euro, unless it corrects an earlier invoice) and 00445 (generic Natura N2/N3, refused since 2021).
 */
export function runSimplifiedChecks(xml: string, options: { receivedAt?: Date } = {}): SdiIssue[] {
  const document = parser.parse(xml) as { FatturaElettronicaSemplificata?: { FatturaElettronicaBody?: SimplifiedBody[] } }
  const bodies = document.FatturaElettronicaSemplificata?.FatturaElettronicaBody ?? []
  const issues: SdiIssue[] = []
  const checkGenericNature = !options.receivedAt || options.receivedAt.toISOString().slice(0, 10) >= genericNatureRefusedFrom
  bodies.forEach((body, bodyIndex) => {
    const lines = body.DatiBeniServizi ?? []
    const total = sum(lines.map((line) => line.Importo))
    if (total.gt(simplifiedInvoiceLimit) && body.DatiGenerali?.DatiFatturaRettificata === undefined) {
      issues.push({
        code: '00460',
        message: `Total Importo ${total.toFixed(2)} exceeds the ${simplifiedInvoiceLimit.toFixed(0)} euro limit of a simplified invoice (art. 21-bis DPR 633/72)`,
        path: `/FatturaElettronicaBody[${bodyIndex + 1}]/DatiBeniServizi`,
      })
    }
    if (!checkGenericNature) return
    lines.forEach((line, lineIndex) => {
      if (line.Natura === 'N2' || line.Natura === 'N3') {
        issues.push({
          code: '00445',
          message: `Natura ${line.Natura} is no longer allowed in simplified invoices: use one of its sub-codes (${line.Natura}.1, ${line.Natura}.2, …)`,
          path: `/FatturaElettronicaBody[${bodyIndex + 1}]/DatiBeniServizi[${lineIndex + 1}]/Natura`,
        })
      }
    })
  })
  return issues
}
