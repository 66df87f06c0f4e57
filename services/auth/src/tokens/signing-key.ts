import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose'
import { signingAlgorithm } from './constants.js'

export interface SigningKey {
  /** RFC 7638 thumbprint of the public key: stable, and proves the stored key was not swapped. */
  kid: string
  createdAt: Date
  privateKey: CryptoKey
  /** As published in the JWKS: public parts only, with `kid`, `alg` and `use`. */
  publicJwk: JWK
  /** Includes the private scalar `d`: persist only in protected storage. */
  privateJwk: JWK
}

export async function generateSigningKey(now = new Date()): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair(signingAlgorithm, { extractable: true })
  return signingKeyFromJwk(await exportJWK(privateKey), now)
}

export async function signingKeyFromJwk(jwk: JWK, createdAt: Date): Promise<SigningKey> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y || !jwk.d) throw new Error('a signing key must be a private P-256 JWK')
  const publicParts = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }
  const kid = await calculateJwkThumbprint(publicParts)
  if (jwk.kid !== undefined && jwk.kid !== kid) throw new Error(`signing key ${jwk.kid} does not match its public key`)
  const privateJwk = { ...publicParts, d: jwk.d, kid, alg: signingAlgorithm, use: 'sig' }
  // Not extractable once imported: the JWK above is the only copy meant to leave the process, to storage.
  const privateKey = await importJWK(privateJwk, signingAlgorithm, { extractable: false })
  if (privateKey instanceof Uint8Array) throw new Error('a signing key must be asymmetric')
  return { kid, createdAt, privateKey, publicJwk: { ...publicParts, kid, alg: signingAlgorithm, use: 'sig' }, privateJwk }
}
