import net, { type AddressInfo } from 'node:net'
import { SdiClient } from '@fatturapa-hub/sdi-channel'
import { InvoiceTransmitter } from '../../src/transmission/transmit.js'
import type { FeActiveTest } from './fe-active-test.js'

/** A local port nothing listens on (taken from the system and released): a connection to it is refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * A transmitter whose SdIRiceviFile is a closed port: each attempt takes a file name and ends ERRORE IN INVIO
 * (unreachable), with a 100 ms retry pause.
 */
export async function unreachableSdiTransmitter(test: FeActiveTest): Promise<InvoiceTransmitter> {
  const client = new SdiClient({
    riceviFileUrl: `http://127.0.0.1:${await closedPort()}/SdIRiceviFile`,
    riceviNotificaUrl: 'http://127.0.0.1:9/',
    timeoutMs: 1000,
  })
  return new InvoiceTransmitter(
    test.running.orm,
    async () => client,
    { retryBaseMs: 100, maxAttempts: 5, reconcileWaitMs: 60_000 },
    test.logger,
  )
}
