import { sdiChannelConfigFields } from '@fatturapa-hub/sdi-channel'
import { MailConfigFields, serviceConfigSchema } from '@fatturapa-hub/shared'
import type { Static } from 'typebox'

export const ConfigSchema = serviceConfigSchema('fe-passive', { ...MailConfigFields, ...sdiChannelConfigFields({ inboundTlsPort: 3444 }) })
export type Config = Static<typeof ConfigSchema>
