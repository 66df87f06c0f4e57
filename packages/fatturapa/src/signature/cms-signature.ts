import { constants, verify, X509Certificate } from 'node:crypto'
import * as pkijs from 'pkijs'
import { digestNames, oids, signatureAlgorithms } from './oids.js'

/**
 * Checks the SignerInfo signature value over `data` (the DER of the signed attributes with the SET tag, or
 * the content when there are none) with the signer certificate's key. `'unsupported'` for algorithms we do
 * not know: the caller reports them as not valid rather than guessing.
 */
export function verifySignatureValue(signerInfo: pkijs.SignerInfo, certificate: Uint8Array, data: Uint8Array): boolean | 'unsupported' {
  const algorithm = signatureAlgorithms[signerInfo.signatureAlgorithm.algorithmId]
  if (!algorithm) return 'unsupported'
  let digest = algorithm.digest ?? digestNames[signerInfo.digestAlgorithm.algorithmId]
  const key: { key: X509Certificate['publicKey']; padding?: number; saltLength?: number } = {
    key: new X509Certificate(certificate).publicKey,
  }
  if (algorithm.key === 'rsa-pss') {
    const params = pssParameters(signerInfo.signatureAlgorithm)
    if (!params) return 'unsupported'
    digest = params.digest
    key.padding = constants.RSA_PKCS1_PSS_PADDING
    key.saltLength = params.saltLength
  }
  if (!digest) return 'unsupported'
  const keyType = key.key.asymmetricKeyType
  if ((algorithm.key === 'ec') !== (keyType === 'ec')) return false
  const signature = signerInfo.signature.valueBlock.valueHexView
  try {
    return verify(digest, data, key, signature)
  } catch {
    return false
  }
}

function pssParameters(algorithm: pkijs.AlgorithmIdentifier): { digest: string; saltLength: number } | undefined {
  try {
    // Absent parameters mean the RFC 4055 defaults: SHA-1, MGF1 with SHA-1, salt 20.
    const params = algorithm.algorithmParams
      ? new pkijs.RSASSAPSSParams({ schema: algorithm.algorithmParams })
      : new pkijs.RSASSAPSSParams()
    const digest = digestNames[params.hashAlgorithm.algorithmId || oids.sha1]
    const mgfDigest = params.maskGenAlgorithm.algorithmParams
      ? new pkijs.AlgorithmIdentifier({ schema: params.maskGenAlgorithm.algorithmParams }).algorithmId
      : oids.sha1
    // node:crypto ties MGF1 to the message digest; a different MGF1 hash cannot be verified here.
    if (!digest || digestNames[mgfDigest] !== digest) return undefined
    return { digest, saltLength: params.saltLength }
  } catch {
    return undefined
  }
}
