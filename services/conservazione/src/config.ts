import { serviceConfigSchema } from '@fatturapa-hub/shared'
import type { Static } from 'typebox'

export const ConfigSchema = serviceConfigSchema('conservazione')
export type Config = Static<typeof ConfigSchema>
