import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { readValidatedInvoice } from '../../src/model/fast-read.js'
import { parseInvoice, readInvoice } from '../../src/model/index.js'
import { validateInvoiceFormat } from '../../src/validation/validate.js'
import { generateMutants } from '../schemas/mutator.js'
import { reference, referenceFiles } from '../support/reference.js'

const samples = referenceFiles('fatturapa/samples').filter((file) => /_FP[AR]\d+\.xml$/.test(file))

describe('readValidatedInvoice', () => {
  it.each(samples.map((file) => [basename(file), file]))('reads %s exactly as parseInvoice does', (_name, file) => {
    const bytes = readFileSync(file)
    expect(readValidatedInvoice(bytes)).toEqual(parseInvoice(bytes))
  })

  it('decodes entities and character references once, keeps whitespace and CDATA text', () => {
    const sample = readFileSync(reference('fatturapa', 'samples', 'IT01234567890_FPR02.xml'), 'utf8')
    const tricky = sample.replace(
      /<Descrizione>[^<]*<\/Descrizione>/,
      '<Descrizione>  A &amp;#13; &lt;b&gt; &#xE8; <![CDATA[<c>]]> </Descrizione>',
    )
    const fast = readValidatedInvoice(Buffer.from(tricky))
    expect(fast).toEqual(parseInvoice(Buffer.from(tricky)))
    expect(fast.FatturaElettronicaBody[0]?.DatiBeniServizi.DettaglioLinee[0]?.Descrizione).toBe('  A &#13; <b> è <c> ')
  })
})

describe('readValidatedInvoice on schema-valid mutants', () => {
  it('reads every mutant that passes the schema exactly as the full parser does', () => {
    const seeds: Record<string, string> = {}
    for (const file of samples) seeds[basename(file, '.xml')] = readFileSync(file, 'utf8')
    seeds['all-elements'] = readFileSync(new URL('../schemas/fixtures/all-elements.xml', import.meta.url), 'utf8')
    let compared = 0
    for (const mutant of generateMutants({ seed: 4242, seeds }, 1500)) {
      const bytes = Buffer.from(mutant.xml)
      if (!validateInvoiceFormat(bytes).valid) continue
      compared++
      expect({ id: mutant.id, invoice: readValidatedInvoice(bytes) }).toEqual({
        id: mutant.id,
        invoice: readInvoice(bytes, { mode: 'lenient' }).invoice,
      })
    }
    console.log(`fast reader: ${compared} schema-valid mutants read identically`)
    expect(compared).toBeGreaterThan(200)
  })
})
