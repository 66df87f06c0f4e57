import { createDecipheriv, createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto'
import { children, DerError, expect, integer, octets, oid, parseDer, Tag, type Tlv } from './der.js'

/** Why a PKCS#12 file was refused; the route turns it into a 422. */
export class Pkcs12Error extends Error {
  constructor(
    readonly reason: 'malformed' | 'wrong-password' | 'unsupported-algorithm' | 'no-key' | 'no-certificate',
    message: string,
  ) {
    super(message)
    this.name = 'Pkcs12Error'
  }
}

export interface Pkcs12Contents {
  /** Unencrypted PKCS#8 PrivateKeyInfo (DER) of every key bag. */
  keys: Buffer[]
  /** DER of every X.509 certificate bag. */
  certificates: Buffer[]
}

const oids = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbeSha1TripleDes: '1.2.840.113549.1.12.1.3',
  pbeSha1TwoKeyTripleDes: '1.2.840.113549.1.12.1.4',
  pbeSha1Rc2_128: '1.2.840.113549.1.12.1.5',
  pbeSha1Rc2_40: '1.2.840.113549.1.12.1.6',
} as const

const hmacPrfs: Readonly<Record<string, string>> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
}
const digests: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
}
const ciphers: Readonly<Record<string, { name: string; keyLength: number }>> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24 },
}
const pkcs12Pbes: Readonly<Record<string, { name: string; keyLength: number; ivLength: number }>> = {
  [oids.pbeSha1TripleDes]: { name: 'des-ede3-cbc', keyLength: 24, ivLength: 8 },
  [oids.pbeSha1TwoKeyTripleDes]: { name: 'des-ede-cbc', keyLength: 16, ivLength: 8 },
  [oids.pbeSha1Rc2_128]: { name: 'rc2-cbc', keyLength: 16, ivLength: 8 },
  [oids.pbeSha1Rc2_40]: { name: 'rc2-40-cbc', keyLength: 5, ivLength: 8 },
}

/**
 * Opens a PKCS#12 (.p12/.pfx) with its password: checks the integrity MAC (a wrong password fails here), decrypts
 * the bags (PBES2 with PBKDF2 and AES/3DES, the OpenSSL 3 default; the legacy PKCS#12 3DES/RC2 schemes where the
 * runtime still offers them) and returns the keys and certificates it holds.
 */
export function openPkcs12(bytes: Buffer, password: string): Pkcs12Contents {
  try {
    return open(bytes, password)
  } catch (error) {
    if (error instanceof DerError) throw new Pkcs12Error('malformed', `not a PKCS#12 file: ${error.message}`)
    throw error
  }
}

function open(bytes: Buffer, password: string): Pkcs12Contents {
  const [version, authSafe, macData] = children(expect(parseDer(bytes), Tag.Sequence, 'a PFX sequence'))
  if (integer(version) !== 3) throw new Pkcs12Error('malformed', 'not a PKCS#12 v3 file')
  const authSafeParts = children(expect(authSafe, Tag.Sequence, 'the authSafe ContentInfo'))
  if (oid(authSafeParts[0]) !== oids.data) throw new Pkcs12Error('unsupported-algorithm', 'public-key integrity mode is not supported')
  const authSafeBytes = octets(children(expect(authSafeParts[1], Tag.Context0, 'the authSafe content'))[0])
  if (macData !== undefined) verifyMac(macData, authSafeBytes, password)

  const contents: Pkcs12Contents = { keys: [], certificates: [] }
  for (const info of children(expect(parseDer(authSafeBytes), Tag.Sequence, 'the AuthenticatedSafe'))) {
    const [type, explicit] = children(expect(info, Tag.Sequence, 'a ContentInfo'))
    const inner = children(expect(explicit, Tag.Context0, 'the ContentInfo content'))[0]
    let safeContents: Buffer
    if (oid(type) === oids.data) safeContents = octets(inner)
    else if (oid(type) === oids.encryptedData) {
      const [, encryptedContentInfo] = children(expect(inner, Tag.Sequence, 'EncryptedData'))
      const [, algorithm, encrypted] = children(expect(encryptedContentInfo, Tag.Sequence, 'EncryptedContentInfo'))
      safeContents = decrypt(expect(algorithm, Tag.Sequence, 'an algorithm'), octets(encrypted, 'the encrypted content'), password)
    } else throw new Pkcs12Error('unsupported-algorithm', `unsupported content type ${oid(type)}`)
    readSafeContents(safeContents, password, contents)
  }
  return contents
}

function readSafeContents(bytes: Buffer, password: string, contents: Pkcs12Contents): void {
  let safe: Tlv
  try {
    safe = expect(parseDer(bytes), Tag.Sequence, 'SafeContents')
  } catch {
    // A wrong password without a MAC usually fails the padding; when it does not, the plaintext is junk.
    throw new Pkcs12Error('wrong-password', 'the password does not open the PKCS#12 file')
  }
  for (const bag of children(safe)) {
    const [id, explicit] = children(expect(bag, Tag.Sequence, 'a SafeBag'))
    const value = children(expect(explicit, Tag.Context0, 'the bag value'))[0]
    switch (oid(id)) {
      case oids.keyBag:
        contents.keys.push(expect(value, Tag.Sequence, 'a PrivateKeyInfo').raw)
        break
      case oids.shroudedKeyBag: {
        const [algorithm, encrypted] = children(expect(value, Tag.Sequence, 'an EncryptedPrivateKeyInfo'))
        contents.keys.push(decrypt(expect(algorithm, Tag.Sequence, 'an algorithm'), octets(encrypted), password))
        break
      }
      case oids.certBag: {
        const [type, certValue] = children(expect(value, Tag.Sequence, 'a CertBag'))
        if (oid(type) === oids.x509Certificate)
          contents.certificates.push(octets(children(expect(certValue, Tag.Context0, 'a certificate'))[0]))
        break
      }
      default:
        break
    }
  }
}

function verifyMac(macData: Tlv, content: Buffer, password: string): void {
  const [digestInfo, salt, iterations] = children(expect(macData, Tag.Sequence, 'MacData'))
  const [algorithm, digest] = children(expect(digestInfo, Tag.Sequence, 'the MAC DigestInfo'))
  const hash = digests[oid(children(expect(algorithm, Tag.Sequence, 'the MAC algorithm'))[0])]
  if (hash === undefined) throw new Pkcs12Error('unsupported-algorithm', 'unsupported MAC digest')
  const key = pkcs12Kdf(
    hash,
    bmpPassword(password),
    octets(salt),
    3,
    iterations ? boundedIterations(integer(iterations)) : 1,
    hashLength(hash),
  )
  const expected = octets(digest)
  const actual = createHmac(hash, key).update(content).digest()
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new Pkcs12Error('wrong-password', 'the password does not open the PKCS#12 file (integrity check failed)')
  }
}

function decrypt(algorithm: Tlv, data: Buffer, password: string): Buffer {
  const [id, parameters] = children(algorithm)
  const algorithmId = oid(id)
  let name: string
  let key: Buffer
  let iv: Buffer
  if (algorithmId === oids.pbes2) {
    const [kdf, scheme] = children(expect(parameters, Tag.Sequence, 'PBES2 parameters'))
    const [kdfId, kdfParameters] = children(expect(kdf, Tag.Sequence, 'the key derivation function'))
    if (oid(kdfId) !== oids.pbkdf2) throw new Pkcs12Error('unsupported-algorithm', `unsupported key derivation ${oid(kdfId)}`)
    const fields = children(expect(kdfParameters, Tag.Sequence, 'PBKDF2 parameters'))
    const salt = octets(fields[0])
    const iterations = boundedIterations(integer(fields[1]))
    const prfField = fields.slice(2).find((field) => field.tag === Tag.Sequence)
    const prf = prfField ? hmacPrfs[oid(children(prfField)[0])] : 'sha1'
    const [schemeId, schemeIv] = children(expect(scheme, Tag.Sequence, 'the encryption scheme'))
    const cipher = ciphers[oid(schemeId)]
    if (prf === undefined || cipher === undefined) throw new Pkcs12Error('unsupported-algorithm', 'unsupported PBES2 cipher or PRF')
    name = cipher.name
    key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, cipher.keyLength, prf)
    iv = octets(schemeIv)
  } else if (pkcs12Pbes[algorithmId]) {
    const scheme = pkcs12Pbes[algorithmId]
    const [salt, iterations] = children(expect(parameters, Tag.Sequence, 'PBE parameters'))
    const bmp = bmpPassword(password)
    name = scheme.name
    key = pkcs12Kdf('sha1', bmp, octets(salt), 1, boundedIterations(integer(iterations)), scheme.keyLength)
    iv = pkcs12Kdf('sha1', bmp, octets(salt), 2, boundedIterations(integer(iterations)), scheme.ivLength)
  } else {
    throw new Pkcs12Error('unsupported-algorithm', `unsupported encryption ${algorithmId}; export the file with AES-256-CBC`)
  }
  let decipher: ReturnType<typeof createDecipheriv>
  try {
    decipher = createDecipheriv(name, key, iv)
  } catch {
    throw new Pkcs12Error('unsupported-algorithm', `${name} is not available; export the file with AES-256-CBC (OpenSSL 3 default)`)
  }
  try {
    return Buffer.concat([decipher.update(data), decipher.final()])
  } catch {
    throw new Pkcs12Error('wrong-password', 'the password does not open the PKCS#12 file')
  }
}

const hashLength = (hash: string) => createHash(hash).digest().length
const blockSize = (hash: string) => (hash === 'sha384' || hash === 'sha512' ? 128 : 64)

function bmpPassword(password: string): Buffer {
  const utf16 = Buffer.from(password, 'utf16le').swap16()
  return Buffer.concat([utf16, Buffer.alloc(2)])
}

/** RFC 7292 appendix B.2. */
function pkcs12Kdf(hash: string, password: Buffer, salt: Buffer, id: number, iterations: number, length: number): Buffer {
  const u = hashLength(hash)
  const v = blockSize(hash)
  const fill = (input: Buffer) => {
    if (input.length === 0) return Buffer.alloc(0)
    const out = Buffer.alloc(v * Math.ceil(input.length / v))
    for (let index = 0; index < out.length; index++) out[index] = input[index % input.length] as number
    return out
  }
  const d = Buffer.alloc(v, id)
  const i = Buffer.concat([fill(salt), fill(password)])
  const blocks: Buffer[] = []
  for (let round = 0; round < Math.ceil(length / u); round++) {
    let a = createHash(hash).update(d).update(i).digest()
    for (let iteration = 1; iteration < iterations; iteration++) a = createHash(hash).update(a).digest()
    blocks.push(a)
    const b = Buffer.alloc(v)
    for (let index = 0; index < v; index++) b[index] = a[index % u] as number
    for (let offset = 0; offset < i.length; offset += v) {
      let carry = 1
      for (let index = v - 1; index >= 0; index--) {
        const sum = (i[offset + index] as number) + (b[index] as number) + carry
        i[offset + index] = sum & 0xff
        carry = sum >> 8
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, length)
}

/**
 * Key derivation runs on the request's thread: an iteration count chosen by the uploader must not stall the
 * service. Real exports use 2,048 (OpenSSL) to a few hundred thousand.
 */
const maxIterations = 1_000_000

function boundedIterations(iterations: number): number {
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > maxIterations) {
    throw new Pkcs12Error('malformed', `key derivation iteration count ${iterations} outside 1..${maxIterations}`)
  }
  return iterations
}
