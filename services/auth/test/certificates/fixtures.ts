import { execFileSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import forge from 'node-forge'

/** Valid partite IVA (check digit verified), one per client of the tests. */
export const vatA = '02038490237'
export const vatB = '12345678903'
/** Studio ids as the database makes them; a certificate names the studio that issued it. */
export const studioA = '5f0c2a8e-7d1b-4c3a-9e2f-0a1b2c3d4e5f'
export const studioB = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d'

export interface TempDir {
  path: string
  write(name: string, content: string | Uint8Array): string
  remove(): void
}

export function tempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), 'fatturapa-certs-'))
  return {
    path,
    write: (name, content) => {
      const file = join(path, name)
      writeFileSync(file, content)
      return file
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  }
}

export interface OpensslResult {
  status: number
  stdout: string
  stderr: string
}

/** Runs the real openssl; never throws, so tests can assert on refusals too. */
export function openssl(args: string[]): OpensslResult {
  try {
    const stdout = execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    return { status: 0, stdout, stderr: '' }
  } catch (error) {
    const failed = error as { status?: number; stdout?: string; stderr?: string }
    return { status: failed.status ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' }
  }
}

export interface KeyAndCsr {
  keyPem: string
  csrPem: string
}

/** A CSR as a client makes it with `openssl req -new`. */
export function opensslCsr(dir: TempDir, subject: string, name = 'client'): KeyAndCsr {
  const keyFile = join(dir.path, `${name}.key`)
  const csrFile = join(dir.path, `${name}.csr`)
  const result = openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', csrFile, '-subj', subject])
  if (result.status !== 0) throw new Error(`openssl req failed: ${result.stderr}`)
  return { keyPem: readFileSync(keyFile, 'utf8'), csrPem: readFileSync(csrFile, 'utf8') }
}

/** A CSR over a key from node's crypto (native, fast), signed through forge. */
export function nodeCsr(commonName: string, extraAttributes: forge.pki.CertificateField[] = []): KeyAndCsr {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
  const forgeKey = forge.pki.privateKeyFromPem(keyPem)
  const csr = forge.pki.createCertificationRequest()
  csr.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e)
  csr.setSubject([{ name: 'commonName', value: commonName }, ...extraAttributes])
  csr.sign(forgeKey, forge.md.sha256.create())
  return { keyPem, csrPem: forge.pki.certificationRequestToPem(csr) }
}

/** The same request with one bit of its signature flipped. */
export function tamperSignature(csrPem: string): string {
  const block = forge.pem.decode(csrPem)[0]
  if (block === undefined) throw new Error('no PEM block')
  const bytes = Buffer.from(block.body, 'binary')
  const last = bytes.length - 1
  bytes[last] = (bytes[last] ?? 0) ^ 0x01
  return forge.pem.encode({ type: 'CERTIFICATE REQUEST', body: bytes.toString('binary') })
}
