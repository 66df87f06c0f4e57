import forge from 'node-forge'
import { CertificateError, CertificateErrorCodes } from './errors.js'

// forge parses ASN.1 in pure JS: a bound keeps a hostile request from costing more than a real one.
const maximumCsrLength = 64 * 1024
const minimumKeyBits = 2048
const commonNameOid = '2.5.4.3'
const serialNumberOid = '2.5.4.5'

export interface VerifiedCsr {
  publicKey: forge.pki.rsa.PublicKey
  subjectAttributes: ReadonlyArray<{ type?: string | undefined; value?: unknown }>
}

/** Parses a PKCS#10 request and proves its signature: the requester holds the private key of the key it asks us to certify. */
export function parseAndVerifyCsr(csrPem: string): VerifiedCsr {
  if (csrPem.length > maximumCsrLength) throw csrInvalid('The certificate signing request is too large')
  let csr: forge.pki.CertificateSigningRequest
  try {
    csr = forge.pki.certificationRequestFromPem(csrPem)
  } catch {
    throw csrInvalid('The certificate signing request cannot be read: a PEM PKCS#10 request with an RSA key is required')
  }
  let signatureValid = false
  try {
    signatureValid = csr.verify()
  } catch {
    signatureValid = false
  }
  if (!signatureValid) throw csrInvalid('The certificate signing request signature is invalid')
  const publicKey = csr.publicKey as forge.pki.rsa.PublicKey | null
  if (publicKey === null || publicKey.n.bitLength() < minimumKeyBits) {
    throw csrInvalid(`The certificate signing request key must be RSA of at least ${minimumKeyBits} bits`)
  }
  return { publicKey, subjectAttributes: csr.subject.attributes }
}

/**
 * Decision: the request must name the client it is for, so a CSR prepared for one VAT number cannot be
 * submitted for another. Its subject must hold exactly one CN, equal to `<partitaiva>.cert` (the name the
 * ERP integration uses) or to the bare `<partitaiva>`; a serialNumber attribute, when present, must be
 * `IT<partitaiva>` or `<partitaiva>`. Every other attribute and every requested extension is ignored: the
 * issued subject and extensions are always built by the CA, never copied from the request.
 */
export function assertCsrNamesPartitaIva(csr: VerifiedCsr, partitaIva: string): void {
  const attributes = csr.subjectAttributes
  const commonNames = attributes.filter((attribute) => attribute.type === commonNameOid).map((attribute) => String(attribute.value))
  if (commonNames.length !== 1) {
    throw vatMismatch('The certificate signing request subject must carry exactly one CN with the VAT number')
  }
  const commonName = commonNames[0]
  if (commonName !== `${partitaIva}.cert` && commonName !== partitaIva) {
    throw vatMismatch(`The certificate signing request is for "${commonName}", not for ${partitaIva}`)
  }
  for (const attribute of attributes) {
    if (attribute.type !== serialNumberOid) continue
    const value = String(attribute.value)
    if (value !== `IT${partitaIva}` && value !== partitaIva) {
      throw vatMismatch(`The certificate signing request serialNumber "${value}" does not match ${partitaIva}`)
    }
  }
}

function csrInvalid(message: string): CertificateError {
  return new CertificateError(CertificateErrorCodes.CsrInvalid, 400, message)
}

function vatMismatch(message: string): CertificateError {
  return new CertificateError(CertificateErrorCodes.VatMismatch, 422, message)
}
