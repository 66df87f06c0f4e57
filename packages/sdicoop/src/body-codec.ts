import type { XmlElement } from 'libxml2-wasm'
import { SoapError } from './errors.js'
import type { BodyElement, BodyType } from './operations.js'
import { childElements, escapeXml } from './xml.js'

type Field =
  | { name: string; kind: 'string' | 'integer' | 'dateTime' | 'binary'; optional?: boolean }
  | { name: string; kind: 'group'; fields: readonly Field[]; optional?: boolean }

const nomeFileEFile: readonly Field[] = [
  { name: 'NomeFile', kind: 'string' },
  { name: 'File', kind: 'binary' },
]
const fileSdI: readonly Field[] = [{ name: 'IdentificativoSdI', kind: 'integer' }, ...nomeFileEFile]

/** Child sequence of every body type, in schema order. */
const layouts: Record<BodyType, readonly Field[]> = {
  fileSdIBase: nomeFileEFile,
  fileSdI,
  fileSdIConMetadati: [...fileSdI, { name: 'NomeFileMetadati', kind: 'string' }, { name: 'Metadati', kind: 'binary' }],
  rispostaSdIRiceviFile: [
    { name: 'IdentificativoSdI', kind: 'integer' },
    { name: 'DataOraRicezione', kind: 'dateTime' },
    { name: 'Errore', kind: 'string', optional: true },
  ],
  rispostaSdINotificaEsito: [
    { name: 'Esito', kind: 'string' },
    { name: 'ScartoEsito', kind: 'group', fields: nomeFileEFile, optional: true },
  ],
  rispostaRiceviFatture: [{ name: 'Esito', kind: 'string' }],
}

/** Names of the base64Binary fields of every layout (the parts MTOM moves out of the envelope). */
export const binaryFieldNames: readonly string[] = ['File', 'Metadati']

/**
 * The body element as XML text. Children are unqualified (the SDICoop schemas have no elementFormDefault), so
 * the body element carries a prefix and the children none.
 */
export function encodeBodyElement(element: BodyElement, value: unknown): string {
  return `<types:${element.name} xmlns:types="${element.namespace}">${encodeFields(layouts[element.type], value, element.name)}</types:${element.name}>`
}

function encodeFields(fields: readonly Field[], value: unknown, path: string): string {
  if (typeof value !== 'object' || value === null) throw invalidValue(`${path} must be an object`)
  const record = value as Record<string, unknown>
  let xml = ''
  for (const field of fields) {
    const fieldValue = record[field.name]
    const fieldPath = `${path}/${field.name}`
    if (fieldValue === undefined || fieldValue === null) {
      if (field.optional) continue
      throw invalidValue(`${fieldPath} is required`)
    }
    const content =
      field.kind === 'group' ? encodeFields(field.fields, fieldValue, fieldPath) : escapeXml(scalar(field.kind, fieldValue, fieldPath))
    xml += `<${field.name}>${content}</${field.name}>`
  }
  return xml
}

function scalar(kind: 'string' | 'integer' | 'dateTime' | 'binary', value: unknown, path: string): string {
  switch (kind) {
    case 'binary':
      if (!(value instanceof Uint8Array)) throw invalidValue(`${path} must be a Buffer`)
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
    case 'integer':
      if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) return value.toString()
      if (typeof value !== 'string') throw invalidValue(`${path} must be a string of digits`)
      return value
    case 'dateTime':
      if (value instanceof Date) return value.toISOString()
      if (typeof value !== 'string') throw invalidValue(`${path} must be an xsd:dateTime string`)
      return value
    case 'string':
      if (typeof value !== 'string') throw invalidValue(`${path} must be a string`)
      return value
  }
}

/** The typed body of an element already checked against the schema (checked again here, defensively). */
export function decodeBodyElement(element: XmlElement, type: BodyType): unknown {
  return decodeFields(element, layouts[type], element.name)
}

function decodeFields(element: XmlElement, fields: readonly Field[], path: string): Record<string, unknown> {
  const children = new Map<string, XmlElement>()
  for (const child of childElements(element)) {
    if (child.namespaceUri === '' && !children.has(child.name)) children.set(child.name, child)
  }
  const value: Record<string, unknown> = {}
  for (const field of fields) {
    const child = children.get(field.name)
    const fieldPath = `${path}/${field.name}`
    if (!child) {
      if (field.optional) continue
      throw new SoapError('SOAP_BODY_INVALID', `${fieldPath} is missing`, { details: [`${fieldPath} is missing`] })
    }
    value[field.name] =
      field.kind === 'group' ? decodeFields(child, field.fields, fieldPath) : decodeScalar(field.kind, child.content, fieldPath)
  }
  return value
}

function decodeScalar(kind: 'string' | 'integer' | 'dateTime' | 'binary', text: string, path: string): unknown {
  switch (kind) {
    case 'binary':
      return Buffer.from(text.replace(/\s+/g, ''), 'base64')
    case 'integer':
      try {
        return BigInt(text.trim()).toString()
      } catch {
        throw new SoapError('SOAP_BODY_INVALID', `${path} is not an integer`, { details: [`${path} is not an integer`] })
      }
    case 'dateTime':
      return text.trim()
    case 'string':
      return text
  }
}

function invalidValue(message: string): SoapError {
  return new SoapError('SOAP_BODY_INVALID', message, { details: [message] })
}
