import { randomUUID } from 'node:crypto'
import { XmlElement } from 'libxml2-wasm'
import { binaryFieldNames } from './body-codec.js'
import { SoapError } from './errors.js'
import { parseMediaType } from './media-type.js'
import { type MimePart, normalizeContentId, splitMultipart } from './multipart.js'
import { SoapNamespaces } from './namespaces.js'
import { defaultMaxSoapBytes } from './parse.js'
import { parseSoapXml } from './xml.js'

export interface MtomMessage {
  /** The HTTP Content-Type: multipart/related with type, boundary, start and start-info. */
  contentType: string
  body: Buffer
}

export interface EncodeMtomOptions {
  /** Default `uuid:<random>`; it must not occur in any part. */
  boundary?: string
  /** Unqualified element names whose base64 content becomes an attachment. Default: File, Metadati. */
  binaryElements?: readonly string[]
}

export interface DecodeMtomOptions {
  /** Larger packages are refused (SOAP_TOO_LARGE). Default defaultMaxSoapBytes. */
  maxBytes?: number
}

const declaration = '<?xml version="1.0" encoding="UTF-8"?>'

/**
 * Packages a SOAP 1.1 envelope as MTOM/XOP (multipart/related, RFC 2387): the base64 content of every binary
 * field of the body becomes a binary part, referenced from the envelope by `<xop:Include href="cid:..."/>`.
 */
export function encodeMtom(envelope: string | Uint8Array, options: EncodeMtomOptions = {}): MtomMessage {
  const names = new Set(options.binaryElements ?? binaryFieldNames)
  const document = parseSoapXml(envelope, 'SOAP envelope')
  const attachments: Array<{ id: string; bytes: Buffer }> = []
  let root: string
  try {
    const fields = document
      .find('/soap:Envelope/soap:Body//*', { soap: SoapNamespaces.Envelope11 })
      .filter((node): node is XmlElement => node instanceof XmlElement && node.namespaceUri === '' && names.has(node.name))
    for (const field of fields) {
      const text = field.content.replace(/\s+/g, '')
      if (text === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) continue
      const id = `${attachments.length + 1}.${randomUUID()}@fatturapa-hub`
      attachments.push({ id, bytes: Buffer.from(text, 'base64') })
      while (field.firstChild) field.firstChild.remove()
      field.addNsDeclaration(SoapNamespaces.Xop, 'xop')
      field.addElement('Include', 'xop').setAttr('href', `cid:${id}`)
    }
    root = declaration + document.toString({ noDeclaration: true, format: false })
  } finally {
    document.dispose()
  }
  const rootBytes = Buffer.from(root, 'utf8')
  const rootId = `root.${randomUUID()}@fatturapa-hub`
  const boundary = chooseBoundary(options.boundary, [rootBytes, ...attachments.map((attachment) => attachment.bytes)])
  const chunks: Buffer[] = [
    part(boundary, ['Content-Type: application/xop+xml; charset=UTF-8; type="text/xml"', `Content-ID: <${rootId}>`], rootBytes),
  ]
  for (const attachment of attachments) {
    chunks.push(part(boundary, ['Content-Type: application/octet-stream', `Content-ID: <${attachment.id}>`], attachment.bytes))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'))
  return {
    contentType: `multipart/related; type="application/xop+xml"; boundary="${boundary}"; start="<${rootId}>"; start-info="text/xml"`,
    body: Buffer.concat(chunks),
  }
}

function part(boundary: string, headers: string[], content: Buffer): Buffer {
  const head = `--${boundary}\r\n${[...headers, 'Content-Transfer-Encoding: binary'].join('\r\n')}\r\n\r\n`
  return Buffer.concat([Buffer.from(head, 'latin1'), content, Buffer.from('\r\n', 'latin1')])
}

function chooseBoundary(requested: string | undefined, contents: readonly Buffer[]): string {
  const collides = (boundary: string) => contents.some((content) => content.includes(`--${boundary}`, 0, 'latin1'))
  if (requested !== undefined) {
    if (!/^[0-9A-Za-z'()+_,\-./:=?]{1,70}$/.test(requested)) throw new TypeError(`Invalid MIME boundary "${requested}"`)
    if (collides(requested)) throw new TypeError(`MIME boundary "${requested}" occurs in the content`)
    return requested
  }
  for (;;) {
    const boundary = `uuid:${randomUUID()}`
    if (!collides(boundary)) return boundary
  }
}

/**
 * Unpacks an MTOM/XOP package into a plain SOAP envelope (UTF-8 text) whose binary fields are inlined as base64.
 * The root part is the one named by the `start` parameter (the first part without it); `cid:` references are
 * matched to Content-IDs with or without angle brackets; binary, 8bit, base64 and quoted-printable transfer
 * encodings are accepted.
 *
 * @throws SoapError SOAP_MTOM_INVALID, SOAP_TOO_LARGE, SOAP_VERSION_MISMATCH (a SOAP 1.2 root), and the XML errors
 * of the root part (SOAP_MALFORMED, SOAP_DTD_FORBIDDEN).
 */
export function decodeMtom(contentType: string, body: Uint8Array, options: DecodeMtomOptions = {}): string {
  const maxBytes = options.maxBytes ?? defaultMaxSoapBytes
  if (body.byteLength > maxBytes)
    throw new SoapError('SOAP_TOO_LARGE', `MTOM package of ${body.byteLength} bytes exceeds the limit of ${maxBytes} bytes`)
  const media = parseMediaType(contentType)
  if (media.type !== 'multipart/related') throw new SoapError('SOAP_MTOM_INVALID', `Not a multipart/related package: ${media.type}`)
  const boundary = media.params.boundary
  if (!boundary) throw new SoapError('SOAP_MTOM_INVALID', 'multipart/related without a boundary parameter')
  if (media.params['start-info']?.toLowerCase().startsWith('application/soap+xml')) {
    throw new SoapError('SOAP_VERSION_MISMATCH', 'MTOM package of a SOAP 1.2 message')
  }
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const parts = splitMultipart(bytes, boundary)
  const byId = new Map<string, MimePart>()
  for (const candidate of parts) {
    const id = candidate.headers['content-id']
    if (id !== undefined && !byId.has(normalizeContentId(id))) byId.set(normalizeContentId(id), candidate)
  }
  const start = media.params.start
  const root = start === undefined ? parts[0] : byId.get(normalizeContentId(start))
  if (!root) throw new SoapError('SOAP_MTOM_INVALID', `No part has the start Content-ID ${start}`)
  const rootType = parseMediaType(root.headers['content-type'] ?? 'application/xop+xml')
  if (rootType.type === 'application/soap+xml' || rootType.params.type?.toLowerCase() === 'application/soap+xml') {
    throw new SoapError('SOAP_VERSION_MISMATCH', 'MTOM root part is a SOAP 1.2 envelope')
  }
  if (!['application/xop+xml', 'text/xml', 'application/xml'].includes(rootType.type)) {
    throw new SoapError('SOAP_MTOM_INVALID', `MTOM root part of type ${rootType.type}`)
  }
  const document = parseSoapXml(root.body, 'MTOM root part')
  // One part referenced by many xop:Include elements would be copied each time: bound what inlining adds, so a
  // small package cannot expand into gigabytes of base64.
  let inlinedBytes = 0
  try {
    for (const node of document.find('//xop:Include', { xop: SoapNamespaces.Xop })) {
      if (!(node instanceof XmlElement)) continue
      const href = node.attr('href')?.value
      if (!href || !/^cid:/i.test(href.trim()))
        throw new SoapError('SOAP_MTOM_INVALID', `xop:Include without a cid: href (${href ?? 'none'})`)
      const attachment = byId.get(normalizeContentId(href))
      if (!attachment) throw new SoapError('SOAP_MTOM_INVALID', `xop:Include references a missing part: ${href}`)
      const parent = node.parent
      if (!parent) throw new SoapError('SOAP_MTOM_INVALID', 'xop:Include as the root element')
      inlinedBytes += attachment.body.byteLength
      if (inlinedBytes > maxBytes) {
        throw new SoapError('SOAP_TOO_LARGE', `MTOM attachments inlined exceed the limit of ${maxBytes} bytes`)
      }
      node.remove()
      parent.addText(attachment.body.toString('base64'))
    }
    return declaration + document.toString({ noDeclaration: true, format: false })
  } finally {
    document.dispose()
  }
}
