import { sdiChannelConfigFields } from '@fatturapa-hub/sdi-channel'
import { MailConfigFields, serviceConfigSchema } from '@fatturapa-hub/shared'
import Type, { type Static } from 'typebox'

/** How the transmission worker paces itself: retries, reconciliation after ambiguous calls, the sweeper. */
export const TransmissionConfigFields = {
  TRANSMISSION_RECONCILE_WAIT_MS: Type.Integer({
    default: 4 * 3600 * 1000,
    minimum: 1000,
    description:
      'After an ambiguous call to SdIRiceviFile (timeout, lost connection, crash during the call) how long to wait for an SDI notification about the file before sending it again under the same name (SDI answers 00002 if it had it).',
  }),
  TRANSMISSION_RETRY_BASE_MS: Type.Integer({
    default: 30000,
    minimum: 100,
    description:
      'First pause before re-sending a file SDI did not take (EI02, connection refused, SOAP Server fault); it doubles with every attempt up to 6 hours.',
  }),
  TRANSMISSION_MAX_ATTEMPTS: Type.Integer({
    default: 12,
    minimum: 1,
    maximum: 100,
    description: 'Automatic transmissions of one invoice; after the last, the invoice stays ERRORE IN INVIO until an operator retries it.',
  }),
  TRANSMISSION_SWEEP_INTERVAL_MS: Type.Integer({
    default: 2000,
    minimum: 50,
    description:
      'How often the worker looks for invoices due for (re)transmission, calls a crash left unanswered, and SDI messages not yet applied.',
  }),
  TRANSMISSION_CONCURRENCY: Type.Integer({
    default: 8,
    minimum: 1,
    maximum: 64,
    description: 'Transmissions the worker runs at the same time.',
  }),
}

export const ConfigSchema = serviceConfigSchema('fe-active', {
  ...MailConfigFields,
  ...sdiChannelConfigFields({ inboundTlsPort: 3443 }),
  ...TransmissionConfigFields,
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: Type.Boolean({
    default: false,
    description:
      'Let webhook URLs reach loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16: cloud metadata) and other non-public addresses. Off, such URLs are refused at registration (WEBHOOK_URL_NOT_ALLOWED) and a name that resolves to such an address is not called: an integrator cannot make the platform call internal systems. The embedded launcher turns it on (an ERP on the same machine).',
  }),
  SIGNING_SECRET: Type.Optional(
    Type.String({
      minLength: 32,
      description:
        'Secret that encrypts the signing certificates (PKCS#12 keys) of the clients and of the intermediary at rest (at least 32 characters). Unset: certificates cannot be uploaded and invoices are not signed server-side (they stay DA FIRMARE until a signed file is uploaded).',
    }),
  ),
})
export type Config = Static<typeof ConfigSchema>
