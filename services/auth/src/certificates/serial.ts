import { randomBytes } from 'node:crypto'
import { AppError, normalizeCertificateSerialNumber } from '@fatturapa-hub/shared'
import forge from 'node-forge'
import { CertificateError, CertificateErrorCodes } from './errors.js'

/**
 * Serial numbers travel as hex strings in one canonical form (uppercase, no separators, no leading zeros);
 * the rule is shared with the gateway (`normalizeCertificateSerialNumber`). Fails with CertificateError.
 */
export function normalizeSerialNumber(value: string): string {
  try {
    return normalizeCertificateSerialNumber(value)
  } catch (error) {
    if (error instanceof AppError) throw new CertificateError(CertificateErrorCodes.SerialInvalid, error.statusCode, error.message)
    throw error
  }
}

/** 128 random bits with the top bit cleared, so the DER INTEGER is positive and needs no padding octet. */
export function randomSerialNumber(): string {
  const bytes = randomBytes(16)
  const top = (bytes[0] ?? 0) & 0x7f
  bytes[0] = top === 0 ? 0x01 : top
  return normalizeSerialNumber(bytes.toString('hex'))
}

/** Content octets of the DER INTEGER for a canonical serial: even length, a 0x00 prefix when the top bit is set. */
export function serialNumberToDerBytes(serialNumber: string): string {
  const canonical = normalizeSerialNumber(serialNumber)
  let hex = canonical.length % 2 === 0 ? canonical : `0${canonical}`
  if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`
  return forge.util.hexToBytes(hex)
}

/** forge writes `certificate.serialNumber` verbatim as the INTEGER content, so it needs the padded form. */
export function serialNumberToForgeHex(serialNumber: string): string {
  return forge.util.bytesToHex(serialNumberToDerBytes(serialNumber))
}
