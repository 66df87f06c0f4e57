import { serviceConfigSchema } from '@fatturapa-hub/shared'
import type { Static } from 'typebox'

export const ConfigSchema = serviceConfigSchema('liquidazioni')
export type Config = Static<typeof ConfigSchema>
