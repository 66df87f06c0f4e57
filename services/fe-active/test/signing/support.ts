import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { children, encode, parseDer } from '../../src/signing/der.js'
import { type FeActiveTest, startFeActiveTest } from '../support/fe-active-test.js'

export const signingSecret = 'test-signing-secret-0123456789abcdef-0123'

/** fe-active (src/service.ts) with the signing secret the signing job of these suites uses. */
export function startSigningTest(): Promise<FeActiveTest> {
  return startFeActiveTest({ name: 'fe-active-signing-test', env: { SIGNING_SECRET: signingSecret } })
}

export interface TestCertificate {
  certificatePem: string
  keyPem: string
  /** PKCS#12 (AES-256-CBC, OpenSSL 3 default) with password `password`. */
  p12: Buffer
}

const work = mkdtempSync(join(tmpdir(), 'fph-signing-'))
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] })

/** A self-signed certificate and its PKCS#12, made with the openssl CLI. */
export function makeCertificate(
  name: string,
  options: { keyUsage?: string; expired?: boolean; password?: string; nomac?: boolean; iterations?: number } = {},
): TestCertificate {
  const key = `${name}.key`
  const cert = `${name}.pem`
  const subject = `/CN=${name}/serialNumber=TINIT-RSSMRA80A01H501U/O=Test`
  if (options.expired) {
    writeFileSync(
      join(work, `${name}.cnf`),
      `[ca]\ndefault_ca=d\n[d]\ndatabase=${name}.index\nnew_certs_dir=.\nserial=${name}.serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\n`,
    )
    writeFileSync(join(work, `${name}.index`), '')
    writeFileSync(join(work, `${name}.serial`), '01\n')
    openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', `${name}.csr`, '-subj', subject)
    openssl(
      'ca',
      '-batch',
      '-config',
      `${name}.cnf`,
      '-selfsign',
      '-keyfile',
      key,
      '-in',
      `${name}.csr`,
      '-out',
      cert,
      '-startdate',
      '20200101000000Z',
      '-enddate',
      '20210101000000Z',
    )
  } else {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '30',
      '-subj',
      subject,
      '-addext',
      `keyUsage=critical,${options.keyUsage ?? 'nonRepudiation,digitalSignature'}`,
    )
  }
  openssl(
    'pkcs12',
    '-export',
    '-inkey',
    key,
    '-in',
    cert,
    '-passout',
    `pass:${options.password ?? 'password'}`,
    '-out',
    `${name}.p12`,
    ...(options.nomac ? ['-nomac'] : []),
    ...(options.iterations ? ['-iter', String(options.iterations)] : []),
  )
  return {
    certificatePem: readFileSync(join(work, cert), 'utf8'),
    keyPem: readFileSync(join(work, key), 'utf8'),
    p12: readFileSync(join(work, `${name}.p12`)),
  }
}

/** A PKCS#12 (no MAC) holding the certificate of `a` and the key of `b`: openssl itself refuses to make one. */
export function mismatchedPkcs12(a: Buffer, b: Buffer): Buffer {
  const parts = (p12: Buffer) => {
    const [, authSafe] = children(parseDer(p12))
    const [type, explicit] = children(authSafe as ReturnType<typeof parseDer>)
    const octets = children(explicit as ReturnType<typeof parseDer>)[0] as ReturnType<typeof parseDer>
    return { type: type as ReturnType<typeof parseDer>, infos: children(parseDer(octets.value)) }
  }
  const first = parts(a)
  const second = parts(b)
  const authSafe = encode(0x30, Buffer.concat([(first.infos[0] as { raw: Buffer }).raw, (second.infos[1] as { raw: Buffer }).raw]))
  const contentInfo = encode(0x30, Buffer.concat([first.type.raw, encode(0xa0, encode(0x04, authSafe))]))
  return encode(0x30, Buffer.concat([Buffer.from([0x02, 0x01, 0x03]), contentInfo]))
}
