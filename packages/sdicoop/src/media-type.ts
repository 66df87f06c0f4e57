export interface MediaType {
  /** `type/subtype`, lower case. */
  type: string
  /** Parameter names in lower case; quoted values unquoted. */
  params: Record<string, string>
}

/** Parses a Content-Type value (RFC 9110 media type with parameters, quoted strings and escapes). */
export function parseMediaType(value: string): MediaType {
  const params: Record<string, string> = {}
  let at = value.indexOf(';')
  const type = (at < 0 ? value : value.slice(0, at)).trim().toLowerCase()
  while (at >= 0 && at < value.length) {
    at++
    const equals = value.indexOf('=', at)
    const semicolon = value.indexOf(';', at)
    if (equals < 0 || (semicolon >= 0 && semicolon < equals)) {
      at = semicolon
      continue
    }
    const name = value.slice(at, equals).trim().toLowerCase()
    at = equals + 1
    while (value[at] === ' ' || value[at] === '\t') at++
    let parameter = ''
    if (value[at] === '"') {
      at++
      while (at < value.length && value[at] !== '"') {
        if (value[at] === '\\' && at + 1 < value.length) at++
        parameter += value[at]
        at++
      }
      at = value.indexOf(';', at)
    } else {
      const end = value.indexOf(';', at)
      parameter = (end < 0 ? value.slice(at) : value.slice(at, end)).trim()
      at = end
    }
    if (name !== '' && !(name in params)) params[name] = parameter
  }
  return { type, params }
}
