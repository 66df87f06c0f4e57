import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface SelfSignedIdentity {
  certificatePem: string
  privateKeyPem: string
  certificateFile: string
  keyFile: string
}

export interface SelfSignedOptions {
  /** The files are `<name>.key` and `<name>.pem` in the folder. */
  name?: string
  subject?: string
  days?: number
  /** `-addext` values, e.g. `subjectAltName=IP:127.0.0.1`. */
  extensions?: string[]
}

/** An RSA key and its self-signed certificate, made with the openssl CLI in `dir`. */
export function selfSignedIdentity(dir: string, options: SelfSignedOptions = {}): SelfSignedIdentity {
  const name = options.name ?? 'identity'
  const keyFile = join(dir, `${name}.key`)
  const certificateFile = join(dir, `${name}.pem`)
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      String(options.days ?? 30),
      '-subj',
      options.subject ?? '/CN=Test signer',
      ...(options.extensions ?? []).flatMap((extension) => ['-addext', extension]),
      '-keyout',
      keyFile,
      '-out',
      certificateFile,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  return {
    certificatePem: readFileSync(certificateFile, 'utf8'),
    privateKeyPem: readFileSync(keyFile, 'utf8'),
    certificateFile,
    keyFile,
  }
}
