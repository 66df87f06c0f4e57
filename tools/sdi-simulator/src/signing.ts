import { signXades } from '@fatturapa-hub/fatturapa'
import type { MessageSigner } from './engine/index.js'

export interface XadesSignerOptions {
  certificatePem: string
  privateKeyPem: string
}

/** Signs SDI messages as SDI does (XAdES-BES enveloped, RSA-SHA256), with the virtual clock's time as SigningTime. */
export function xadesMessageSigner(options: XadesSignerOptions): MessageSigner {
  return {
    sign: (xml, { id, signingTime }) =>
      signXades(xml, {
        certificatePem: options.certificatePem,
        privateKeyPem: options.privateKeyPem,
        signingTime,
        id: id.replace(/[^\w.-]/g, '_'),
      }),
  }
}
