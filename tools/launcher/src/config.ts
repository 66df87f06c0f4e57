import { PlatformConfigFields } from '@fatturapa-hub/shared'
import Type, { type Static } from 'typebox'

export const LauncherConfigSchema = Type.Object(
  {
    FPH_DATA_DIR: Type.String({ default: './data', description: 'Embedded mode: SQLite files, mail, logs and Redis data live here.' }),
    FPH_PORT_BASE: Type.Integer({
      default: 3000,
      minimum: 1024,
      maximum: 65000,
      description: 'Embedded mode: the gateway listens here and the services on the next five ports.',
    }),
    REDIS_URL: Type.Optional(
      Type.String({ pattern: '^rediss?://', description: 'Embedded mode: use this Redis instead of starting a local redis-server.' }),
    ),
    LOG_LEVEL: PlatformConfigFields.LOG_LEVEL,
  },
  { additionalProperties: true },
)
export type LauncherConfig = Static<typeof LauncherConfigSchema>
