/**
 * True when the document declares a DOCTYPE. FatturaPA files never carry one, and a DTD is the vehicle of every
 * entity attack (billion laughs, external entities), so it is refused before any parsing. Only the prolog is
 * scanned: the same characters inside a comment, a CDATA section or text after the root start are harmless.
 */
export function hasDoctype(text: string): boolean {
  let at = 0
  for (;;) {
    while (at < text.length && /\s/.test(text.charAt(at))) at++
    if (text.startsWith('<?', at)) at = skipPast(text, at, '?>')
    else if (text.startsWith('<!--', at)) at = skipPast(text, at, '-->')
    else return text.startsWith('<!DOCTYPE', at)
    if (at < 0) return false
  }
}

function skipPast(text: string, from: number, terminator: string): number {
  const end = text.indexOf(terminator, from + 2)
  return end < 0 ? -1 : end + terminator.length
}
