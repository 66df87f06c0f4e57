// Pure: configuration parsing and the rule that decides where the SDI endpoints are served.
import { ConfigError, loadConfig, serviceConfigSchema } from '@fatturapa-hub/shared'
import { describe, expect, it } from '@jest/globals'
import { sdiChannelConfigFields, sdiInboundMode } from '../src/index.js'

const schema = serviceConfigSchema('fe-active', sdiChannelConfigFields({ inboundTlsPort: 3443 }))
const tlsFiles = {
  SDI_INBOUND_TLS_CERT_FILE: '/etc/sdi/server.crt',
  SDI_INBOUND_TLS_KEY_FILE: '/etc/sdi/server.key',
  SDI_INBOUND_TLS_CLIENT_CA_FILE: '/etc/sdi/ca.crt',
}

describe('SDI configuration', () => {
  it('defaults to the local simulator and to no SDI endpoint', () => {
    const config = loadConfig(schema, {})
    expect(config).toMatchObject({
      SDI_RICEVI_FILE_URL: 'http://127.0.0.1:3010/SdIRiceviFile',
      SDI_RICEVI_NOTIFICA_URL: 'http://127.0.0.1:3010/SdIRiceviNotifica',
      SDI_TIMEOUT_MS: 60000,
      SDI_INBOUND_PLAIN_HTTP: false,
      SDI_INBOUND_TLS_PORT: 3443,
    })
    expect(sdiInboundMode(config)).toEqual({ kind: 'off' })
  })

  it('serves the endpoints on the plain port only when asked', () => {
    expect(sdiInboundMode(loadConfig(schema, { SDI_INBOUND_PLAIN_HTTP: 'true' }))).toEqual({ kind: 'plain' })
    expect(sdiInboundMode(loadConfig(schema, { SDI_INBOUND_PLAIN_HTTP: 'false' }))).toEqual({ kind: 'off' })
  })

  it('prefers the mutual-TLS listener, even when plain HTTP is asked too', () => {
    expect(sdiInboundMode(loadConfig(schema, { ...tlsFiles, SDI_INBOUND_PLAIN_HTTP: 'true', SDI_INBOUND_TLS_PORT: '8443' }))).toEqual({
      kind: 'tls',
      tls: {
        host: '0.0.0.0',
        port: 8443,
        certFile: tlsFiles.SDI_INBOUND_TLS_CERT_FILE,
        keyFile: tlsFiles.SDI_INBOUND_TLS_KEY_FILE,
        clientCaFile: tlsFiles.SDI_INBOUND_TLS_CLIENT_CA_FILE,
        allowedClientFingerprints: [],
      },
    })
  })

  it('refuses a half-configured TLS listener instead of falling back', () => {
    expect(() =>
      sdiInboundMode(loadConfig(schema, { SDI_INBOUND_TLS_CERT_FILE: '/etc/sdi/server.crt', SDI_INBOUND_PLAIN_HTTP: 'true' })),
    ).toThrow(ConfigError)
  })

  it('validates URLs and timeouts', () => {
    expect(() => loadConfig(schema, { SDI_RICEVI_FILE_URL: 'ftp://sdi', SDI_TIMEOUT_MS: '5' })).toThrow(
      /SDI_RICEVI_FILE_URL[\s\S]*SDI_TIMEOUT_MS/,
    )
  })
})
