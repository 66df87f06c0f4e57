import { MailConfigFields, serviceConfigSchema } from '@fatturapa-hub/shared'
import type { Static } from 'typebox'

export const ConfigSchema = serviceConfigSchema('fe-passive', MailConfigFields)
export type Config = Static<typeof ConfigSchema>
