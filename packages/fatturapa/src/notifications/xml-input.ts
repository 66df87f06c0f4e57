import type { XmlDocument } from 'libxml2-wasm'
import { parseUntrustedXml, XmlInputError } from '../xml/parse.js'
import { SdiMessageError } from './errors.js'

/** The shared hardened parser, with its failures in this module's error vocabulary. The caller disposes. */
export function parseMessageXml(input: string | Uint8Array): XmlDocument {
  try {
    return parseUntrustedXml(input)
  } catch (error) {
    if (!(error instanceof XmlInputError)) throw error
    if (error.reason === 'doctype')
      throw new SdiMessageError('SDI_MESSAGE_DTD_FORBIDDEN', 'DOCTYPE declarations are not allowed in SDI messages')
    const where = error.line ? ` (line ${error.line})` : ''
    throw new SdiMessageError(
      'SDI_MESSAGE_MALFORMED',
      `Not well-formed XML${where}: ${error.message.replace(/^XML not well-formed: /, '')}`,
    )
  }
}
