import { join } from 'node:path'

/** Offset of the SDI simulator's port from FPH_PORT_BASE (3010 by default, the simulator's own default). */
export const sdiSimulatorPortOffset = 10

/** The recipient code of the embedded platform: B2B invoices sent to it reach fe-passive's RicezioneFatture. */
export const embeddedCodiceDestinatario = 'FPHUB00'

/** The simulator's transmitting channel for the platform; SdIRiceviFile/<id> names it. */
export const platformChannelId = 'platform'

export interface SdiSimulatorWiring {
  url: string
  /** Environment of the simulator process (tools/sdi-simulator/dist/main.js). */
  simulatorEnv: Record<string, string>
  /** Added to the environment of fe-active and fe-passive. */
  serviceEnv: Record<string, string>
}

/**
 * Embedded mode: the SDI simulator on FPH_PORT_BASE+10, wired both ways. fe-active and fe-passive serve their SDI
 * endpoints on their plain ports and call the simulator; the simulator sends receipts to fe-active's
 * TrasmissioneFatture and invoices for the platform's code to fe-passive's RicezioneFatture. It keeps its signing
 * certificate and PEC messages under `<data>/sdi-simulator`.
 */
export function sdiSimulatorWiring(options: {
  portBase: number
  dataDir: string
  feActiveUrl: string
  fePassiveUrl: string
  logLevel: string
}): SdiSimulatorWiring {
  const port = options.portBase + sdiSimulatorPortOffset
  const url = `http://127.0.0.1:${port}`
  const dataDir = join(options.dataDir, 'sdi-simulator')
  return {
    url,
    simulatorEnv: {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: options.logLevel,
      SDI_SIM_DATA_DIR: dataDir,
      MAIL_DIR: join(dataDir, 'pec'),
      PLATFORM_CHANNEL_ID: platformChannelId,
      PLATFORM_TRASMISSIONE_URL: `${options.feActiveUrl}/sdi/TrasmissioneFatture`,
      PLATFORM_RICEZIONE_URL: `${options.fePassiveUrl}/sdi/RicezioneFatture`,
      PLATFORM_CODICI_DESTINATARIO: embeddedCodiceDestinatario,
    },
    serviceEnv: {
      SDI_INBOUND_PLAIN_HTTP: 'true',
      SDI_RICEVI_FILE_URL: `${url}/SdIRiceviFile/${platformChannelId}`,
      SDI_RICEVI_NOTIFICA_URL: `${url}/SdIRiceviNotifica`,
    },
  }
}
