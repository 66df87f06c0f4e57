import { describe, expect, it } from '@jest/globals'
import { embeddedCodiceDestinatario, sdiSimulatorWiring } from '../src/sdi-simulator.js'

describe('embedded SDI simulator wiring', () => {
  it('puts the simulator on FPH_PORT_BASE+10 and wires it both ways with fe-active and fe-passive', () => {
    const wiring = sdiSimulatorWiring({
      portBase: 4000,
      dataDir: '/tmp/fph',
      feActiveUrl: 'http://127.0.0.1:4002',
      fePassiveUrl: 'http://127.0.0.1:4003',
      logLevel: 'info',
    })
    expect(wiring.url).toBe('http://127.0.0.1:4010')
    expect(wiring.simulatorEnv).toEqual({
      PORT: '4010',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SDI_SIM_DATA_DIR: '/tmp/fph/sdi-simulator',
      MAIL_DIR: '/tmp/fph/sdi-simulator/pec',
      PLATFORM_CHANNEL_ID: 'platform',
      PLATFORM_TRASMISSIONE_URL: 'http://127.0.0.1:4002/sdi/TrasmissioneFatture',
      PLATFORM_RICEZIONE_URL: 'http://127.0.0.1:4003/sdi/RicezioneFatture',
      PLATFORM_CODICI_DESTINATARIO: embeddedCodiceDestinatario,
    })
    expect(wiring.serviceEnv).toEqual({
      SDI_INBOUND_PLAIN_HTTP: 'true',
      SDI_RICEVI_FILE_URL: 'http://127.0.0.1:4010/SdIRiceviFile/platform',
      SDI_RICEVI_NOTIFICA_URL: 'http://127.0.0.1:4010/SdIRiceviNotifica',
    })
    expect(embeddedCodiceDestinatario).toMatch(/^[A-Z0-9]{7}$/)
  })
})
