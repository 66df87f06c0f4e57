import { createHash } from 'node:crypto'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { digestNames } from './oids.js'

/**
 * Whether the first ESSCertID(v2) of a signingCertificate(V2) attribute names `certificate` (RFC 5035 /
 * RFC 2634 §5.4): hash of the whole certificate DER and, when present, issuer and serial number. This binds
 * the signature to the certificate, so a substituted certificate with the same key is refused.
 */
export function essCertIdMatches(values: unknown[], certificate: Uint8Array, version: 1 | 2): boolean {
  const [attribute] = values
  if (!(attribute instanceof asn1js.Sequence)) return false
  const [certs] = attribute.valueBlock.value
  if (!(certs instanceof asn1js.Sequence)) return false
  const [first] = certs.valueBlock.value
  if (!(first instanceof asn1js.Sequence)) return false
  const items = [...first.valueBlock.value]
  let digest = version === 2 ? 'sha256' : 'sha1'
  if (version === 2 && items[0] instanceof asn1js.Sequence) {
    const algorithm = new pkijs.AlgorithmIdentifier({ schema: items.shift() })
    const name = digestNames[algorithm.algorithmId]
    if (!name) return false
    digest = name
  }
  const [hash, issuerSerial] = items
  if (!(hash instanceof asn1js.OctetString)) return false
  const expected = createHash(digest).update(certificate).digest()
  if (!expected.equals(Buffer.from(hash.valueBlock.valueHexView))) return false
  return issuerSerial === undefined || issuerSerialMatches(issuerSerial, pkijs.Certificate.fromBER(certificate))
}

function issuerSerialMatches(element: unknown, certificate: pkijs.Certificate): boolean {
  try {
    const issuerSerial = new pkijs.IssuerSerial({ schema: element })
    if (!issuerSerial.serialNumber.isEqual(certificate.serialNumber)) return false
    const directoryNames = issuerSerial.issuer.names.filter((name) => name.type === 4)
    return (
      directoryNames.length === 0 ||
      directoryNames.some((name) => (name.value as pkijs.RelativeDistinguishedNames).isEqual(certificate.issuer))
    )
  } catch {
    return false
  }
}
