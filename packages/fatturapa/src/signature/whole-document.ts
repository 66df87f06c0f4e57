import { ParseOption, XmlC14NMode, XmlDocument, XmlElement } from 'libxml2-wasm'

const ds = 'http://www.w3.org/2000/09/xmldsig#'
const envelopedSignature = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature'
// The canonicalisations xml-crypto offers for the other References, and so the only ones accepted here too.
const c14nModes: Readonly<Record<string, { mode: (typeof XmlC14NMode)[keyof typeof XmlC14NMode]; exclusive: boolean }>> = {
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315': { mode: XmlC14NMode.XML_C14N_1_0, exclusive: false },
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments': { mode: XmlC14NMode.XML_C14N_1_0, exclusive: false },
  'http://www.w3.org/2001/10/xml-exc-c14n#': { mode: XmlC14NMode.XML_C14N_EXCLUSIVE_1_0, exclusive: true },
  'http://www.w3.org/2001/10/xml-exc-c14n#WithComments': { mode: XmlC14NMode.XML_C14N_EXCLUSIVE_1_0, exclusive: true },
}
// Whitespace is content for canonicalisation: unlike the validation parser, no NOBLANKS here (as in signXades).
const c14nParseOptions = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE
const encodingDeclaration = /^(\uFEFF?<\?xml\s[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2/

/**
 * The octets a `Reference URI=""` digests, by XML-DSig 1.1 §4.4.3.3 and §4.4.3.2: the whole document (processing
 * instructions outside the root element included, the XML declaration and DOCTYPE not being nodes) minus its
 * comments, then the Reference's transforms in order, then C14N 1.0 if a node-set is left. This is what xmlsec1
 * (libxml2, used here too), Apache Santuario and DSS compute; xml-crypto digests the root element alone.
 *
 * Comments are never in the result: the URI="" dereference removes them before any transform, so a
 * `#WithComments` canonicalisation finds none to keep (only `#xpointer(/)` would keep them, and SDI refuses it).
 * enveloped-signature removes the signature being verified: the `signatureIndex`-th ds:Signature child of the
 * root element (the ones verifyXades checks), not the others.
 *
 * @param text the document, already decoded (its encoding declaration is ignored).
 * @param transforms Transform Algorithm URIs as signed; `inclusivePrefixes` is the InclusiveNamespaces
 *   PrefixList of the exclusive canonicalisations.
 * @throws Error for a transform other than enveloped-signature and (exclusive) C14N 1.0, or XML libxml2 cannot
 *   parse.
 */
export function wholeDocumentOctets(
  text: string,
  signatureIndex: number,
  transforms: readonly string[],
  inclusivePrefixes: readonly string[] = [],
): string {
  let octets: string | undefined
  let document = parse(text)
  let signatureRemoved = false
  try {
    for (const transform of transforms) {
      const c14n = c14nModes[transform]
      if (transform !== envelopedSignature && !c14n) throw new Error(`canonicalization algorithm '${transform}' is not supported`)
      if (octets !== undefined) {
        // Octets are parsed back into a node-set for the next transform (§4.4.3.2); canonical XML keeps every
        // element where it was, so the signature is found again by its position.
        document.dispose()
        document = parse(octets)
        octets = undefined
      }
      if (transform === envelopedSignature) {
        if (!signatureRemoved) signatureOf(document, signatureIndex).remove()
        signatureRemoved = true
        continue
      }
      octets = canonicalize(document, c14n as NonNullable<typeof c14n>, inclusivePrefixes)
    }
    return octets ?? canonicalize(document, { mode: XmlC14NMode.XML_C14N_1_0, exclusive: false }, [])
  } finally {
    document.dispose()
  }
}

function parse(text: string): XmlDocument {
  // A string is already decoded: re-encode it as UTF-8 and make the declaration say so (as parseUntrustedXml).
  const bytes = new TextEncoder().encode(text.replace(encodingDeclaration, '$1$2UTF-8$2'))
  try {
    return XmlDocument.fromBuffer(bytes, { option: c14nParseOptions })
  } catch (error) {
    const detail = (error as { details?: Array<{ message: string }> }).details?.[0]?.message ?? (error as Error).message
    throw new Error(`XML not well-formed: ${detail.trim()}`)
  }
}

function canonicalize(
  document: XmlDocument,
  c14n: { mode: (typeof XmlC14NMode)[keyof typeof XmlC14NMode]; exclusive: boolean },
  prefixes: readonly string[],
): string {
  return document.canonicalizeToString({
    mode: c14n.mode,
    withComments: false,
    ...(c14n.exclusive && prefixes.length > 0 ? { inclusiveNamespacePrefixes: [...prefixes] } : {}),
  })
}

function signatureOf(document: XmlDocument, index: number): XmlElement {
  const signatures: XmlElement[] = []
  for (let node = document.root.firstChild; node; node = node.next) {
    if (node instanceof XmlElement && node.namespaceUri === ds && node.name === 'Signature') signatures.push(node)
  }
  const signature = signatures[index]
  if (!signature) throw new Error('the ds:Signature being verified is not a child of the root element')
  return signature
}
