import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A signer made by the test CA with `openssl ca`, which (unlike `openssl x509` 3.0) sets arbitrary validity dates. */
export interface TestSigner {
  certificatePem: string
  certificateDer: Uint8Array
  certificatePath: string
  privateKeyPem: string
  privateKeyDer: Uint8Array
  privateKeyPath: string
}

export interface SignerRequest {
  name: string
  key?: 'rsa' | 'ec'
  /** Certify the key of an earlier signer again (a second certificate for the same key). */
  keyOf?: TestSigner
  /** OpenSSL time, e.g. 20200101000000Z; defaults to yesterday–in ten years. */
  startDate?: string
  endDate?: string
}

export class TestPki {
  readonly dir: string
  readonly caPath: string
  readonly caPem: string
  readonly caDer: Uint8Array
  private serial = 0

  constructor(caName = 'fatturapa-hub Test CA') {
    this.dir = mkdtempSync(join(tmpdir(), 'fatturapa-pki-'))
    mkdirSync(join(this.dir, 'issued'))
    writeFileSync(join(this.dir, 'index.txt'), '')
    writeFileSync(join(this.dir, 'serial'), '1000\n')
    writeFileSync(join(this.dir, 'ca.cnf'), caConfig(this.dir))
    this.caPath = join(this.dir, 'ca.pem')
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', join(this.dir, 'ca.key')])
    openssl([
      'req',
      '-x509',
      '-new',
      '-key',
      join(this.dir, 'ca.key'),
      '-subj',
      `/C=IT/O=Test/CN=${caName}`,
      '-days',
      '7300',
      '-out',
      this.caPath,
    ])
    this.caPem = readFileSync(this.caPath, 'utf8')
    this.caDer = pemToDer(this.caPem)
  }

  issue(request: SignerRequest): TestSigner {
    const base = join(this.dir, `signer-${++this.serial}`)
    const keyArgs =
      request.key === 'ec'
        ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']
        : ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']
    if (request.keyOf) writeFileSync(`${base}.key`, request.keyOf.privateKeyPem)
    else openssl(['genpkey', ...keyArgs, '-out', `${base}.key`])
    openssl([
      'req',
      '-new',
      '-key',
      `${base}.key`,
      '-subj',
      `/C=IT/SN=ROSSI/GN=MARIO/serialNumber=TINIT-RSSMRA80A01H501U/CN=${request.name}`,
      '-out',
      `${base}.csr`,
    ])
    const dates = [
      '-startdate',
      request.startDate ?? opensslTime(new Date(Date.now() - 86_400_000)),
      '-enddate',
      request.endDate ?? opensslTime(new Date(Date.now() + 3650 * 86_400_000)),
    ]
    openssl(['ca', '-batch', '-notext', '-config', join(this.dir, 'ca.cnf'), '-in', `${base}.csr`, '-out', `${base}.pem`, ...dates])
    const certificatePem = readFileSync(`${base}.pem`, 'utf8')
    const privateKeyPem = readFileSync(`${base}.key`, 'utf8')
    return {
      certificatePem,
      certificateDer: pemToDer(certificatePem),
      certificatePath: `${base}.pem`,
      privateKeyPem,
      privateKeyDer: pemToDer(privateKeyPem),
      privateKeyPath: `${base}.key`,
    }
  }

  /** Writes bytes into the PKI folder (for openssl to read) and returns the path. */
  file(name: string, bytes: Uint8Array | string): string {
    const path = join(this.dir, name)
    writeFileSync(path, bytes)
    return path
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}

export function openssl(args: string[], input?: Uint8Array): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] })
}

/** Runs openssl and returns whether it succeeded, with its output. */
export function tryOpenssl(args: string[]): { ok: boolean; stdout: Buffer; stderr: string } {
  try {
    const stdout = execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    return { ok: true, stdout, stderr: '' }
  } catch (error) {
    const failure = error as { stdout?: Buffer; stderr?: Buffer }
    return { ok: false, stdout: failure.stdout ?? Buffer.alloc(0), stderr: String(failure.stderr ?? '') }
  }
}

export function pemToDer(pem: string): Uint8Array {
  const body = pem.replace(/-----(BEGIN|END)[^-]+-----/g, '').replace(/\s+/g, '')
  return new Uint8Array(Buffer.from(body, 'base64'))
}

export function opensslTime(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`
}

function caConfig(dir: string): string {
  return `[ ca ]
default_ca = test_ca

[ test_ca ]
dir = ${dir}
certificate = ${dir}/ca.pem
private_key = ${dir}/ca.key
database = ${dir}/index.txt
new_certs_dir = ${dir}/issued
serial = ${dir}/serial
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
x509_extensions = signer
preserve = yes

[ anything ]
countryName = optional
surname = optional
givenName = optional
serialNumber = optional
commonName = supplied

[ signer ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, nonRepudiation, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`
}
