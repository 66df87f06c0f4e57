import { type BodyContext, cassaPath, casse, linePath, lines, riepiloghi } from './context.js'
import { rateKey } from './decimal.js'

interface Use {
  value: string
  /** Where the value is first used, for the issue path. */
  path: string
}

/**
 * 00419, 00443, 00444: every AliquotaIVA and every Natura used by a line or a DatiCassaPrevidenziale needs its
 * DatiRiepilogo. Appendice 1 words 00419 ("DatiRiepilogo non presente") and 00443 ("non c'è corrispondenza") for
 * the same defect; 00443 came later (spec 1.6) to catch mismatches the older check let through. We report one code
 * per defect: 00419 when the summary has fewer rates than the document uses (a block is plainly missing), 00443
 * when there are enough rates but some differ.
 */
export function checkRiepilogoCoverage(ctx: BodyContext): void {
  const summary = riepiloghi(ctx.body)
  const summaryRates = new Set(summary.map((riepilogo) => rateKey(riepilogo.AliquotaIVA)))
  const summaryNature = new Set<string>(summary.flatMap((riepilogo) => (riepilogo.Natura ? [riepilogo.Natura] : [])))

  const rates = firstUses([
    ...lines(ctx.body).map((linea, index) => ({ value: rateKey(linea.AliquotaIVA), path: `${linePath(ctx, index)}/AliquotaIVA` })),
    ...casse(ctx.body).map((cassa, index) => ({ value: rateKey(cassa.AliquotaIVA), path: `${cassaPath(ctx, index)}/AliquotaIVA` })),
  ])
  const missingRates = rates.filter((use) => !summaryRates.has(use.value))
  if (summaryRates.size < rates.length) {
    ctx.add(
      '00419',
      `${ctx.path}/DatiBeniServizi/DatiRiepilogo`,
      `DatiRiepilogo covers ${summaryRates.size} AliquotaIVA but lines and DatiCassaPrevidenziale use ${rates.length}; missing: ${missingRates.map((use) => use.value).join(', ')}`,
    )
  } else {
    for (const use of missingRates) {
      ctx.add('00443', use.path, `AliquotaIVA ${use.value} has no DatiRiepilogo with the same rate (found ${[...summaryRates].join(', ')})`)
    }
  }

  const nature = firstUses([
    ...lines(ctx.body).flatMap((linea, index) => (linea.Natura ? [{ value: linea.Natura, path: `${linePath(ctx, index)}/Natura` }] : [])),
    ...casse(ctx.body).flatMap((cassa, index) => (cassa.Natura ? [{ value: cassa.Natura, path: `${cassaPath(ctx, index)}/Natura` }] : [])),
  ])
  for (const use of nature) {
    if (!summaryNature.has(use.value)) {
      const found = summaryNature.size > 0 ? [...summaryNature].join(', ') : 'none'
      ctx.add('00444', use.path, `Natura ${use.value} has no DatiRiepilogo with the same Natura (found ${found})`)
    }
  }
}

function firstUses(uses: Use[]): Use[] {
  const seen = new Map<string, Use>()
  for (const use of uses) if (!seen.has(use.value)) seen.set(use.value, use)
  return [...seen.values()]
}
