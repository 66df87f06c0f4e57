import { execFileSync, spawnSync } from 'node:child_process'
import { generateKeyPairSync, X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { buildSdiMessage, type SdiMessage } from '../../src/notifications/index.js'
import { layoutOf } from '../../src/notifications/vocabulary.js'
import { SigningInputError, signXades, verifyXades } from '../../src/signature/index.js'
import { fullMessages, minimalMessages } from '../notifications/fixtures.js'
import { reference } from '../support/reference.js'

/**
 * signXades against independent oracles: the OFFICIAL message XSDs through xmllint, verifyXades (xml-crypto; libxml2 for URI=""),
 * xmlsec1 when installed (XMLSEC1=/path/to/xmlsec1 to point at one off the PATH), and libxml2's own
 * exc-c14n (xmllint --exc-c14n) for the digest of the whole document.
 */

const officialXsd = {
  PA: reference('fatturapa', 'xsd', 'MessaggiTypes_v1.1.xsd'),
  B2B: reference('fatturapa', 'xsd', 'MessaggiFatturaTypes_v1.0.xsd'),
}
const xmlsec1 = process.env.XMLSEC1 ?? 'xmlsec1'
const hasXmlsec1 = !spawnSync(xmlsec1, ['--version']).error
const xmlsec1Label = hasXmlsec1 ? 'xmlsec1 --verify' : 'xmlsec1 check SKIPPED (xmlsec1 not installed)'

interface Signer {
  certificatePem: string
  privateKeyPem: string
  certificatePath: string
}

let dir: string
let signer: Signer
let otherKeyPem: string
let ecSigner: Signer
let signingTime: Date

function selfSigned(name: string, keyPem: string): Signer {
  const keyPath = join(dir, `${name}.key`)
  const certificatePath = join(dir, `${name}.pem`)
  writeFileSync(keyPath, keyPem)
  execFileSync('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    keyPath,
    '-sha256',
    '-days',
    '3650',
    '-subj',
    `/C=IT/O=Agenzia delle Entrate/CN=${name}`,
    '-out',
    certificatePath,
  ])
  return { certificatePem: readFileSync(certificatePath, 'utf8'), privateKeyPem: keyPem, certificatePath }
}

const pkcs8 = (type: 'rsa' | 'ec') =>
  (type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' })).privateKey
    .export({ type: 'pkcs8', format: 'pem' })
    .toString()

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'xades-sign-'))
  signer = selfSigned('Sistema Interscambio Fattura PA Test', pkcs8('rsa'))
  ecSigner = selfSigned('EC signer', pkcs8('ec'))
  otherKeyPem = pkcs8('rsa')
  // After the certificate's notBefore (now), whole seconds: the signing time must fall in its validity.
  signingTime = new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000)
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

const sign = (xml: string | Uint8Array, extra: { signingTime?: Date; id?: string } = {}) =>
  signXades(xml, { certificatePem: signer.certificatePem, privateKeyPem: signer.privateKeyPem, signingTime, ...extra })

let fileCounter = 0
function file(content: string): string {
  const path = join(dir, `doc-${++fileCounter}.xml`)
  writeFileSync(path, content)
  return path
}

function xsdErrors(vocabulary: 'PA' | 'B2B', xml: string): string | undefined {
  const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', officialXsd[vocabulary], file(xml)], { encoding: 'utf8' })
  if (run.error) throw run.error
  return run.status === 0 ? undefined : run.stderr
}

function xmlsecVerify(xml: string): { ok: boolean; output: string } {
  const run = spawnSync(
    xmlsec1,
    ['--verify', '--trusted-pem', signer.certificatePath, '--id-attr:Id', 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties', file(xml)],
    { encoding: 'utf8' },
  )
  if (run.error) throw run.error
  return { ok: run.status === 0, output: run.stderr }
}

const signatureOf = (xml: string) => /<ds:Signature [\s\S]*<\/ds:Signature>/.exec(xml)?.[0] ?? ''
const digests = (xml: string) => [...xml.matchAll(/<ds:Reference [^>]*>[\s\S]*?<ds:DigestValue>([^<]*)</g)].map((match) => match[1])

/** Reference 1 recomputed by libxml2 (the engine of xmlsec1): exc-c14n of the document without the signature. */
function libxml2DocumentDigest(signed: string): string {
  const canonical = execFileSync('xmllint', ['--nonet', '--exc-c14n', file(signed.replace(signatureOf(signed), ''))])
  return execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: canonical }).toString('base64')
}

/** Every message type whose schema has a ds:Signature (required, or optional as in NotificaEsitoCommittente). */
const signedTypes = (messages: SdiMessage[]) =>
  messages.filter((message) => layoutOf(message.vocabulary, message.type)?.signature !== 'none')
const label = (message: SdiMessage) => `${message.vocabulary} ${message.type}`

describe('signXades on every signed SDI message type', () => {
  it('covers exactly the message types whose official schema has a ds:Signature', () => {
    expect(signedTypes(fullMessages).map(label)).toEqual([
      'PA RicevutaConsegna',
      'PA NotificaScarto',
      'PA NotificaMancataConsegna',
      'PA NotificaEsito',
      'PA NotificaDecorrenzaTermini',
      'PA AttestazioneTrasmissioneFattura',
      'PA NotificaEsitoCommittente',
      'PA ScartoEsitoCommittente',
      'B2B RicevutaConsegna',
      'B2B RicevutaScarto',
      'B2B RicevutaImpossibilitaRecapito',
    ])
    // MetadatiInvioFile / FileMetadati: their schemas have no ds:Signature (SDI does not sign MT).
    const metadati = fullMessages.filter((message) => layoutOf(message.vocabulary, message.type)?.signature === 'none')
    expect(metadati.map(label)).toEqual(['PA MetadatiInvioFile', 'B2B FileMetadati'])
  })

  it.each(signedTypes(fullMessages).map((message) => [label(message), message] as const))(
    `%s: official XSD, verifyXades, ${xmlsec1Label}, one changed character is caught`,
    async (_name, message) => {
      const minimal = minimalMessages.find((other) => label(other) === label(message)) as SdiMessage
      for (const variant of [message, minimal]) {
        // Without the stylesheet PI here; the next test signs the messages as SDI writes them.
        const unsigned = buildSdiMessage(variant, { stylesheet: false })
        const signed = sign(unsigned)

        expect(xsdErrors(variant.vocabulary, signed)).toBeUndefined()
        if (layoutOf(variant.vocabulary, variant.type)?.signature === 'required') {
          // The control: the same message unsigned is refused by the official schema.
          expect(xsdErrors(variant.vocabulary, unsigned)).toMatch(/Signature/)
        }

        const result = await verifyXades(signed)
        expect(result).toMatchObject({ valid: true, message: 'valid' })
        expect(result.signer?.subject).toContain('CN=Sistema Interscambio Fattura PA Test')
        expect(result.signer?.serialNumber).toBe(new X509Certificate(signer.certificatePem).serialNumber.toUpperCase())
        expect(result.signingTime).toEqual(signingTime)

        // One character of the signed content: the first digit/letter of IdentificativoSdI.
        const target = signed.replace(
          /<IdentificativoSdI>(.)/,
          (_match, first: string) => `<IdentificativoSdI>${first === '9' ? '8' : '9'}`,
        )
        expect(target).not.toBe(signed)
        expect(target.length).toBe(signed.length)
        expect(await verifyXades(target)).toMatchObject({ valid: false, code: '00102', problem: 'reference-mismatch' })

        if (hasXmlsec1) {
          const verified = xmlsecVerify(signed)
          expect(verified.output).toContain('SignedInfo References (ok/all): 2/2')
          expect(verified.ok).toBe(true)
          expect(xmlsecVerify(target).ok).toBe(false)
        }
      }
    },
  )

  it.each(signedTypes(fullMessages).map((message) => [label(message), message] as const))(
    `%s as SDI writes it (stylesheet PI): official XSD, document digest equal to libxml2's, verifyXades, the PI is signed, ${xmlsec1Label}`,
    async (_name, message) => {
      const unsigned = buildSdiMessage(message)
      expect(unsigned).toMatch(/^<\?xml [^>]*\?><\?xml-stylesheet /)
      const signed = sign(unsigned)
      expect(xsdErrors(message.vocabulary, signed)).toBeUndefined()
      // XML-DSig: URI="" is the whole document, processing instructions outside the root included.
      expect(digests(signed)[0]).toBe(libxml2DocumentDigest(signed))
      expect(await verifyXades(signed)).toMatchObject({ valid: true, message: 'valid', signingTime })

      // The PI is signed content: pointing it at another stylesheet breaks the document reference.
      const restyled = signed.replace(
        /(<\?xml-stylesheet [^?]*href=")([^"]+)"/,
        (_match, start: string, href: string) => `${start}x${href}"`,
      )
      expect(restyled).not.toBe(signed)
      expect(await verifyXades(restyled)).toMatchObject({ valid: false, code: '00102', problem: 'reference-mismatch' })
      if (hasXmlsec1) {
        expect(xmlsecVerify(signed)).toMatchObject({ ok: true })
        expect(xmlsecVerify(restyled).ok).toBe(false)
      }
    },
  )

  it('verifyXades accepts a signed message that keeps the <?xml-stylesheet?> PI', async () => {
    const signed = sign(buildSdiMessage(fullMessages[0] as SdiMessage))
    expect(signed).toContain('<?xml-stylesheet ')
    expect(await verifyXades(signed)).toMatchObject({ valid: true })
  })
})

describe('signXades output', () => {
  const receipt = fullMessages.find((item) => label(item) === 'B2B RicevutaConsegna') as SdiMessage
  const message = buildSdiMessage(receipt, { stylesheet: false })

  it('appends ds:Signature as the last child of the root and keeps every other byte', () => {
    const signed = sign(message)
    const signature = signatureOf(signed)
    expect(signed.replace(signature, '')).toBe(message)
    expect(signed.endsWith(`${signature}</ns3:RicevutaConsegna>\n`)).toBe(true)
    // Bytes in (UTF-8): the same result as the string.
    expect(sign(Buffer.from(message, 'utf8'))).toBe(signed)
    // As SDI writes it: declaration, stylesheet PI, indentation all kept.
    const withStylesheet = buildSdiMessage(receipt)
    const signedWithStylesheet = sign(withStylesheet)
    expect(signedWithStylesheet.replace(signatureOf(signedWithStylesheet), '')).toBe(withStylesheet)
  })

  it('lays the signature out as XAdES-BES: exc-c14n, rsa-sha256, document + SignedProperties references, KeyInfo', () => {
    const signed = sign(message, { id: 'Signature1' })
    const certificate = new X509Certificate(signer.certificatePem)
    const signature = signatureOf(signed)
    expect(signature).toContain('<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>')
    expect(signature).toContain('<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>')
    expect(signature).toContain(
      '<ds:Reference Id="Signature1-ref-document" URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>',
    )
    expect(signature).toContain(
      '<ds:Reference Id="Signature1-ref-signedprops" Type="http://uri.etsi.org/01903#SignedProperties" URI="#Signature1-signedprops">',
    )
    expect(signature).toContain('<xades:QualifyingProperties xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" Target="#Signature1">')
    expect(signature).toContain(`<xades:SigningTime>${signingTime.toISOString().replace('.000Z', 'Z')}</xades:SigningTime>`)
    expect(signature).toContain(
      `<xades:CertDigest><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>${execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: certificate.raw }).toString('base64')}</ds:DigestValue></xades:CertDigest>`,
    )
    expect(signature).toContain(`<ds:X509SerialNumber>${BigInt(`0x${certificate.serialNumber}`)}</ds:X509SerialNumber>`)
    expect(signature).toContain(
      '<ds:X509IssuerName>CN=Sistema Interscambio Fattura PA Test,O=Agenzia delle Entrate,C=IT</ds:X509IssuerName>',
    )
    expect(signature).toContain(`<ds:X509Certificate>${certificate.raw.toString('base64')}</ds:X509Certificate>`)
  })

  it('is deterministic: same inputs, same bytes; the default Ids derive from the input', () => {
    const first = sign(message)
    expect(sign(message)).toBe(first)
    const id = /<ds:Signature [^>]*Id="([^"]+)"/.exec(first)?.[1]
    expect(id).toMatch(/^xades-[0-9a-f]{16}$/)
    const otherMessage = buildSdiMessage(fullMessages.find((item) => label(item) === 'B2B RicevutaScarto') as SdiMessage)
    expect(sign(otherMessage)).not.toContain(`Id="${id}"`)
    expect(sign(message, { id: 'Signature1' })).toBe(sign(message, { id: 'Signature1' }))
    expect(sign(message, { id: 'Signature1' })).toContain('<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="Signature1">')
  })

  it('another signingTime changes only SigningTime, the SignedProperties digest and the SignatureValue', async () => {
    const first = sign(message)
    const later = new Date(signingTime.getTime() + 3_600_000)
    const second = sign(message, { signingTime: later })
    expect(second).not.toBe(first)
    expect(digests(second)[0]).toBe(digests(first)[0])
    expect(digests(second)[1]).not.toBe(digests(first)[1])
    const value = (xml: string) => /<ds:SignatureValue [^>]*>([^<]*)</.exec(xml)?.[1]
    expect(value(second)).not.toBe(value(first))
    const normalise = (xml: string) =>
      xml
        .replace(/<xades:SigningTime>[^<]*</, '<xades:SigningTime>T<')
        .replace(/(<ds:SignatureValue [^>]*>)[^<]*</, '$1V<')
        .replace(digests(xml)[1] as string, 'D')
    expect(normalise(second)).toBe(normalise(first))
    expect((await verifyXades(second)).signingTime).toEqual(later)
  })

  it('a changed SigningTime breaks the SignedProperties reference', async () => {
    const signed = sign(message)
    const stamp = signingTime.toISOString().replace('.000Z', 'Z')
    const tampered = signed.replace(
      `<xades:SigningTime>${stamp}`,
      `<xades:SigningTime>${stamp.replace(/.Z$/, (last) => `${last[0] === '1' ? '2' : '1'}Z`)}`,
    )
    expect(tampered).not.toBe(signed)
    expect(await verifyXades(tampered)).toMatchObject({ valid: false, code: '00102', problem: 'reference-mismatch' })
    if (hasXmlsec1) expect(xmlsecVerify(tampered).ok).toBe(false)
  })

  it(`places the signature in an empty root and past a trailing comment that repeats the end tag (${xmlsec1Label})`, async () => {
    const empty = '<?xml version="1.0"?>\n<r:Doc xmlns:r="urn:example" a="x/>y"/>\n'
    const signedEmpty = sign(empty)
    expect(signedEmpty.replace(signatureOf(signedEmpty), '')).toBe(empty.replace('"/>', '"></r:Doc>'))
    expect(await verifyXades(signedEmpty)).toMatchObject({ valid: true })

    const trailing = '<Doc><a>1</a></Doc>\n<!-- </Doc> -->\n'
    const signedTrailing = sign(trailing)
    expect(signedTrailing).toMatch(/<\/ds:Signature><\/Doc>\n<!-- <\/Doc> -->\n$/)
    expect(await verifyXades(signedTrailing)).toMatchObject({ valid: true })
    if (hasXmlsec1) {
      expect(xmlsecVerify(signedEmpty).ok).toBe(true)
      expect(xmlsecVerify(signedTrailing).ok).toBe(true)
    }
  })
})

describe('verifyXades digests URI="" over the whole document (XML-DSig 1.1 §4.4.3.3)', () => {
  const receipt = buildSdiMessage(fullMessages.find((item) => label(item) === 'B2B RicevutaConsegna') as SdiMessage)
  const stylesheet = /<\?xml-stylesheet [^?]*\?>/

  it(`signs processing instructions before and after the root: adding, removing or changing one breaks the document reference (${xmlsec1Label})`, async () => {
    const signed = sign(receipt.replace('</ns3:RicevutaConsegna>\n', '</ns3:RicevutaConsegna>\n<?trailer keep?>\n'))
    expect(signed).toMatch(/<\/ns3:RicevutaConsegna>\n<\?trailer keep\?>\n$/)
    expect(await verifyXades(signed)).toMatchObject({ valid: true })
    const variants = {
      'stylesheet PI removed': signed.replace(stylesheet, ''),
      'PI added before the root': signed.replace('<ns3:RicevutaConsegna ', '<?added?><ns3:RicevutaConsegna '),
      'trailing PI changed': signed.replace('<?trailer keep?>', '<?trailer drop?>'),
      'trailing PI removed': signed.replace('<?trailer keep?>\n', ''),
    }
    for (const [change, tampered] of Object.entries(variants)) {
      expect(tampered).not.toBe(signed)
      expect({ change, ...(await verifyXades(tampered)) }).toMatchObject({
        change,
        valid: false,
        code: '00102',
        problem: 'reference-mismatch',
      })
      if (hasXmlsec1) expect({ change, ok: xmlsecVerify(tampered).ok }).toEqual({ change, ok: false })
    }
  })

  it(`leaves comments out, inside and outside the root: adding one keeps the signature valid (${xmlsec1Label})`, async () => {
    const signed = sign(receipt)
    const commented = signed
      .replace('<ns3:RicevutaConsegna ', '<!-- before --><ns3:RicevutaConsegna ')
      .replace('<MessageId>', '<!-- inside --><MessageId>')
      .replace(/\n$/, '\n<!-- after -->\n')
    expect(commented.match(/<!--/g)).toHaveLength(3)
    expect(await verifyXades(commented)).toMatchObject({ valid: true })
    if (hasXmlsec1) expect(xmlsecVerify(commented).ok).toBe(true)
  })

  it.each([
    ['exc-c14n#WithComments', 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments'],
    ['C14N 1.0 without comments', 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315'],
  ])(
    `verifies a signature made by xmlsec1 with %s over a document with PIs and comments outside the root (${xmlsec1Label})`,
    async (_name, c14n) => {
      if (!hasXmlsec1) return
      const template = receipt.replace(
        '</ns3:RicevutaConsegna>',
        [
          '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>',
          '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>',
          '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>',
          '<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>',
          `<ds:Transform Algorithm="${c14n}"/></ds:Transforms>`,
          '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>',
          '</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature></ns3:RicevutaConsegna>',
        ].join(''),
      )
      const keyPath = join(dir, 'xmlsec-signer.key')
      writeFileSync(keyPath, signer.privateKeyPem)
      const run = spawnSync(
        xmlsec1,
        ['--sign', '--privkey-pem', `${keyPath},${signer.certificatePath}`, file(`${template}<!-- after -->\n<?after pi?>\n`)],
        { encoding: 'utf8' },
      )
      expect(run.stderr).toBe('')
      const signed = run.stdout
      expect(signed).toMatch(stylesheet)
      expect(signed).toContain('<!-- after -->')
      // No xades:SignedProperties, hence no signing time: 00103 is the check after core validation passed.
      expect(await verifyXades(signed)).toMatchObject({ valid: false, code: '00103', problem: 'signing-time-missing' })
      expect(await verifyXades(signed.replace('<?after pi?>', '<?after PI?>'))).toMatchObject({ problem: 'reference-mismatch' })
      expect(await verifyXades(signed.replace('<!-- after -->', '<!-- changed -->'))).toMatchObject({ problem: 'signing-time-missing' })
    },
  )
})

describe('signXades with several signers in one process', () => {
  it('signs with the pair it is given, whichever pairs signed before, and refuses a mismatched pair every time', async () => {
    const message = buildSdiMessage(minimalMessages[0] as SdiMessage)
    const second = selfSigned('Second signer', otherKeyPem)
    // Within the validity of the certificate just made, as in beforeAll.
    const signingTime = new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000)
    const certificateOf = (signed: string) => /<ds:X509Certificate>([^<]+)</.exec(signed)?.[1]
    const der = (pem: string) => new X509Certificate(pem).raw.toString('base64')
    for (const current of [signer, second, signer, second]) {
      const signed = signXades(message, { certificatePem: current.certificatePem, privateKeyPem: current.privateKeyPem, signingTime })
      expect(certificateOf(signed)).toBe(der(current.certificatePem))
      expect(await verifyXades(signed)).toMatchObject({ valid: true })
      expect(() =>
        signXades(message, {
          certificatePem: current.certificatePem,
          privateKeyPem: otherKeyPem === current.privateKeyPem ? signer.privateKeyPem : otherKeyPem,
          signingTime,
        }),
      ).toThrow(/does not belong/)
    }
  })
})

describe('signXades refuses unusable input with SigningInputError', () => {
  const message = buildSdiMessage(minimalMessages[0] as SdiMessage)
  const refuses = (run: () => unknown, pattern: RegExp) => {
    expect(run).toThrow(SigningInputError)
    expect(run).toThrow(pattern)
  }

  it('a key that does not belong to the certificate', () => {
    refuses(() => signXades(message, { certificatePem: signer.certificatePem, privateKeyPem: otherKeyPem, signingTime }), /does not belong/)
  })

  it('a non-RSA key (EC P-256 with its own certificate)', () => {
    refuses(
      () => signXades(message, { certificatePem: ecSigner.certificatePem, privateKeyPem: ecSigner.privateKeyPem }),
      /unsupported key type ec/,
    )
  })

  it('unreadable certificate or key', () => {
    refuses(() => signXades(message, { certificatePem: 'nope', privateKeyPem: signer.privateKeyPem }), /unreadable certificate/)
    refuses(() => signXades(message, { certificatePem: signer.certificatePem, privateKeyPem: 'nope' }), /unreadable private key/)
  })

  it('XML that is not well-formed, a DOCTYPE, or bytes that are not UTF-8', () => {
    refuses(() => sign(message.replace('</MessageId>', '</MessageID>')), /not well-formed/)
    refuses(() => sign('<a><b></a>'), /not well-formed/)
    refuses(() => sign(''), /not well-formed/)
    refuses(() => sign('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'), /DOCTYPE/)
    refuses(() => sign(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>\u00e8</a>', 'latin1')), /not UTF-8/)
    refuses(() => sign(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>e</a>', 'latin1')), /ISO-8859-1/)
  })

  it('an id that is not an NCName or is already used in the document, an invalid signingTime', () => {
    refuses(() => sign(message, { id: '1bad id' }), /NCName/)
    refuses(() => sign('<a><b Id="Signature1-signedprops"/></a>', { id: 'Signature1' }), /already uses the Id/)
    refuses(() => sign(message, { signingTime: new Date(Number.NaN) }), /not a valid date/)
  })
})
